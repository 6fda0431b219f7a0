/**
 * CORS for `/api/` (SPEC §7): only HOST_ORIGIN, only the Authorization and Content-Type
 * headers, never credentials (identity travels in the Authorization header, not cookies).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Grants `hostOrigin` (or nobody) on one API request; answers a preflight itself with 204.
 * Returns whether it answered.
 */
export function applyCors(hostOrigin: string | null, req: IncomingMessage, res: ServerResponse): boolean {
  res.setHeader('Vary', 'Origin');
  if (!hostOrigin || req.headers.origin !== hostOrigin) return false;
  res.setHeader('Access-Control-Allow-Origin', hostOrigin);
  // A 429's wait (SPEC §2) must be readable by the frontend's script.
  res.setHeader('Access-Control-Expose-Headers', 'Retry-After');
  if (req.method !== 'OPTIONS' || !req.headers['access-control-request-method']) return false;
  res.setHeader('Access-Control-Allow-Methods', 'GET, POST, PATCH, DELETE');
  res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type');
  res.setHeader('Access-Control-Max-Age', '600');
  res.statusCode = 204;
  res.end();
  return true;
}
