// Copies the pages' static files (styles) next to the compiled browser modules in dist/public.
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const from = 'src/web/client';
const to = 'dist/public';
mkdirSync(to, { recursive: true });
for (const name of readdirSync(from)) {
  if (name.endsWith('.css')) copyFileSync(join(from, name), join(to, name));
}
