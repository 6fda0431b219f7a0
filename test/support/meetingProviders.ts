/**
 * Test support for the Google Meet and Microsoft Teams providers at the provider level: a
 * user's tokens obtained from a simulator through the real authorization-code flow (PKCE,
 * client_secret_post), and a UserTokens handle that refreshes at the simulator. The
 * generic per-user OAuth service is tested on its own; this isolates each provider's logic.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Identity } from '../../src/auth/identity.js';
import { CallgateError } from '../../src/errors.js';
import type { CallRequest } from '../../src/providers/types.js';
import type { ClientCheck, OAuthSpec, UserTokens } from '../../src/userAuth/types.js';

/** The caller of every provider-level test. */
export const IDENTITY: Identity = {
  userId: 'u-1',
  org: 'acme',
  name: 'Ada',
  email: 'ada@example.com',
  role: 'member',
  exp: Math.floor(Date.now() / 1000) + 3600,
};

/** A call request as the core builds it. */
export const CALL_REQUEST: CallRequest = {
  identity: IDENTITY,
  orgContext: { org: 'acme', fields: {} },
  isVideoCall: true,
  meetingName: 'general > standup',
};

/** A fixed redirect URL; the simulators only check that code and token requests agree on it. */
export const REDIRECT_URI = 'https://callgate.example/calls/test/complete';

/** Runs authorize (auto-approved) and the code exchange against a simulator; returns the token answer. */
export async function connectAtSimulator(
  spec: OAuthSpec,
  options: { user?: string } = {},
): Promise<{ accessToken: string; refreshToken: string }> {
  const verifier = randomBytes(32).toString('base64url');
  const authorize = new URL(spec.authorizeUrl);
  const query = {
    response_type: 'code',
    client_id: spec.clientId ?? '',
    redirect_uri: REDIRECT_URI,
    state: 'state-1',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    scope: spec.scope ?? '',
  };
  const form = new URLSearchParams({ ...query, decision: 'allow', ...(options.user ? { user: options.user } : {}) });
  const approval = await fetch(authorize, { method: 'POST', body: form, redirect: 'manual' });
  const code = new URL(approval.headers.get('location') ?? 'x:').searchParams.get('code');
  if (!code) throw new Error(`authorize answered ${approval.status} without a code`);
  const answer = await fetch(spec.tokenUrl, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT_URI,
      code_verifier: verifier,
      client_id: spec.clientId ?? '',
      client_secret: spec.clientSecret ?? '',
    }),
  });
  const body = (await answer.json()) as { access_token: string; refresh_token: string };
  return { accessToken: body.access_token, refreshToken: body.refresh_token };
}

/** A UserTokens handle over one user's tokens, refreshing at the simulator; it counts what it did. */
export interface RecordingUserTokens extends UserTokens {
  accessTokenValue: string | null;
  refreshes: number;
  forgotten: number;
}

/** Creates the handle; refresh answers without a refresh token keep the old one. */
export function recordingUserTokens(
  spec: OAuthSpec,
  initial: { accessToken: string; refreshToken: string },
): RecordingUserTokens {
  let refreshToken: string | null = initial.refreshToken;
  const required = (cause?: unknown): CallgateError =>
    new CallgateError('PROVIDER_AUTHORIZATION_REQUIRED', `You need to connect your ${spec.displayName} account first`, {
      cause,
      fields: { authorize_url: `https://callgate.example/calls/${spec.path}/register`, provider: spec.providerId },
    });
  const handle: RecordingUserTokens = {
    accessTokenValue: initial.accessToken,
    refreshes: 0,
    forgotten: 0,
    async accessToken() {
      if (!handle.accessTokenValue) throw required();
      return handle.accessTokenValue;
    },
    async refreshAfterRejection() {
      handle.refreshes += 1;
      const answer = await fetch(spec.tokenUrl, {
        method: 'POST',
        body: new URLSearchParams({
          grant_type: 'refresh_token',
          refresh_token: refreshToken ?? '',
          client_id: spec.clientId ?? '',
          client_secret: spec.clientSecret ?? '',
        }),
      });
      const body = (await answer.json()) as { access_token?: string; refresh_token?: string };
      if (!body.access_token) throw required(new Error('invalid_grant'));
      refreshToken = body.refresh_token ?? refreshToken;
      handle.accessTokenValue = body.access_token;
      return body.access_token;
    },
    async forget() {
      handle.forgotten += 1;
      handle.accessTokenValue = null;
      refreshToken = null;
    },
    authorizationRequired: required,
    async forgetAccount() {
      return 0;
    },
    async checkClient(): Promise<ClientCheck> {
      return { status: 'ok' };
    },
  };
  return handle;
}

/** The CallgateError a promise rejects with (fails the test when it resolves or throws anything else). */
export async function callgateError(promise: Promise<unknown>): Promise<CallgateError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof CallgateError) return error;
    throw error;
  }
  throw new Error('expected a CallgateError, but the promise resolved');
}
