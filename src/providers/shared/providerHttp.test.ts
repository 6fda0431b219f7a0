import { describe, expect, test } from '@jest/globals';
import { joinUrl, retryAfterSeconds, unexpectedAnswer } from './providerHttp.js';

describe('joinUrl', () => {
  test('when the base has a path with or without a trailing slash, then the path is kept', () => {
    expect(joinUrl('https://a.example/base', 'v2/spaces')).toBe('https://a.example/base/v2/spaces');
    expect(joinUrl('https://a.example/base/', '/v2/spaces')).toBe('https://a.example/base/v2/spaces');
    expect(joinUrl('https://a.example', 'token')).toBe('https://a.example/token');
  });
});

describe('retryAfterSeconds', () => {
  test('when seconds, then those; when an HTTP date, then the seconds until it; when absent or garbage, then 60', () => {
    const now = Date.UTC(2026, 0, 1, 0, 0, 0);
    expect(retryAfterSeconds('17', now)).toBe(17);
    expect(retryAfterSeconds(new Date(now + 30_000).toUTCString(), now)).toBe(30);
    expect(retryAfterSeconds(undefined, now)).toBe(60);
    expect(retryAfterSeconds('soon', now)).toBe(60);
  });
});

describe('unexpectedAnswer', () => {
  test('then PROVIDER_UNAVAILABLE quoting the status and the first 200 characters, whitespace collapsed', () => {
    const body = `<html>\n  <body>${'x'.repeat(400)}</body></html>`;
    const error = unexpectedAnswer('Google Meet', { status: 502, body });
    expect(error.code).toBe('PROVIDER_UNAVAILABLE');
    expect(error.message).toBe(
      `Error connecting to the Google Meet server: HTTP 502: ${body.replace(/\s+/g, ' ').slice(0, 200)}`,
    );
  });
});
