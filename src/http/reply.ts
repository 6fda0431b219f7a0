/**
 * JSON answers written on a plain node:http response: the JSON API's (`api.ts`) and the
 * Express routes' alike (Express's response is a node:http one), so both halves of the app
 * answer JSON, cookies included, the same way.
 */
import type { ServerResponse } from 'node:http';
import { serialize as serializeCookie } from 'cookie';
import type { CookieChange, RouteReply } from './route.js';

/** Writes a JSON answer. */
export function writeJson(res: ServerResponse, status: number, body: unknown, headers?: Record<string, string>): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  if (headers) for (const name of Object.keys(headers)) res.setHeader(name, headers[name] as string);
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}

/** Writes a `success` or `json` reply and returns true; false, writing nothing, for the other kinds. */
export function writeJsonReply(res: ServerResponse, reply: RouteReply): boolean {
  switch (reply.kind) {
    case 'success':
      for (const cookie of reply.cookies ?? []) res.appendHeader('Set-Cookie', setCookie(cookie));
      writeJson(res, reply.status ?? 200, { result: 'success', msg: '', ...reply.fields }, reply.headers);
      return true;
    case 'json':
      writeJson(res, reply.status ?? 200, reply.body, reply.headers);
      return true;
    default:
      return false;
  }
}

/** A Set-Cookie value as Express's res.cookie and res.clearCookie write it. */
function setCookie(change: CookieChange): string {
  const { maxAgeMs, ...options } = change.options;
  if (change.value === undefined) return serializeCookie(change.name, '', { ...options, expires: new Date(1) });
  return serializeCookie(change.name, change.value, {
    ...options,
    ...(maxAgeMs === undefined
      ? {}
      : { maxAge: Math.floor(maxAgeMs / 1000), expires: new Date(Date.now() + maxAgeMs) }),
  });
}
