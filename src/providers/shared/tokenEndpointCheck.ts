/**
 * The connection check of a per-user OAuth provider (SPEC §6). Without a user's token there is
 * nothing to create, so it checks what an admin can fix: the token endpoint answers like one,
 * and it accepts our client credentials. It sends an authorization-code grant with a made-up
 * code: a server that knows the client answers `invalid_grant` (the code), one that does not
 * answers `invalid_client` (RFC 6749 §5.2). Details are in our words, never the upstream's.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { upstreamRequest, UpstreamError, type UpstreamAnswer } from '../../http/upstream.js';
import type { CheckResult } from '../types.js';

/** What the check needs of one OAuth client. */
export interface TokenEndpointCheck {
  displayName: string;
  tokenEndpoint: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  timeoutMs: number;
}

/** An RFC 6749 §5.2 error answer (only what the check reads). */
const oauthErrorSchema = z.object({ error: z.string().min(1) });

/** Errors that name our client as the problem: a wrong secret, or an id the server does not know. */
const CLIENT_ERRORS = new Set(['invalid_client', 'unauthorized_client']);

/** Runs the check; never throws. */
export async function checkTokenEndpoint(check: TokenEndpointCheck): Promise<CheckResult> {
  const name = check.displayName;
  let answer: UpstreamAnswer;
  try {
    answer = await upstreamRequest({
      method: 'POST',
      url: check.tokenEndpoint,
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      data: new URLSearchParams({
        grant_type: 'authorization_code',
        code: `callgate-connection-check-${randomBytes(12).toString('hex')}`,
        redirect_uri: check.redirectUri,
        // A verifier of the right shape, so a server checking PKCE refuses the code, not the request.
        code_verifier: randomBytes(32).toString('base64url'),
        client_id: check.clientId,
        client_secret: check.clientSecret,
      }).toString(),
      timeoutMs: check.timeoutMs,
      maxBytes: 64 * 1024,
    });
  } catch (error) {
    if (error instanceof UpstreamError && error.failure.kind === 'timeout') {
      return { status: 'failed', reason: 'timeout', detail: `${name} did not answer within ${check.timeoutMs} ms` };
    }
    const detail = error instanceof UpstreamError ? error.failure.detail : 'connection failed';
    return { status: 'failed', reason: 'unreachable', detail: `Could not reach ${name}'s token endpoint: ${detail}` };
  }
  if (answer.status === 429) {
    return { status: 'failed', reason: 'rate_limited', detail: `${name} is rate-limiting requests; try again later` };
  }
  if (answer.status >= 200 && answer.status < 300) {
    return { status: 'failed', reason: 'unexpected_answer', detail: `${name} accepted a made-up authorization code` };
  }
  let json: unknown;
  try {
    json = JSON.parse(answer.body);
  } catch {
    json = undefined;
  }
  const parsed = oauthErrorSchema.safeParse(json);
  if (!parsed.success) {
    return {
      status: 'failed',
      reason: 'unexpected_answer',
      detail: `The token endpoint did not answer like ${name}'s OAuth server (HTTP ${answer.status})`,
    };
  }
  if (parsed.data.error === 'invalid_grant') return { status: 'ok' };
  if (CLIENT_ERRORS.has(parsed.data.error)) {
    return {
      status: 'failed',
      reason: 'invalid_credentials',
      detail: `${name} refused callgate's client id or client secret`,
    };
  }
  return {
    status: 'failed',
    reason: 'unexpected_answer',
    detail: `${name} refused the test for another reason than the made-up code; check the client id and redirect URL`,
  };
}
