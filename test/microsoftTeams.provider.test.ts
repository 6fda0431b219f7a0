/**
 * Microsoft Teams' provider logic against its simulator on 127.0.0.1: Graph onlineMeetings,
 * the one retry after a refused token with rotating refresh tokens, every error class (the
 * 403 of a user without a Teams licence in words), and the connection check (SPEC §4a, §2, §6).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { microsoftTeamsOAuthSpec } from '../src/providers/microsoftTeams/oauth.js';
import {
  checkMicrosoftTeamsConnection,
  createMicrosoftTeamsCall,
  type MicrosoftTeamsDeps,
} from '../src/providers/microsoftTeams/provider.js';
import { microsoftTeamsSettingsSchema, type MicrosoftTeamsSettings } from '../src/providers/microsoftTeams/settings.js';
import {
  graphError,
  startMicrosoftTeamsSimulator,
  type RunningMicrosoftTeamsSimulator,
} from '../src/providers/microsoftTeams/simulator.js';
import {
  CALL_REQUEST,
  callgateError,
  connectAtSimulator,
  recordingUserTokens,
  REDIRECT_URI,
  type RecordingUserTokens,
} from './support/meetingProviders.js';

const CLIENT = { clientId: 'microsoft-client', clientSecret: 'microsoft-secret-0123456789', tenant: 'contoso.example' };
const NOW = Date.UTC(2026, 10, 30, 9, 0, 0);
let microsoft: RunningMicrosoftTeamsSimulator;

function settingsFor(
  url: string,
  env: Record<string, string> = {},
  secret = CLIENT.clientSecret,
): MicrosoftTeamsSettings {
  return microsoftTeamsSettingsSchema.parse({
    env: {
      VIDEO_MICROSOFT_CLIENT_ID: CLIENT.clientId,
      VIDEO_MICROSOFT_TENANT: CLIENT.tenant,
      VIDEO_MICROSOFT_LOGIN_URL: url,
      VIDEO_MICROSOFT_GRAPH_URL: url,
      ...env,
    },
    secrets: { video_microsoft_client_secret: secret },
    cwd: '/',
    mode: 'production',
  });
}

function deps(options: { env?: Record<string, string>; secret?: string; timeoutMs?: number } = {}): MicrosoftTeamsDeps {
  return {
    settings: settingsFor(microsoft.url, options.env, options.secret),
    timeoutMs: options.timeoutMs ?? 5000,
    redirectUri: REDIRECT_URI,
    now: () => NOW,
  };
}

async function connectedUser(user?: string): Promise<RecordingUserTokens> {
  const spec = microsoftTeamsOAuthSpec(deps().settings);
  return recordingUserTokens(spec, await connectAtSimulator(spec, user ? { user } : {}));
}

beforeAll(async () => {
  microsoft = await startMicrosoftTeamsSimulator(CLIENT);
});
afterAll(async () => {
  await microsoft.close();
});
beforeEach(() => {
  microsoft.sim.faults.clearFailures();
  microsoft.sim.faults.resetCounters();
  microsoft.sim.oauth.resetRecords();
});

describe('Microsoft Teams: create', () => {
  test('when the user is connected, then an onlineMeeting from now to now + 1 h and its joinWebUrl', async () => {
    const tokens = await connectedUser();
    const call = await createMicrosoftTeamsCall(deps(), tokens, CALL_REQUEST);
    const meeting = microsoft.sim.meetings.at(-1);
    expect(call.url).toBe(meeting?.joinWebUrl);
    expect(meeting?.body).toEqual({
      subject: 'general > standup',
      startDateTime: '2026-11-30T09:00:00.000Z',
      endDateTime: '2026-11-30T10:00:00.000Z',
      lobbyBypassSettings: { scope: 'organization' },
    });
    expect(microsoft.sim.oauth.tokenRequests).toEqual([
      { grantType: 'authorization_code', clientAuth: 'client_secret_post', codeVerifier: true },
    ]);
  });

  test('when a lobby bypass is configured, then it is sent', async () => {
    const tokens = await connectedUser();
    await createMicrosoftTeamsCall(deps({ env: { VIDEO_MICROSOFT_LOBBY_BYPASS: 'everyone' } }), tokens, CALL_REQUEST);
    expect(microsoft.sim.meetings.at(-1)?.body).toMatchObject({ lobbyBypassSettings: { scope: 'everyone' } });
  });

  test('when Graph refuses the token, then one refresh (the refresh token rotates) and one retry, twice over', async () => {
    const tokens = await connectedUser();
    const before = microsoft.sim.oauth.validRefreshTokens();
    microsoft.sim.oauth.expireAccessTokens();
    await createMicrosoftTeamsCall(deps(), tokens, CALL_REQUEST);
    // The presented refresh token is spent; the new one works for the next refresh.
    const after = microsoft.sim.oauth.validRefreshTokens();
    expect(after.filter((value) => before.includes(value))).toHaveLength(before.length - 1);
    microsoft.sim.oauth.expireAccessTokens();
    const call = await createMicrosoftTeamsCall(deps(), tokens, CALL_REQUEST);
    expect(call.url).toBe(microsoft.sim.meetings.at(-1)?.joinWebUrl);
    expect(tokens.refreshes).toBe(2);
    expect(microsoft.sim.faults.requests.meetings).toBe(4);
  });

  test('when Graph refuses even the refreshed token, then forgotten and 403 authorization required', async () => {
    const tokens = await connectedUser();
    microsoft.sim.faults.fail('meetings', { kind: 'invalid_token' }, 2);
    const error = await callgateError(createMicrosoftTeamsCall(deps(), tokens, CALL_REQUEST));
    expect(error.code).toBe('PROVIDER_AUTHORIZATION_REQUIRED');
    expect([tokens.refreshes, tokens.forgotten, microsoft.sim.faults.requests.meetings]).toEqual([1, 1, 2]);
  });

  test('when the user has no Teams licence (Graph 403), then PROVIDER_ERROR saying so in words', async () => {
    const tokens = await connectedUser('ms-user-2');
    const error = await callgateError(createMicrosoftTeamsCall(deps(), tokens, CALL_REQUEST));
    expect([error.code, error.status]).toEqual(['PROVIDER_ERROR', 502]);
    expect(error.message).toMatch(/^Failed to create Microsoft Teams call: .*no Microsoft Teams licence/);
    expect(tokens.forgotten).toBe(0);
  });

  test('when Graph answers another well-formed 4xx, then PROVIDER_ERROR "Failed to create Microsoft Teams call"', async () => {
    const tokens = await connectedUser();
    microsoft.sim.faults.fail('meetings', { kind: 'json', status: 400, body: graphError('BadRequest', 'Invalid') });
    const error = await callgateError(createMicrosoftTeamsCall(deps(), tokens, CALL_REQUEST));
    expect([error.code, error.message]).toEqual(['PROVIDER_ERROR', 'Failed to create Microsoft Teams call']);
  });

  test('when Graph answers 429, then RATE_LIMITED with its Retry-After, never retried', async () => {
    const tokens = await connectedUser();
    microsoft.sim.faults.fail('meetings', { kind: 'rate_limited', retryAfter: '5' });
    const error = await callgateError(createMicrosoftTeamsCall(deps(), tokens, CALL_REQUEST));
    expect([error.code, error.status, error.headers['Retry-After']]).toEqual(['RATE_LIMITED', 429, '5']);
    expect(microsoft.sim.faults.requests.meetings).toBe(1);
  });

  test('when Graph answers a 5xx HTML page or garbage, then PROVIDER_UNAVAILABLE in SPEC wording', async () => {
    const tokens = await connectedUser();
    microsoft.sim.faults.fail('meetings', { kind: 'text', status: 503, body: '<html>Service Unavailable</html>' });
    const html = await callgateError(createMicrosoftTeamsCall(deps(), tokens, CALL_REQUEST));
    expect(html.message).toBe(
      'Error connecting to the Microsoft Teams server: HTTP 503: <html>Service Unavailable</html>',
    );
    microsoft.sim.faults.fail('meetings', { kind: 'json', status: 201, body: { id: 'm-1' } });
    microsoft.sim.faults.fail('meetings', { kind: 'reset' });
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const error = await callgateError(createMicrosoftTeamsCall(deps(), tokens, CALL_REQUEST));
      expect(error.code).toBe('PROVIDER_UNAVAILABLE');
    }
  });

  test('when Graph never answers, then PROVIDER_TIMEOUT (504), not retried', async () => {
    const tokens = await connectedUser();
    microsoft.sim.faults.fail('meetings', { kind: 'hang' });
    const error = await callgateError(createMicrosoftTeamsCall(deps({ timeoutMs: 300 }), tokens, CALL_REQUEST));
    expect([error.code, error.status]).toEqual(['PROVIDER_TIMEOUT', 504]);
    expect(microsoft.sim.faults.requests.meetings).toBe(1);
  });
});

describe('Microsoft Teams: connection check', () => {
  test('when the client credentials are good, then ok; when the secret is wrong, then invalid_credentials', async () => {
    expect(await checkMicrosoftTeamsConnection(deps())).toEqual({ status: 'ok' });
    const wrong = await checkMicrosoftTeamsConnection(deps({ secret: 'wrong-secret-value' }));
    expect(wrong).toMatchObject({ status: 'failed', reason: 'invalid_credentials' });
    expect(JSON.stringify(wrong)).not.toMatch(/wrong-secret-value|AADSTS/);
  });

  test('when the tenant is not the one the app lives in, then unexpected_answer in our words', async () => {
    const result = await checkMicrosoftTeamsConnection(deps({ env: { VIDEO_MICROSOFT_TENANT: 'fabrikam.example' } }));
    expect(result).toMatchObject({ status: 'failed', reason: 'unexpected_answer' });
    expect(JSON.stringify(result)).not.toContain('AADSTS');
  });
});
