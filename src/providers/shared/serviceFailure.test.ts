import { describe, expect, test } from '@jest/globals';
import { DEFAULT_RETRY_AFTER_SECONDS, retryAfterSeconds } from './providerHttp.js';
import {
  bodyExcerpt,
  serviceFailureToCheck,
  serviceFailureToError,
  statusFailure,
  type ServiceFailure,
} from './serviceFailure.js';

const NAMES = { name: 'Nextcloud Talk' };
const answer = (status: number, body: string, headers: Record<string, string> = {}) => ({ status, body, headers });

describe('Retry-After', () => {
  test('when seconds are given, then they are used; when absent or garbled, then 60', () => {
    expect(retryAfterSeconds('11')).toBe(11);
    expect(retryAfterSeconds(' 7 ')).toBe(7);
    expect(retryAfterSeconds(undefined)).toBe(DEFAULT_RETRY_AFTER_SECONDS);
    expect(retryAfterSeconds('')).toBe(60);
    expect(retryAfterSeconds('soon')).toBe(60);
    expect(retryAfterSeconds(['5'])).toBe(60);
  });

  test('when an HTTP date is given, then the seconds until then, at least 1', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterSeconds('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30);
    expect(retryAfterSeconds('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(1);
  });
});

describe('quoted bodies', () => {
  test('when a body echoes a credential, then it is redacted, and the excerpt stops at 200 characters', () => {
    const body = `echo: Basic c2VjcmV0 password=hunter2-secret ${'x'.repeat(400)}`;
    const excerpt = bodyExcerpt(body, ['hunter2-secret', 'c2VjcmV0']);
    expect(excerpt).not.toContain('hunter2-secret');
    expect(excerpt).not.toContain('c2VjcmV0');
    expect(excerpt).toContain('[redacted]');
    expect(excerpt).toHaveLength(200);
  });

  test('when a 429 has no Retry-After, then 60; other statuses keep an excerpt', () => {
    expect(statusFailure(answer(429, ''), [])).toEqual({ kind: 'rate_limited', retryAfterSeconds: 60 });
    expect(statusFailure(answer(429, '', { 'retry-after': '3' }), [])).toEqual({
      kind: 'rate_limited',
      retryAfterSeconds: 3,
    });
    expect(statusFailure(answer(502, '<h1>Bad gateway</h1>'), [])).toEqual({
      kind: 'http_status',
      status: 502,
      excerpt: '<h1>Bad gateway</h1>',
    });
  });
});

describe('failures as SPEC errors and check reasons', () => {
  const cases: { failure: ServiceFailure; code: string; message: string; reason: string }[] = [
    {
      failure: { kind: 'timeout', detail: 'no answer within 50 ms' },
      code: 'PROVIDER_TIMEOUT',
      message: 'Error connecting to the Nextcloud Talk server: no answer within 50 ms',
      reason: 'timeout',
    },
    {
      failure: { kind: 'unreachable', detail: 'connection refused' },
      code: 'PROVIDER_UNAVAILABLE',
      message: 'Error connecting to the Nextcloud Talk server: connection refused',
      reason: 'unreachable',
    },
    {
      failure: { kind: 'address_not_allowed', detail: 'the address is not allowed' },
      code: 'PROVIDER_UNAVAILABLE',
      message: 'Error connecting to the Nextcloud Talk server: the address is not allowed',
      reason: 'address_not_allowed',
    },
    {
      failure: { kind: 'http_status', status: 500, excerpt: '<h1>500</h1>' },
      code: 'PROVIDER_UNAVAILABLE',
      message: 'Error connecting to the Nextcloud Talk server: HTTP 500: <h1>500</h1>',
      reason: 'unreachable',
    },
    {
      failure: { kind: 'http_status', status: 302, excerpt: '' },
      code: 'PROVIDER_UNAVAILABLE',
      message: 'Error connecting to the Nextcloud Talk server: HTTP 302',
      reason: 'unexpected_answer',
    },
    {
      failure: { kind: 'garbled', status: 200, excerpt: '{"ocs":', detail: 'the answer is not an OCS response' },
      code: 'PROVIDER_UNAVAILABLE',
      message: 'Error connecting to the Nextcloud Talk server: HTTP 200: {"ocs":',
      reason: 'unexpected_answer',
    },
    {
      failure: { kind: 'auth_rejected', status: 401, detail: 'HTTP 401' },
      code: 'PROVIDER_AUTH_FAILED',
      message: 'Invalid Nextcloud Talk credentials',
      reason: 'invalid_credentials',
    },
    {
      failure: { kind: 'rate_limited', retryAfterSeconds: 9 },
      code: 'RATE_LIMITED',
      message: 'Nextcloud Talk is rate-limiting requests; try again later',
      reason: 'rate_limited',
    },
    {
      failure: { kind: 'refused', status: 403, detail: 'OCS 403 failure' },
      code: 'PROVIDER_ERROR',
      message: 'Failed to create Nextcloud Talk call',
      reason: 'unexpected_answer',
    },
  ];

  test.each(cases)(
    'when $failure.kind, then $code and the check says $reason',
    ({ failure, code, message, reason }) => {
      const error = serviceFailureToError(NAMES, failure);
      expect(error.code).toBe(code);
      expect(error.message).toBe(message);
      const check = serviceFailureToCheck(NAMES, failure);
      expect(check).toMatchObject({ status: 'failed', reason });
      // A check never echoes what the upstream answered.
      if (check.status === 'failed' && 'excerpt' in failure && failure.excerpt) {
        expect(check.detail).not.toContain(failure.excerpt);
      }
    },
  );

  test('when rate-limited, then the error carries Retry-After and retry_after', () => {
    const error = serviceFailureToError(NAMES, { kind: 'rate_limited', retryAfterSeconds: 9 });
    expect(error.headers).toEqual({ 'Retry-After': '9' });
    expect(error.fields).toEqual({ retry_after: 9 });
  });
});
