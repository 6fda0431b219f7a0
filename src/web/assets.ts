/**
 * The browser code and styles of the demo and admin pages (`src/web/client/`, built into
 * `dist/public/` by `tsconfig.web.json`). They are served under `/assets/<version>/`, where
 * the version is a digest of their contents: the files can then be cached for a year, and
 * the relative `import`s between ES modules stay inside one version.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { Router } from 'express';

/**
 * Where the built assets live: `<root>/dist/public`, found from this file both when it runs
 * built (`dist/web/`) and from source under the tests (`src/web/`).
 */
export const DEFAULT_ASSETS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'public');

/** The served assets: their URL prefix and the router that serves them. */
export interface Assets {
  /** URL of one asset, e.g. `/assets/3f2a…/demo.js`. */
  url(name: string): string;
  router: Router;
}

const ONE_YEAR_MS = 365 * 86_400_000;

/** Serves the built assets of `dir` under a content-versioned prefix. */
export function createAssets(dir: string = DEFAULT_ASSETS_DIR): Assets {
  const version = contentVersion(dir);
  const prefix = `/assets/${version}`;
  const router = Router();
  router.use(
    prefix,
    express.static(dir, {
      immutable: true,
      maxAge: ONE_YEAR_MS,
      index: false,
      redirect: false,
      fallthrough: true,
      // Source maps are for local debugging only; nothing else outside the built files.
      extensions: false,
    }),
  );
  return { url: (name) => `${prefix}/${name}`, router };
}

/** A short digest of every file under `dir`; `missing` when the assets were not built. */
function contentVersion(dir: string): string {
  if (!existsSync(dir)) return 'missing';
  const hash = createHash('sha256');
  for (const file of listFiles(dir).sort()) {
    hash
      .update(file)
      .update('\0')
      .update(readFileSync(join(dir, file)))
      .update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

function listFiles(dir: string, prefix = ''): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(join(dir, prefix))) {
    const relative = prefix ? `${prefix}/${entry}` : entry;
    if (statSync(join(dir, relative)).isDirectory()) files.push(...listFiles(dir, relative));
    else files.push(relative);
  }
  return files;
}
