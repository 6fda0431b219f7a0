/**
 * JSON requests to callgate's API with the user's Bearer token (SPEC §1, §2). Never sends
 * cookies: the API ignores them anyway, and a frontend on another origin has none there.
 */
import { CallgateError, errorFromAnswer, NetworkError, NotSignedInError, UnexpectedResponseError } from './errors.js';

/** Options of one request. */
export interface RequestOptions {
  body?: unknown;
  signal?: AbortSignal | undefined;
}

/** Sends requests; resolves with the success body, rejects with a typed CallgateError. */
export interface Transport {
  request(method: string, path: string, options?: RequestOptions): Promise<Record<string, unknown>>;
}

/** Options of createTransport. */
export interface TransportOptions {
  baseUrl: string;
  getToken: () => string | null | undefined | Promise<string | null | undefined>;
  fetch: typeof fetch;
}

/** Creates the transport. */
export function createTransport(options: TransportOptions): Transport {
  return {
    async request(method, path, request = {}) {
      const { signal } = request;
      signal?.throwIfAborted();
      const token = await options.getToken();
      signal?.throwIfAborted();
      if (!token) throw new NotSignedInError('NOT_SIGNED_IN', 'You are not signed in. Sign in to the chat again.');
      const headers: Record<string, string> = { accept: 'application/json', authorization: `Bearer ${token}` };
      let body: string | undefined;
      if (request.body !== undefined) {
        headers['content-type'] = 'application/json';
        body = JSON.stringify(request.body);
      }
      let response: Response;
      try {
        response = await options.fetch(`${options.baseUrl}${path}`, {
          method,
          headers,
          ...(body === undefined ? {} : { body }),
          ...(signal ? { signal } : {}),
          credentials: 'omit',
          cache: 'no-store',
        });
      } catch (error) {
        signal?.throwIfAborted();
        throw new NetworkError('NETWORK', 'Could not reach callgate. Check your connection and try again.', {
          cause: error,
        });
      }
      let parsed: unknown;
      try {
        parsed = await response.json();
      } catch (error) {
        signal?.throwIfAborted();
        throw new UnexpectedResponseError(
          'UNEXPECTED_RESPONSE',
          `callgate answered HTTP ${response.status} in an unexpected format. Try again later.`,
          { status: response.status, cause: error },
        );
      }
      const answer = parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed : {};
      const fields = answer as Record<string, unknown>;
      if (response.ok && fields['result'] === 'success') return fields;
      throw errorFromAnswer(response.status, fields, response.headers.get('retry-after'));
    },
  };
}

/** Whether `error` is one of the client's errors. */
export function isCallgateError(error: unknown): error is CallgateError {
  return error instanceof CallgateError;
}
