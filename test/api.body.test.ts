/**
 * The JSON body reader: plain UTF-8 JSON with a Content-Length is read directly, anything
 * else (here: gzip-encoded) by body-parser. Both must answer every body alike.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { request } from 'node:http';
import { gzipSync } from 'node:zlib';
import { startApp, type TestApp } from './support/app.js';

let app: TestApp;
beforeAll(async () => {
  app = await startApp({ env: { CALLS_PER_MINUTE: '0' } });
});
afterAll(async () => app.close());

const BODIES: Array<[string, string]> = [
  ['an object', '{"is_video_call":false,"meeting_name":"Standup"}'],
  ['an empty object', '{}'],
  ['leading JSON whitespace', ' \t\r\n{"is_video_call":true}'],
  ['a byte-order mark', '\ufeff{"is_video_call":true}'],
  ['non-ASCII text', '{"meeting_name":"Réunion ☎ 会議"}'],
  ['a wrong type', '{"is_video_call":"yes"}'],
  ['an unknown field', '{"provider":"zoom"}'],
  ['a string', '"hello"'],
  ['null', 'null'],
  ['an array', '[]'],
  ['a number', '42'],
  ['broken JSON', '{"is_video_call":'],
  ['trailing garbage', '{"is_video_call":true} x'],
  ['only whitespace', '   '],
];

async function send(
  body: string,
  options: { gzip: boolean; contentType?: string },
): Promise<{ status: number; msg: unknown; isVideoCall: unknown; url: unknown }> {
  const bytes = Buffer.from(body, 'utf8');
  const res = await fetch(`${app.url}/api/v1/calls`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${app.token({ org: 'bodies' })}`,
      'content-type': options.contentType ?? 'application/json',
      ...(options.gzip ? { 'content-encoding': 'gzip' } : {}),
    },
    body: options.gzip ? gzipSync(bytes) : bytes,
  });
  const answer = (await res.json()) as Record<string, unknown>;
  return { status: res.status, msg: answer['msg'], isVideoCall: answer['is_video_call'], url: typeof answer['url'] };
}

describe('JSON bodies', () => {
  test.each(BODIES)('when the body is %s, then the direct reader answers as body-parser does', async (_name, body) => {
    const direct = await send(body, { gzip: false });
    const parsed = await send(body, { gzip: true });
    expect(direct).toEqual(parsed);
  });

  test('when the body is valid, then both readers create the call it asks for', async () => {
    const direct = await send('{"is_video_call":false}', { gzip: false });
    expect(direct).toMatchObject({ status: 200, isVideoCall: false, url: 'string' });
    const charset = await send('{"is_video_call":false}', {
      gzip: false,
      contentType: 'application/json; charset=UTF-8',
    });
    expect(charset).toMatchObject({ status: 200, isVideoCall: false });
  });

  test('when the body is not an object or array, then 400 body: not valid JSON on the direct path', async () => {
    for (const body of ['"hello"', 'null', '42', '{"is_video_call":', '   ']) {
      expect(await send(body, { gzip: false })).toMatchObject({ status: 400, msg: 'body: not valid JSON' });
    }
  });

  test('when a body arrives in several chunks, then it is read whole', async () => {
    const body = Buffer.from(JSON.stringify({ meeting_name: 'é'.repeat(150), is_video_call: false }), 'utf8');
    // Split inside a two-byte character, sent as two writes a moment apart.
    const cut = 40;
    const answer = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(`${app.url}/api/v1/calls`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${app.token({ org: 'bodies' })}`,
          'content-type': 'application/json',
          'content-length': String(body.length),
        },
      });
      req.on('response', (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on('error', reject);
      req.write(body.subarray(0, cut));
      req.flushHeaders();
      setTimeout(() => req.end(body.subarray(cut)), 50);
    });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toMatchObject({ result: 'success', is_video_call: false });
  });
});
