/**
 * Zoom webhook verification and handling: https://developers.zoom.us/docs/api/webhooks/#verify-webhook-events
 * The signature is `v0=` + hex HMAC-SHA256 of `v0:{x-zm-request-timestamp}:{raw body}` under the
 * app's secret token; the URL validation challenge answers the hex HMAC of `plainToken`.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { CallgateError } from '../../errors.js';
import { deauthorizedPayloadSchema, urlValidationPayloadSchema, webhookEnvelopeSchema } from './schemas.js';

/** How far a webhook's timestamp may be from our clock. */
export const WEBHOOK_TOLERANCE_MS = 5 * 60_000;

/** The `x-zm-signature` value for a raw body sent at `timestamp` (as the header carries it). */
export function zoomWebhookSignature(secret: string, timestamp: string, rawBody: Buffer | string): string {
  const mac = createHmac('sha256', secret);
  mac.update(`v0:${timestamp}:`);
  mac.update(rawBody);
  return `v0=${mac.digest('hex')}`;
}

/** The `encryptedToken` answering an `endpoint.url_validation` challenge. */
export function urlValidationToken(secret: string, plainToken: string): string {
  return createHmac('sha256', secret).update(plainToken).digest('hex');
}

/**
 * Throws UNAUTHORIZED unless the signature is right and the timestamp (seconds since the
 * epoch, as Zoom sends it) is within five minutes of `now`.
 */
export function verifyZoomWebhook(options: {
  secret: string;
  signature: string | undefined;
  timestamp: string | undefined;
  rawBody: Buffer;
  now: number;
}): void {
  const refused = (why: string): CallgateError =>
    new CallgateError('UNAUTHORIZED', 'Invalid webhook signature', { cause: new Error(why) });
  const { signature, timestamp } = options;
  if (!signature || !timestamp) throw refused('missing signature or timestamp header');
  if (!/^\d{1,12}$/.test(timestamp)) throw refused('malformed timestamp');
  if (Math.abs(options.now - Number(timestamp) * 1000) > WEBHOOK_TOLERANCE_MS) throw refused('stale timestamp');
  const expected = Buffer.from(zoomWebhookSignature(options.secret, timestamp, options.rawBody));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw refused('signature mismatch');
}

/** What a verified webhook asks callgate to do. */
export type ZoomWebhookAction =
  | { kind: 'url_validation'; plainToken: string }
  | { kind: 'deauthorized'; zoomUserId: string; zoomAccountId: string | null }
  | { kind: 'ignored'; event: string };

/** Parses a verified webhook body. */
export function parseZoomWebhook(rawBody: Buffer): ZoomWebhookAction {
  let json: unknown;
  try {
    json = JSON.parse(rawBody.toString('utf8'));
  } catch (cause) {
    throw new CallgateError('BAD_REQUEST', 'body: not valid JSON', { cause, fields: { field: 'body' } });
  }
  const envelope = webhookEnvelopeSchema.safeParse(json);
  if (!envelope.success)
    throw new CallgateError('BAD_REQUEST', 'body: not a Zoom webhook', { fields: { field: 'body' } });
  const { event, payload } = envelope.data;
  if (event === 'endpoint.url_validation') {
    const parsed = urlValidationPayloadSchema.safeParse(payload);
    if (!parsed.success)
      throw new CallgateError('BAD_REQUEST', 'payload.plainToken: required', {
        fields: { field: 'payload.plainToken' },
      });
    return { kind: 'url_validation', plainToken: parsed.data.plainToken };
  }
  if (event === 'app_deauthorized') {
    const parsed = deauthorizedPayloadSchema.safeParse(payload);
    if (!parsed.success)
      throw new CallgateError('BAD_REQUEST', 'payload.user_id: required', { fields: { field: 'payload.user_id' } });
    return { kind: 'deauthorized', zoomUserId: parsed.data.user_id, zoomAccountId: parsed.data.account_id ?? null };
  }
  return { kind: 'ignored', event };
}
