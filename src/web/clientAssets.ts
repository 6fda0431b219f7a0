/**
 * The browser client for chat frontends (`client/`, built into `client/dist/`), served at
 * `/client/callgate.js` so a page on any origin can `import` it. Module scripts load in
 * CORS mode, hence `Access-Control-Allow-Origin: *`: the files are public code and the
 * requests carry no credentials.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { Router } from 'express';
import { CallgateError } from '../errors.js';

/** `<root>/client/dist`, found from this file both built (`dist/web/`) and from source (`src/web/`). */
export const DEFAULT_CLIENT_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'client', 'dist');

/** Only the modules and their type declarations are served (no source maps, no package files). */
const SERVED = /^\/[a-zA-Z0-9-]+\.(js|d\.ts)$/;

/** Serves `GET /client/<name>.js` and `<name>.d.ts`. */
export function clientAssetRoutes(dir: string = DEFAULT_CLIENT_DIR): Router {
  const router = Router();
  const files = express.static(dir, {
    index: false,
    redirect: false,
    fallthrough: true,
    // The URL is stable across releases, so caches must revalidate (Last-Modified / ETag).
    maxAge: 0,
    setHeaders(res, path) {
      res.setHeader('Access-Control-Allow-Origin', '*');
      res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
      res.setHeader('Cache-Control', 'no-cache');
      if (path.endsWith('.d.ts')) res.setHeader('Content-Type', 'text/plain; charset=utf-8');
    },
  });
  router.get('/client/{*file}', (req, res, next) => {
    const name = req.path.slice('/client'.length);
    if (!SERVED.test(name)) {
      next(new CallgateError('NOT_FOUND', 'No such client file'));
      return;
    }
    if (!existsSync(dir)) {
      next(new CallgateError('NOT_FOUND', 'The browser client has not been built (npm run build)'));
      return;
    }
    req.url = name;
    files(req, res, () => next(new CallgateError('NOT_FOUND', 'No such client file')));
  });
  return router;
}
