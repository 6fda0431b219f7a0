/**
 * CORS for `/api/` (SPEC §7): only HOST_ORIGIN, only the Authorization and Content-Type
 * headers, never credentials (identity travels in the Authorization header, not cookies).
 */
import type { RequestHandler } from 'express';

/** Creates the CORS middleware for one allowed origin (or none). */
export function apiCors(hostOrigin: string | null): RequestHandler {
  return (req, res, next) => {
    res.vary('Origin');
    const origin = req.headers.origin;
    if (!hostOrigin || origin !== hostOrigin) {
      next();
      return;
    }
    res.setHeader('Access-Control-Allow-Origin', hostOrigin);
    // A 429's wait (SPEC §2) must be readable by the frontend's script.
    res.setHeader('Access-Control-Expose-Headers', 'Retry-After');
    if (req.method === 'OPTIONS' && req.headers['access-control-request-method']) {
      res.setHeader('Access-Control-Allow-Methods', 'GET, POST, PATCH, DELETE');
      res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type');
      res.setHeader('Access-Control-Max-Age', '600');
      res.status(204).end();
      return;
    }
    next();
  };
}
