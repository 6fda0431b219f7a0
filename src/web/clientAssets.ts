/**
 * The browser client for chat frontends (`client/`, built into `client/dist/`), served at
 * `/client/callgate.js` so a page on any origin can `import` it. Module scripts load in
 * CORS mode, hence `Access-Control-Allow-Origin: *`: the files are public code and the
 * requests carry no credentials. The files are read once, when the app is built.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { CallgateError } from '../errors.js';
import { defineRoute, type RouteEntry } from '../http/route.js';

/** `<root>/client/dist`, found from this file both built (`dist/web/`) and from source (`src/web/`). */
export const DEFAULT_CLIENT_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'client', 'dist');

/** Only the modules and their type declarations are served (no source maps, no package files). */
const SERVED = /^[a-zA-Z0-9-]+\.(js|d\.ts)$/;

interface ClientFile {
  body: string;
  contentType: string;
  etag: string;
}

/** `GET /client/{file}`: `callgate.js`, the modules it imports, and their `.d.ts`. */
export function clientAssetRoutes(dir: string = DEFAULT_CLIENT_DIR): RouteEntry[] {
  const files = readClientFiles(dir);
  return [
    defineRoute<{ file: string }>({
      method: 'get',
      path: '/client/{file}',
      summary: 'The browser client for chat frontends: callgate.js (ES module), its modules and .d.ts types',
      auth: 'none',
      params: z.object({ file: z.string().max(100) }),
      success: { status: 200, raw: true, description: 'JavaScript module, or TypeScript declarations' },
      errors: [404],
      handle(request) {
        if (files === null)
          throw new CallgateError('NOT_FOUND', 'The browser client has not been built (npm run build)');
        const file = files.get(request.params.file);
        if (!file) throw new CallgateError('NOT_FOUND', 'No such client file');
        const headers = {
          'Access-Control-Allow-Origin': '*',
          'Cross-Origin-Resource-Policy': 'cross-origin',
          // The URL is stable across releases, so caches must revalidate.
          'Cache-Control': 'no-cache',
          ETag: file.etag,
        };
        if (request.header('if-none-match') === file.etag) {
          return { kind: 'text', status: 304, body: '', contentType: file.contentType, headers };
        }
        return { kind: 'text', body: file.body, contentType: file.contentType, headers };
      },
    }),
  ];
}

function readClientFiles(dir: string): Map<string, ClientFile> | null {
  if (!existsSync(dir)) return null;
  const files = new Map<string, ClientFile>();
  for (const name of readdirSync(dir)) {
    if (!SERVED.test(name)) continue;
    const body = readFileSync(join(dir, name), 'utf8');
    files.set(name, {
      body,
      contentType: name.endsWith('.d.ts') ? 'text/plain; charset=utf-8' : 'text/javascript; charset=utf-8',
      etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
    });
  }
  return files;
}
