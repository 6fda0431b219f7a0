/**
 * The admin's Webex connection check (SPEC §6). Without a user token there is nothing to
 * create, so it checks what an admin can fix: the token endpoint answers, and it does not
 * refuse our client credentials. It sends an authorization-code grant with a made-up code
 * (client id and secret in the form body, as Webex requires): `invalid_grant` means the
 * credentials are good, `invalid_client` (or a bare 401) that they are not. Details are in
 * our own words; nothing Webex answered is echoed.
 */
import { z } from 'zod';
import type { CheckResult } from '../types.js';
import { apiErrorSchema, oauthErrorSchema } from './schemas.js';
import type { ConfiguredWebex } from './settings.js';
import { retryAfterSeconds, send, WEBEX_INVALID_CREDENTIALS } from './webexApi.js';

/** The code sent; Webex has never issued it, so a healthy token endpoint refuses it. */
export const MADE_UP_CODE = 'callgate-connection-check';

/** What the token endpoint said, as far as the check cares. */
export type TokenEndpointVerdict = 'invalid_grant' | 'invalid_client' | 'other';

/**
 * Reads an error answer of `access_token`: RFC 6749's `error`, or Webex's own
 * `{message, errors}` body, which names the OAuth error in its text.
 */
export function tokenEndpointVerdict(status: number, body: string): TokenEndpointVerdict {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    json = undefined;
  }
  const oauth = oauthErrorSchema.safeParse(json);
  const words = oauth.success ? oauth.data.error : apiErrorSchema.safeParse(json).success ? JSON.stringify(json) : '';
  if (/invalid_client|client authentication failed|invalid client/i.test(words)) return 'invalid_client';
  if (/invalid_grant|invalid authorization code|invalid_code|code.*(expired|invalid)/i.test(words)) {
    return 'invalid_grant';
  }
  // RFC 6749 §5.2: a 401 from the token endpoint means client authentication failed.
  if (status === 401) return 'invalid_client';
  return 'other';
}

/** Runs the check against the configured Webex. */
export async function checkWebexConnection(
  settings: ConfiguredWebex,
  options: { redirectUri: string; timeoutMs: number },
): Promise<CheckResult> {
  const where = new URL(settings.apiUrl).host;
  const sent = await send(
    { apiUrl: settings.apiUrl, timeoutMs: options.timeoutMs },
    {
      method: 'POST',
      path: 'access_token',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      data: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: settings.clientId,
        client_secret: settings.clientSecret,
        code: MADE_UP_CODE,
        redirect_uri: options.redirectUri,
      }).toString(),
    },
  );
  if (!sent.ok) {
    const { failure } = sent;
    if (failure.kind === 'timeout') {
      return {
        status: 'failed',
        reason: 'timeout',
        detail: `Webex (${where}) did not answer within ${options.timeoutMs} ms`,
      };
    }
    if (failure.kind === 'unreachable') {
      return { status: 'failed', reason: 'unreachable', detail: `Could not connect to Webex (${where})` };
    }
    return { status: 'failed', reason: 'unexpected_answer', detail: `Webex (${where}) answered too much` };
  }
  const { status, body, headers } = sent.answer;
  if (status === 429) {
    const seconds = retryAfterSeconds(z.string().safeParse(headers['retry-after']).data);
    return {
      status: 'failed',
      reason: 'rate_limited',
      detail: `Webex is rate-limiting requests; try again in ${seconds} seconds`,
    };
  }
  if (status >= 200 && status < 300) {
    return { status: 'failed', reason: 'unexpected_answer', detail: 'Webex accepted a made-up authorization code' };
  }
  if (status >= 300 && status < 400) {
    return {
      status: 'failed',
      reason: 'unexpected_answer',
      detail: `Webex (${where}) answered with a redirect (HTTP ${status}); check VIDEO_WEBEX_API_URL`,
    };
  }
  if (status >= 500) {
    return { status: 'failed', reason: 'unreachable', detail: `Webex (${where}) answered HTTP ${status}` };
  }
  switch (tokenEndpointVerdict(status, body)) {
    case 'invalid_grant':
      return { status: 'ok' };
    case 'invalid_client':
      return {
        status: 'failed',
        reason: 'invalid_credentials',
        detail: `${WEBEX_INVALID_CREDENTIALS}: check VIDEO_WEBEX_CLIENT_ID and video_webex_client_secret`,
      };
    case 'other':
      return {
        status: 'failed',
        reason: 'unexpected_answer',
        detail: `Webex (${where}) answered HTTP ${status}, which is not a token endpoint's answer`,
      };
  }
}
