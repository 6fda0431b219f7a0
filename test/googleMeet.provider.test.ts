/**
 * Google Meet's provider logic against its simulator on 127.0.0.1: spaces.create, the one
 * retry after a refused token, every error class, and the connection check (SPEC §4a, §2, §6).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { googleMeetOAuthSpec } from '../src/providers/googleMeet/oauth.js';
import {
  checkGoogleMeetConnection,
  createGoogleMeetCall,
  type GoogleMeetDeps,
} from '../src/providers/googleMeet/provider.js';
import { googleMeetSettingsSchema, type GoogleMeetSettings } from '../src/providers/googleMeet/settings.js';
import {
  googleApiError,
  startGoogleMeetSimulator,
  type RunningGoogleMeetSimulator,
} from '../src/providers/googleMeet/simulator.js';
import {
  CALL_REQUEST,
  callgateError,
  connectAtSimulator,
  recordingUserTokens,
  REDIRECT_URI,
  type RecordingUserTokens,
} from './support/meetingProviders.js';

const CLIENT = { clientId: 'google-client', clientSecret: 'google-secret-0123456789' };
let google: RunningGoogleMeetSimulator;

function settingsFor(url: string, env: Record<string, string> = {}, secret = CLIENT.clientSecret): GoogleMeetSettings {
  return googleMeetSettingsSchema.parse({
    env: {
      VIDEO_GOOGLE_CLIENT_ID: CLIENT.clientId,
      VIDEO_GOOGLE_OAUTH_URL: url,
      VIDEO_GOOGLE_TOKEN_URL: url,
      VIDEO_GOOGLE_MEET_API_URL: url,
      ...env,
    },
    secrets: { video_google_client_secret: secret },
    cwd: '/',
    mode: 'production',
  });
}

function deps(options: { env?: Record<string, string>; secret?: string; timeoutMs?: number } = {}): GoogleMeetDeps {
  return {
    settings: settingsFor(google.url, options.env, options.secret),
    timeoutMs: options.timeoutMs ?? 5000,
    redirectUri: REDIRECT_URI,
  };
}

async function connectedUser(): Promise<RecordingUserTokens> {
  const spec = googleMeetOAuthSpec(deps().settings);
  return recordingUserTokens(spec, await connectAtSimulator(spec));
}

beforeAll(async () => {
  google = await startGoogleMeetSimulator(CLIENT);
});
afterAll(async () => {
  await google.close();
});
beforeEach(() => {
  google.sim.faults.clearFailures();
  google.sim.faults.resetCounters();
  google.sim.oauth.resetRecords();
});

describe('Google Meet: create', () => {
  test('when the user is connected, then a new space and its meetingUri; the body is {} by default', async () => {
    const tokens = await connectedUser();
    const call = await createGoogleMeetCall(deps(), tokens, CALL_REQUEST);
    const space = google.sim.spaces.at(-1);
    expect(call.url).toBe(space?.meetingUri);
    expect(space?.body).toEqual({});
    expect(google.sim.faults.requests.spaces).toBe(1);
    // The code exchange authenticated with client_secret_post and carried the PKCE verifier.
    expect(google.sim.oauth.tokenRequests).toEqual([
      { grantType: 'authorization_code', clientAuth: 'client_secret_post', codeVerifier: true },
    ]);
  });

  test('when an access type is configured, then it is sent as config.accessType', async () => {
    const tokens = await connectedUser();
    await createGoogleMeetCall(deps({ env: { VIDEO_GOOGLE_MEET_ACCESS_TYPE: 'restricted' } }), tokens, CALL_REQUEST);
    expect(google.sim.spaces.at(-1)?.body).toEqual({ config: { accessType: 'RESTRICTED' } });
  });

  test('when Meet refuses the token once, then one refresh and one retry; Google keeps the old refresh token', async () => {
    const tokens = await connectedUser();
    google.sim.oauth.expireAccessTokens();
    await createGoogleMeetCall(deps(), tokens, CALL_REQUEST);
    // A second expiry: the refresh answer had no refresh_token, and the kept one still works.
    google.sim.oauth.expireAccessTokens();
    const call = await createGoogleMeetCall(deps(), tokens, CALL_REQUEST);
    expect(call.url).toBe(google.sim.spaces.at(-1)?.meetingUri);
    expect(tokens.refreshes).toBe(2);
    expect(google.sim.oauth.grants['refresh_token']).toBe(2);
    expect(google.sim.faults.requests.spaces).toBe(4);
  });

  test('when Meet refuses even the refreshed token, then the tokens are forgotten and 403 authorization required', async () => {
    const tokens = await connectedUser();
    google.sim.faults.fail('spaces', { kind: 'invalid_token' }, 2);
    const error = await callgateError(createGoogleMeetCall(deps(), tokens, CALL_REQUEST));
    expect(error.code).toBe('PROVIDER_AUTHORIZATION_REQUIRED');
    expect(error.fields).toMatchObject({ provider: 'google_meet' });
    expect(tokens.refreshes).toBe(1);
    expect(tokens.forgotten).toBe(1);
    expect(google.sim.faults.requests.spaces).toBe(2);
  });

  test('when the user unticked the Meet scope (403 ACCESS_TOKEN_SCOPE_INSUFFICIENT), then forgotten and authorize again', async () => {
    const tokens = await connectedUser();
    const body = googleApiError(403, 'PERMISSION_DENIED', 'Insufficient scopes', 'ACCESS_TOKEN_SCOPE_INSUFFICIENT');
    google.sim.faults.fail('spaces', { kind: 'json', status: 403, body });
    const error = await callgateError(createGoogleMeetCall(deps(), tokens, CALL_REQUEST));
    expect(error.code).toBe('PROVIDER_AUTHORIZATION_REQUIRED');
    expect(tokens.forgotten).toBe(1);
    expect(tokens.refreshes).toBe(0);
  });

  test('when Meet answers a well-formed 403, then PROVIDER_ERROR "Failed to create Google Meet call", no retry', async () => {
    const tokens = await connectedUser();
    google.sim.faults.fail('spaces', {
      kind: 'json',
      status: 403,
      body: googleApiError(403, 'PERMISSION_DENIED', 'The caller does not have permission'),
    });
    const error = await callgateError(createGoogleMeetCall(deps(), tokens, CALL_REQUEST));
    expect([error.code, error.status, error.message]).toEqual([
      'PROVIDER_ERROR',
      502,
      'Failed to create Google Meet call',
    ]);
    expect(google.sim.faults.requests.spaces).toBe(1);
    expect(tokens.forgotten).toBe(0);
  });

  test('when the Meet API is not enabled in the project, then the message says so', async () => {
    const tokens = await connectedUser();
    const body = googleApiError(403, 'PERMISSION_DENIED', 'Meet API has not been used', 'SERVICE_DISABLED');
    google.sim.faults.fail('spaces', { kind: 'json', status: 403, body });
    const error = await callgateError(createGoogleMeetCall(deps(), tokens, CALL_REQUEST));
    expect(error.code).toBe('PROVIDER_ERROR');
    expect(error.message).toMatch(/^Failed to create Google Meet call: the Google Meet REST API is not enabled/);
  });

  test('when Meet answers 429, then RATE_LIMITED with its Retry-After (60 without one), never retried', async () => {
    const tokens = await connectedUser();
    google.sim.faults.fail('spaces', { kind: 'rate_limited', retryAfter: '17' });
    const first = await callgateError(createGoogleMeetCall(deps(), tokens, CALL_REQUEST));
    expect([first.code, first.status, first.headers['Retry-After']]).toEqual(['RATE_LIMITED', 429, '17']);
    google.sim.faults.fail('spaces', { kind: 'rate_limited' });
    const second = await callgateError(createGoogleMeetCall(deps(), tokens, CALL_REQUEST));
    expect(second.headers['Retry-After']).toBe('60');
    expect(google.sim.faults.requests.spaces).toBe(2);
  });

  test('when Meet answers a 5xx HTML page, then PROVIDER_UNAVAILABLE quoting status and the first 200 characters', async () => {
    const tokens = await connectedUser();
    const page = `<html><body><h1>502 Bad Gateway</h1>${'.'.repeat(300)}</body></html>`;
    google.sim.faults.fail('spaces', { kind: 'text', status: 502, body: page });
    const error = await callgateError(createGoogleMeetCall(deps(), tokens, CALL_REQUEST));
    expect(error.code).toBe('PROVIDER_UNAVAILABLE');
    expect(error.message).toBe(`Error connecting to the Google Meet server: HTTP 502: ${page.slice(0, 200)}`);
  });

  test('when Meet answers garbage (not JSON, JSON without meetingUri, cut off, a redirect), then PROVIDER_UNAVAILABLE', async () => {
    const tokens = await connectedUser();
    google.sim.faults.fail('spaces', { kind: 'text', status: 200, body: 'hello' });
    google.sim.faults.fail('spaces', {
      kind: 'json',
      status: 200,
      body: { name: 'spaces/x', meetingUri: 'not a url' },
    });
    google.sim.faults.fail('spaces', { kind: 'truncated' });
    google.sim.faults.fail('spaces', { kind: 'redirect', location: 'https://elsewhere.example/' });
    for (let i = 0; i < 4; i += 1) {
      const error = await callgateError(createGoogleMeetCall(deps(), tokens, CALL_REQUEST));
      expect(error.code).toBe('PROVIDER_UNAVAILABLE');
      expect(error.message).toMatch(/^Error connecting to the Google Meet server/);
    }
    expect(google.sim.faults.requests.spaces).toBe(4);
  });

  test('when Meet never answers, then PROVIDER_TIMEOUT (504) after the deadline, not retried', async () => {
    const tokens = await connectedUser();
    google.sim.faults.fail('spaces', { kind: 'hang' });
    const error = await callgateError(createGoogleMeetCall(deps({ timeoutMs: 300 }), tokens, CALL_REQUEST));
    expect([error.code, error.status]).toEqual(['PROVIDER_TIMEOUT', 504]);
    expect(google.sim.faults.requests.spaces).toBe(1);
  });
});

describe('Google Meet: connection check', () => {
  test('when the client credentials are good, then ok (the made-up code is invalid_grant)', async () => {
    expect(await checkGoogleMeetConnection(deps())).toEqual({ status: 'ok' });
    expect(google.sim.oauth.tokenRequests).toEqual([
      { grantType: 'authorization_code', clientAuth: 'client_secret_post', codeVerifier: true },
    ]);
  });

  test('when the secret is wrong, then invalid_credentials in our words, never the secret', async () => {
    const result = await checkGoogleMeetConnection(deps({ secret: 'wrong-secret-value' }));
    expect(result).toMatchObject({ status: 'failed', reason: 'invalid_credentials' });
    expect(JSON.stringify(result)).not.toContain('wrong-secret-value');
  });

  test('when the token endpoint hangs, answers HTML, rate-limits or is closed, then timeout, unexpected_answer, rate_limited, unreachable', async () => {
    google.sim.faults.fail('token', { kind: 'hang' });
    expect(await checkGoogleMeetConnection(deps({ timeoutMs: 300 }))).toMatchObject({ reason: 'timeout' });
    google.sim.faults.fail('token', { kind: 'text', status: 500, body: '<html>oops</html>' });
    const html = await checkGoogleMeetConnection(deps());
    expect(html).toMatchObject({ reason: 'unexpected_answer' });
    expect(JSON.stringify(html)).not.toContain('oops');
    google.sim.faults.fail('token', { kind: 'rate_limited' });
    expect(await checkGoogleMeetConnection(deps())).toMatchObject({ reason: 'rate_limited' });
    const closed = await startGoogleMeetSimulator(CLIENT);
    await closed.close();
    const unreachable = { ...deps(), settings: settingsFor(closed.url) };
    expect(await checkGoogleMeetConnection(unreachable)).toMatchObject({ reason: 'unreachable' });
  });

  test('when the client is not configured, then not_configured with SPEC wording', async () => {
    const settings = { ...deps().settings, clientSecret: null };
    expect(await checkGoogleMeetConnection({ ...deps(), settings })).toEqual({
      status: 'failed',
      reason: 'not_configured',
      detail: 'Google Meet credentials have not been configured',
    });
  });
});
