/**
 * The one place where errors become responses. API routes answer SPEC §2 JSON; browser
 * pages under `/calls/` answer a readable HTML page with the same status, or, for a
 * missing identity with LOGIN_URL set, a redirect to the host's login.
 */
import type { ServerResponse } from 'node:http';
import type { ErrorRequestHandler, Request, Response } from 'express';
import { CallgateError, INTERNAL_MESSAGE, isCallgateError } from '../errors.js';
import type { Logger } from '../log.js';
import { escapeHtml, renderPage } from '../web/html.js';
import { writeJson } from './reply.js';

/** Converts body-parser and other foreign errors into CallgateErrors. */
export function toCallgateError(error: unknown): CallgateError {
  if (isCallgateError(error)) return error;
  const type = (error as { type?: unknown } | null)?.type;
  if (type === 'entity.too.large') {
    return new CallgateError('PAYLOAD_TOO_LARGE', 'Request body is too large', { cause: error });
  }
  if (type === 'entity.parse.failed') {
    return new CallgateError('BAD_REQUEST', 'body: not valid JSON', { cause: error, fields: { field: 'body' } });
  }
  if ((typeof type === 'string' && type.startsWith('encoding.')) || type === 'charset.unsupported') {
    return new CallgateError('BAD_REQUEST', 'body: unsupported encoding', { cause: error });
  }
  // Express decodes path parameters with decodeURIComponent; a malformed escape such as
  // `%E0%A4%A` throws URIError there, which is the client's mistake, not ours.
  if (error instanceof URIError) {
    return new CallgateError('BAD_REQUEST', 'path: malformed percent-encoding', {
      cause: error,
      fields: { field: 'path' },
    });
  }
  return new CallgateError('INTERNAL', INTERNAL_MESSAGE, { cause: error });
}

/** The JSON body of an error answer. */
export function errorBody(error: CallgateError): Record<string, unknown> {
  return {
    result: 'error',
    msg: error.expose ? error.message : INTERNAL_MESSAGE,
    code: error.code,
    ...error.fields,
  };
}

/** The CallgateError of a failed request, logged: server faults as errors, refusals (4xx) at debug level. */
export function loggedFailure(logger: Logger, raw: unknown, request: { method: string; path: string }): CallgateError {
  const error = toCallgateError(raw);
  const log = { err: raw, code: error.code, method: request.method, path: request.path };
  if (error.status >= 500) logger.error(log, 'request failed');
  else logger.debug(log, 'request refused');
  return error;
}

/** Answers an error as SPEC §2 JSON, with its headers (e.g. Retry-After). */
export function writeJsonError(res: ServerResponse, error: CallgateError): void {
  writeJson(res, error.status, errorBody(error), error.headers);
}

/** Whether a request is a browser navigation to a `/calls/` page. */
function isPageRequest(req: Request): boolean {
  return req.path.startsWith('/calls/') && req.method === 'GET';
}

/** Creates the error middleware. */
export function errorMiddleware(deps: {
  logger: Logger;
  loginUrl: string | null;
  publicUrl: string;
  /** Where an error page's way out leads (the demo in local mode, HOST_ORIGIN otherwise); null for none. */
  chatUrl: string | null;
  /** Local mode: the chat is the demo, where anyone can sign in. */
  demo: boolean;
}): ErrorRequestHandler {
  return (raw: unknown, req: Request, res: Response, next) => {
    if (res.headersSent) {
      next(raw);
      return;
    }
    const error = loggedFailure(deps.logger, raw, req);
    if (!isPageRequest(req)) {
      writeJsonError(res, error);
      return;
    }
    res.status(error.status);
    for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
    if (error.code === 'UNAUTHORIZED' && deps.loginUrl) {
      const login = new URL(deps.loginUrl);
      login.searchParams.set('next', `${deps.publicUrl}${req.originalUrl}`);
      res.redirect(302, login.toString());
      return;
    }
    const page = pageText(error);
    res.type('html').send(
      renderPage({
        title: page.title,
        paragraphs: [error.expose ? error.message : INTERNAL_MESSAGE, page.hint],
        trustedHtml: wayOut(error, deps.chatUrl, deps.demo),
      }),
    );
  };
}

/** A link back to where a person came from, so an error page is never a dead end. */
function wayOut(error: CallgateError, chatUrl: string | null, demo: boolean): string {
  if (!chatUrl) return '';
  const text = error.code === 'UNAUTHORIZED' && demo ? 'Sign in on the demo' : 'Back to the chat';
  return `<nav aria-label="Way out"><a href="${escapeHtml(chatUrl)}">${text}</a></nav>`;
}

/** The title and the advice of an error page: what a person can do depends on whose fault it is. */
function pageText(error: CallgateError): { title: string; hint: string } {
  switch (error.code) {
    case 'UNAUTHORIZED':
      return { title: 'Please sign in', hint: 'Sign in to the chat again, then reopen this link.' };
    case 'INVALID_SIGNATURE':
      return {
        title: 'This link is not valid',
        hint: 'It may have been copied incompletely. Open it again from the message in the chat.',
      };
    case 'FORBIDDEN':
      return { title: 'You cannot open this link', hint: 'If you think you should, ask your administrator.' };
    case 'PROVIDER_NOT_CONFIGURED':
      return {
        title: 'The call could not be started',
        hint: 'This server is not set up for this video-call provider. Tell your administrator.',
      };
    case 'PROVIDER_ERROR':
    case 'PROVIDER_AUTH_FAILED':
    case 'PROVIDER_UNAVAILABLE':
    case 'PROVIDER_TIMEOUT':
      return {
        title: 'The call could not be started',
        hint: 'Your link is fine: the problem is between callgate and the video-call server. Try again in a minute, and if it keeps happening, tell your administrator.',
      };
    default:
      return {
        title: 'Something went wrong',
        hint: 'Close this window and try again from the chat. If it keeps happening, tell your administrator.',
      };
  }
}
