import { describe, expect, test } from '@jest/globals';
import { createHmac } from 'node:crypto';
import { parseZoomWebhook, urlValidationToken, verifyZoomWebhook, zoomWebhookSignature } from './webhook.js';

const secret = 'webhook-secret';
const body = Buffer.from('{"event":"app_deauthorized","payload":{"user_id":"u1","account_id":"a1"}}');
const now = 1_700_000_000_000;
const ts = String(now / 1000);

describe('Zoom webhook signatures', () => {
  test('when signed as Zoom documents it, then the signature is v0= hex HMAC of v0:ts:body', () => {
    const expected = `v0=${createHmac('sha256', secret).update(`v0:${ts}:${body.toString()}`).digest('hex')}`;
    expect(zoomWebhookSignature(secret, ts, body)).toBe(expected);
    expect(() => verifyZoomWebhook({ secret, signature: expected, timestamp: ts, rawBody: body, now })).not.toThrow();
  });

  test('when the timestamp is more than five minutes away, then refused even with a valid signature', () => {
    const old = String(now / 1000 - 301);
    const signature = zoomWebhookSignature(secret, old, body);
    expect(() => verifyZoomWebhook({ secret, signature, timestamp: old, rawBody: body, now })).toThrow(
      'Invalid webhook signature',
    );
  });

  test('when the signature has another length or the header is missing, then refused', () => {
    expect(() => verifyZoomWebhook({ secret, signature: 'v0=abc', timestamp: ts, rawBody: body, now })).toThrow();
    expect(() => verifyZoomWebhook({ secret, signature: undefined, timestamp: ts, rawBody: body, now })).toThrow();
    expect(() => verifyZoomWebhook({ secret, signature: 'x', timestamp: 'soon', rawBody: body, now })).toThrow();
  });

  test('when validating the endpoint, then encryptedToken is the hex HMAC of plainToken', () => {
    expect(urlValidationToken(secret, 'abc')).toBe(createHmac('sha256', secret).update('abc').digest('hex'));
  });

  test('when a deauthorization is parsed, then the Zoom user and account are named', () => {
    expect(parseZoomWebhook(body)).toEqual({ kind: 'deauthorized', zoomUserId: 'u1', zoomAccountId: 'a1' });
  });
});
