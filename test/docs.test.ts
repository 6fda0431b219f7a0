/** `GET /docs`, the readable API reference generated from the OpenAPI document, and the site icon. */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { ERROR_STATUS } from '../src/errors.js';
import { renderDocsPage } from '../src/web/docsPage.js';
import { api, startApp, type TestApp } from './support/app.js';

describe('API reference page', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp();
  });
  afterAll(async () => {
    await app.close();
  });

  test('when /docs is opened, then it lists every operation of /openapi.json and every error code', async () => {
    const page = await api(app, 'GET', '/docs');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const doc = (await api(app, 'GET', '/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
    const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(operations.length).toBeGreaterThan(10);
    for (const operation of operations) {
      const [method, path] = operation.split(' ');
      const escapedPath = (path ?? '').replace(/&/g, '&amp;');
      expect(page.text).toContain(`<span class="method">${method}</span> <code>${escapedPath}</code>`);
    }
    for (const [code, status] of Object.entries(ERROR_STATUS)) {
      expect(page.text).toContain(`<tr><td><code>${code}</code></td><td>${status}</td>`);
    }
    // Request fields come from the schemas, e.g. the create-call body.
    expect(page.text).toContain('<code>meeting_name</code>');
    expect(page.text).toContain('<code>is_video_call</code>');
  });

  test('when a browser asks for /favicon.ico, then it gets a PNG icon, not a 404', async () => {
    const res = await fetch(`${app.url}/favicon.ico`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^image\/png/);
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(bytes.readUInt32BE(16)).toBe(32);
  });

  test('when a document carries markup in its texts, then the page shows it as text', () => {
    const html = renderDocsPage({
      info: { description: '<img src=x onerror=alert(1)>', version: '1' },
      paths: { '/x': { get: { summary: '<script>alert(1)</script>', responses: { '200': { description: 'ok' } } } } },
    });
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });
});
