/** Minimal server-rendered HTML: every interpolated value is escaped. */

/** Escapes text for HTML element content and quoted attributes. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** A page: title and paragraphs are plain text; `script` runs under the response's CSP nonce. */
export interface PageOptions {
  title: string;
  paragraphs: string[];
  /** Pre-rendered, trusted HTML placed after the paragraphs (links, forms). */
  trustedHtml?: string;
  script?: { nonce: string; code: string };
}

/** Renders a small, self-contained page. */
export function renderPage(options: PageOptions): string {
  const paragraphs = options.paragraphs.map((text) => `<p>${escapeHtml(text)}</p>`).join('\n    ');
  const script = options.script
    ? `<script nonce="${escapeHtml(options.script.nonce)}">${options.script.code}</script>`
    : '';
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>${escapeHtml(options.title)} · callgate</title>
    <style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#1a1a1a;background:#fff;line-height:1.5}h1{font-size:1.4rem}</style>
  </head>
  <body>
    <main>
    <h1>${escapeHtml(options.title)}</h1>
    ${paragraphs}
    ${options.trustedHtml ?? ''}
    </main>
    ${script}
  </body>
</html>
`;
}
