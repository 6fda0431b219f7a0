/**
 * The security headers of every answer (SPEC §7), as helmet writes them. Helmet's headers
 * depend only on the configuration, so they are recorded once at start-up from helmet
 * itself and then set from that list: the JSON API (`api.ts`, plain node:http) and the
 * Express pages send the very same headers, and no request pays for helmet's dozen
 * middleware calls.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import helmet from 'helmet';

/** Header name and value pairs, in helmet's order. */
export type HeaderList = ReadonlyArray<readonly [string, string]>;

/** The headers helmet sets with callgate's options. */
export function securityHeaders(options: { https: boolean }): HeaderList {
  const middleware = helmet({
    // Pages set their own CSP with a nonce where they run a script.
    contentSecurityPolicy: { directives: { 'script-src': ["'self'"], 'frame-ancestors': ["'none'"] } },
    // Authorization popups talk to their opener; same-origin-allow-popups keeps window.opener.
    crossOriginOpenerPolicy: { policy: 'same-origin-allow-popups' },
    strictTransportSecurity: options.https,
  });
  const headers: Array<[string, string]> = [];
  const recorder = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers.push([name, String(value)]);
    },
    removeHeader() {},
  };
  let finished = false;
  middleware({} as IncomingMessage, recorder as unknown as ServerResponse, () => {
    finished = true;
  });
  // Helmet is synchronous; a version that is not would leave the list incomplete.
  if (!finished) throw new Error('helmet did not finish synchronously');
  return headers;
}

/** Sets `headers` on a response. */
export function setHeaders(res: ServerResponse, headers: HeaderList): void {
  for (const [name, value] of headers) res.setHeader(name, value);
}

/** Express middleware setting `headers` on every answer. */
export function headersMiddleware(headers: HeaderList): RequestHandler {
  return (_req, res, next) => {
    setHeaders(res, headers);
    next();
  };
}
