/**
 * JSON body handling for `/api/`: at most 16 KiB, JSON only. A body in another content
 * type is refused rather than silently ignored, so a client bug never looks like success.
 *
 * The common request (a Content-Length, `application/json` in UTF-8, no Content-Encoding)
 * is read here directly: body-parser's general machinery (charset lookup, decoders,
 * inflation) cost a fifth of a call's CPU time. Everything else goes to express.json(),
 * and both answer the same errors.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import express, { type Request, type RequestHandler, type Response } from 'express';
import typeis from 'type-is';
import { CallgateError } from '../errors.js';

/** The JSON body limit (SPEC §2). */
export const JSON_BODY_LIMIT = 16 * 1024;

const json = express.json({ limit: JSON_BODY_LIMIT, strict: true });

/** Space, tab, line feed and carriage return. */
const JSON_WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);

const notJson = (): CallgateError =>
  new CallgateError('BAD_REQUEST', 'body: not valid JSON', { fields: { field: 'body' } });

/** Whether the request is the plain case the fast path reads: UTF-8 JSON, sized, not encoded. */
function plainJson(req: IncomingMessage): boolean {
  const encoding = req.headers['content-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') return false;
  if (req.headers['transfer-encoding'] !== undefined || req.headers['content-length'] === undefined) return false;
  const type = (req.headers['content-type'] ?? '').toLowerCase().replace(/\s+/g, '');
  return type === 'application/json' || type === 'application/json;charset=utf-8';
}

/** Parses a UTF-8 body as express.json({ strict: true }) does: an object or array only. */
function parseStrict(body: Buffer): unknown {
  // A byte-order mark is dropped, as body-parser's decoder does.
  let text = body.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  // Strict mode: the first character that is not JSON whitespace must open an object or array.
  let index = 0;
  while (index < text.length && JSON_WHITESPACE.has(text.charCodeAt(index))) index++;
  const first = text[index];
  if (first !== '{' && first !== '[') throw notJson();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw notJson();
  }
}

/**
 * A request as the guard sees it, from Express or plain node:http (the JSON API); `_body`
 * is body-parser's mark of a request whose body has been read, honoured by both paths.
 */
type BodyRequest = IncomingMessage & { body?: unknown; _body?: boolean };

/**
 * Parses a JSON body into `req.body`; refuses oversized or non-JSON ones. Calls `next` once,
 * with the error if any. Runs once per request however often it is called.
 */
export function readJsonBody(req: BodyRequest, res: ServerResponse, next: (error?: unknown) => void): void {
  if (req._body) {
    next();
    return;
  }
  const length = Number(req.headers['content-length'] ?? 0);
  if (length > JSON_BODY_LIMIT) {
    next(new CallgateError('PAYLOAD_TOO_LARGE', 'Request body is too large'));
    return;
  }
  const hasBody = length > 0 || req.headers['transfer-encoding'] !== undefined;
  if (hasBody && !typeis(req, ['application/json'])) {
    next(
      new CallgateError('BAD_REQUEST', 'body: must be JSON (Content-Type: application/json)', {
        fields: { field: 'body' },
      }),
    );
    return;
  }
  if (!hasBody || !plainJson(req)) {
    json(req as Request, res as Response, next);
    return;
  }
  const chunks: Buffer[] = [];
  let received = 0;
  req.on('data', (chunk: Buffer) => {
    received += chunk.length;
    chunks.push(chunk);
  });
  req.once('error', next);
  req.once('end', () => {
    // Node's parser stops at Content-Length, so only an aborted request ends short.
    if (received !== length) {
      next(new Error('request body ended before its Content-Length'));
      return;
    }
    try {
      req.body = parseStrict(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, received));
      req._body = true;
    } catch (error) {
      next(error);
      return;
    }
    next();
  });
}

/** Express middleware reading the JSON body (see readJsonBody). */
export const apiBody: RequestHandler = (req, res, next) => readJsonBody(req, res, next);
