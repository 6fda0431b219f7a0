/**
 * The frame of the demo and admin pages: server-rendered HTML whose behaviour comes from
 * one ES module under `/assets/`, sent with a CSP stricter than the app-wide one (no inline
 * script or style at all) and never cached, since the admin page embeds the caller's token.
 */
import type { Response } from 'express';
import type { RouteReply } from '../http/route.js';
import type { Assets } from './assets.js';
import { escapeHtml } from './html.js';

/**
 * Content-Security-Policy of the pages: only same-origin scripts, styles and fetches.
 * `form-action 'none'` because every form is submitted by script, never by the browser.
 */
export const PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Options of renderAppPage. */
export interface AppPageOptions {
  title: string;
  assets: Assets;
  /** The page's ES module, e.g. `demo.js`. */
  script: string;
  /** `<meta name=… content=…>` values the script reads; escaped here. */
  meta?: Record<string, string>;
  /** Trusted, pre-escaped body HTML. */
  bodyHtml: string;
}

/** Renders a page of the web UI. */
export function renderAppPage(options: AppPageOptions): string {
  const meta = Object.entries(options.meta ?? {})
    .map(([name, content]) => `<meta name="${escapeHtml(name)}" content="${escapeHtml(content)}">`)
    .join('\n    ');
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <meta name="referrer" content="no-referrer">
    ${meta}
    <title>${escapeHtml(options.title)} · callgate</title>
    <link rel="stylesheet" href="${escapeHtml(options.assets.url('callgate.css'))}">
    <script type="module" src="${escapeHtml(options.assets.url(options.script))}"></script>
  </head>
  <body>
${options.bodyHtml}
  </body>
</html>
`;
}

/** Sends a page with the strict CSP and no caching. */
export function sendAppPage(res: Response, html: string): void {
  res.setHeader('Content-Security-Policy', PAGE_CSP);
  res.setHeader('Cache-Control', 'no-store');
  res.type('html').send(html);
}

/** A page with the strict CSP and no caching, as a route reply. */
export function appPageReply(html: string): RouteReply {
  return { kind: 'html', html, headers: { 'Content-Security-Policy': PAGE_CSP, 'Cache-Control': 'no-store' } };
}
