/**
 * The Webex provider against the Webex simulator on 127.0.0.1, below the app: what it sends
 * (public room with a description, ad-hoc meeting in it, personal-room fallback on 403),
 * how many requests each outcome costs (Webex counts failed creations against its daily
 * limit, so nothing is retried blindly), the one refresh per call, and the connection
 * check's reasons. The user tokens are a recording fake of the generic service's handle.
 */
import { createServer } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { Identity } from '../src/auth/identity.js';
import { CallgateError, isCallgateError } from '../src/errors.js';
import type { Provider } from '../src/providers/types.js';
import { webexOAuthSpec, WEBEX_SCOPE } from '../src/providers/webex/oauthSpec.js';
import type { ConfiguredWebex } from '../src/providers/webex/settings.js';
import { startWebexSimulator, type RunningWebexSimulator } from '../src/providers/webex/simulator.js';
import { createWebexProvider } from '../src/providers/webex/webexProvider.js';
import type { UserTokens } from '../src/userAuth/types.js';

const CLIENT = { clientId: 'C-webex-test', clientSecret: 'webex-secret-7f3a9c1e' };
const TIMEOUT_MS = 1000;
const identity: Identity = {
  userId: 'u1',
  org: 'acme',
  name: 'Ada',
  email: 'ada@example.com',
  role: 'member',
  exp: 4_102_444_800,
};
const html = (status: number): string => `<!DOCTYPE html><html><body><h1>${status} Bad Gateway</h1></body></html>`;

/** Gets a real token pair from the simulator, as the generic service would after the popup. */
async function connect(sim: RunningWebexSimulator, scope = WEBEX_SCOPE): Promise<{ access: string; refresh: string }> {
  const authorize = new URL(`${sim.url}authorize`);
  authorize.search = new URLSearchParams({
    response_type: 'code',
    client_id: CLIENT.clientId,
    redirect_uri: 'http://127.0.0.1/calls/webex/complete',
    scope,
    state: 's',
  }).toString();
  const redirected = await fetch(authorize, { redirect: 'manual' });
  const code = new URL(redirected.headers.get('location') ?? '').searchParams.get('code') ?? '';
  const token = await fetch(`${sim.url}access_token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: 'http://127.0.0.1/calls/webex/complete',
      ...{ client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret },
    }),
  });
  const body = (await token.json()) as { access_token: string; refresh_token: string };
  return { access: body.access_token, refresh: body.refresh_token };
}

/** A recording UserTokens that refreshes at the simulator. */
class FakeTokens implements UserTokens {
  refreshes = 0;
  forgotten = 0;
  constructor(
    private readonly sim: RunningWebexSimulator,
    private pair: { access: string; refresh: string } | null,
  ) {}
  accessToken(): Promise<string> {
    if (!this.pair) return Promise.reject(this.authorizationRequired());
    return Promise.resolve(this.pair.access);
  }
  async refreshAfterRejection(_identity: Identity, rejected: string): Promise<string> {
    if (!this.pair) throw this.authorizationRequired();
    if (this.pair.access !== rejected) return this.pair.access;
    this.refreshes += 1;
    const answer = await fetch(`${this.sim.url}access_token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: this.pair.refresh,
        ...{ client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret },
      }),
    });
    if (answer.status === 400) {
      this.pair = null;
      throw this.authorizationRequired();
    }
    const body = (await answer.json()) as { access_token: string; refresh_token: string };
    this.pair = { access: body.access_token, refresh: body.refresh_token };
    return this.pair.access;
  }
  forget(): Promise<void> {
    this.forgotten += 1;
    this.pair = null;
    return Promise.resolve();
  }
  forgetAccount(): Promise<number> {
    return Promise.reject(new Error('Webex has no account-wide deauthorization'));
  }
  checkClient(): Promise<{ status: 'ok' }> {
    return Promise.reject(new Error('the webex check sends its own authorization-code grant'));
  }
  authorizationRequired(cause?: unknown): Error {
    return new CallgateError('PROVIDER_AUTHORIZATION_REQUIRED', 'You need to connect your Webex account first', {
      cause,
      fields: { authorize_url: 'http://127.0.0.1/calls/webex/register', provider: 'webex' },
    });
  }
}

let sim: RunningWebexSimulator;
let tokens: FakeTokens;
let provider: Provider;

function build(settings: ConfiguredWebex, userTokens: UserTokens, timeoutMs = TIMEOUT_MS): Provider {
  return createWebexProvider({
    settings,
    userAuth: { spec: webexOAuthSpec(settings), tokens: userTokens },
    publicUrl: 'http://127.0.0.1',
    timeoutMs,
    now: Date.now,
  });
}

const call = (p: Provider = provider) =>
  p.createCall({
    identity,
    orgContext: { org: 'acme', fields: {} },
    isVideoCall: false,
    meetingName: 'general > standup',
  });

async function failureOf(promise: Promise<unknown>): Promise<CallgateError> {
  try {
    await promise;
  } catch (error) {
    if (isCallgateError(error)) return error;
    throw error;
  }
  throw new Error('expected a CallgateError');
}

beforeAll(async () => {
  sim = await startWebexSimulator({ ...CLIENT, autoApprove: true });
});
afterAll(() => sim.close());
beforeEach(async () => {
  sim.sim.state.clearFailures();
  sim.sim.state.freeOrganization = false;
  tokens = new FakeTokens(sim, await connect(sim));
  provider = build({ ...CLIENT, apiUrl: sim.url }, tokens);
  sim.sim.state.resetCounters();
});

describe('webex createCall', () => {
  it('when the user is connected, then a public room and an ad-hoc meeting in it are created and webLink is the url', async () => {
    const created = await call();
    const room = sim.sim.state.rooms.at(-1);
    const meeting = sim.sim.state.meetings.at(-1);
    expect(room).toMatchObject({ title: 'general > standup', isPublic: true });
    expect(meeting).toMatchObject({ scheduledType: 'meeting', roomId: room?.id, title: 'general > standup' });
    expect(created.url).toBe(meeting?.webLink);
    expect(sim.sim.state.requests).toMatchObject({ rooms: 1, meetings: 1, token: 0 });
    expect(provider.capabilities.voiceOnly).toBe(false);
  });

  it('when rooms answers 403 (a free organization), then a personal-room meeting of 40 minutes is created instead', async () => {
    sim.sim.state.freeOrganization = true;
    const created = await call();
    const meeting = sim.sim.state.meetings.at(-1);
    expect(meeting).toMatchObject({ scheduledType: 'personalRoomMeeting', roomId: null });
    expect(created.url).toBe(meeting?.webLink);
    expect(sim.sim.state.requests).toMatchObject({ rooms: 1, meetings: 1 });
  });

  it('when the token lacks spark:all, then rooms answers 403 like Webex and the personal room is used', async () => {
    const p = build({ ...CLIENT, apiUrl: sim.url }, new FakeTokens(sim, await connect(sim, 'meeting:schedules_write')));
    sim.sim.state.resetCounters();
    const created = await call(p);
    expect(sim.sim.state.meetings.at(-1)).toMatchObject({ scheduledType: 'personalRoomMeeting', webLink: created.url });
    expect(sim.sim.state.requests).toMatchObject({ rooms: 1, meetings: 1 });
  });

  it('when the token lacks the meetings scope, then PROVIDER_ERROR after one meetings request', async () => {
    const p = build({ ...CLIENT, apiUrl: sim.url }, new FakeTokens(sim, await connect(sim, 'spark:all')));
    sim.sim.state.resetCounters();
    const error = await failureOf(call(p));
    expect([error.code, error.message]).toEqual(['PROVIDER_ERROR', 'Failed to create Webex call']);
    expect(sim.sim.state.requests).toMatchObject({ rooms: 1, meetings: 1 });
  });

  it('when the access token has expired, then it is refreshed once and the refused request sent again', async () => {
    sim.sim.state.expireAccessTokens();
    const created = await call();
    expect(created.url).toBe(sim.sim.state.meetings.at(-1)?.webLink);
    expect(tokens.refreshes).toBe(1);
    expect(sim.sim.state.requests).toMatchObject({ rooms: 2, meetings: 1 });
  });

  it('when Webex refuses even the refreshed token, then the tokens are forgotten and the user must authorize again', async () => {
    sim.sim.state.fail('rooms', { kind: 'invalid_token' }, 2);
    const error = await failureOf(call());
    expect(error.code).toBe('PROVIDER_AUTHORIZATION_REQUIRED');
    expect(error.fields).toMatchObject({ provider: 'webex' });
    expect([tokens.refreshes, tokens.forgotten]).toEqual([1, 1]);
    expect(sim.sim.state.requests).toMatchObject({ rooms: 2, meetings: 0 });
  });

  it('when meetings refuses the token after the room was made with a refreshed one, then no second refresh happens', async () => {
    sim.sim.state.fail('rooms', { kind: 'invalid_token' });
    sim.sim.state.fail('meetings', { kind: 'invalid_token' });
    const error = await failureOf(call());
    expect(error.code).toBe('PROVIDER_AUTHORIZATION_REQUIRED');
    expect(tokens.refreshes).toBe(1);
    expect(sim.sim.state.requests).toMatchObject({ rooms: 2, meetings: 1 });
  });

  it('when the refresh token is revoked, then the call asks to authorize again', async () => {
    sim.sim.state.expireAccessTokens();
    sim.sim.state.revokeRefreshTokens();
    const error = await failureOf(call());
    expect(error.code).toBe('PROVIDER_AUTHORIZATION_REQUIRED');
    expect(sim.sim.state.requests.meetings).toBe(0);
  });

  const faults: Array<{
    name: string;
    endpoint: 'rooms' | 'meetings';
    failure: Parameters<RunningWebexSimulator['sim']['state']['fail']>[1];
    code: string;
    status: number;
    message?: RegExp;
  }> = [
    {
      name: 'rooms 429 with Retry-After',
      endpoint: 'rooms',
      failure: { kind: 'rate_limited', retryAfter: '7' },
      code: 'RATE_LIMITED',
      status: 429,
    },
    {
      name: 'meetings 400 in Webex format',
      endpoint: 'meetings',
      failure: { kind: 'json', status: 400, body: { message: 'Invalid title', trackingId: 'T' } },
      code: 'PROVIDER_ERROR',
      status: 502,
      message: /^Failed to create Webex call$/,
    },
    {
      name: 'meetings 403 in Webex format',
      endpoint: 'meetings',
      failure: { kind: 'json', status: 403, body: { message: 'No meetings licence' } },
      code: 'PROVIDER_ERROR',
      status: 502,
    },
    {
      name: 'meetings 502 HTML',
      endpoint: 'meetings',
      failure: { kind: 'text', status: 502, body: html(502) },
      code: 'PROVIDER_UNAVAILABLE',
      status: 502,
      message: /^Error connecting to the Webex server: HTTP 502: <!DOCTYPE html>/,
    },
    {
      name: 'rooms 500 JSON',
      endpoint: 'rooms',
      failure: { kind: 'json', status: 500, body: { message: 'Internal' } },
      code: 'PROVIDER_UNAVAILABLE',
      status: 502,
      message: /HTTP 500/,
    },
    {
      name: 'meetings garbled JSON',
      endpoint: 'meetings',
      failure: { kind: 'garbled' },
      code: 'PROVIDER_UNAVAILABLE',
      status: 502,
      message: /HTTP 200/,
    },
    {
      name: 'meetings truncated JSON',
      endpoint: 'meetings',
      failure: { kind: 'truncated' },
      code: 'PROVIDER_UNAVAILABLE',
      status: 502,
    },
    {
      name: 'meetings connection reset',
      endpoint: 'meetings',
      failure: { kind: 'reset' },
      code: 'PROVIDER_UNAVAILABLE',
      status: 502,
    },
    {
      name: 'rooms redirect',
      endpoint: 'rooms',
      failure: { kind: 'redirect' },
      code: 'PROVIDER_UNAVAILABLE',
      status: 502,
      message: /HTTP 302/,
    },
    {
      name: 'meetings answer without webLink',
      endpoint: 'meetings',
      failure: { kind: 'json', status: 200, body: { id: 'm1' } },
      code: 'PROVIDER_UNAVAILABLE',
      status: 502,
    },
    {
      name: 'meetings webLink not http(s)',
      endpoint: 'meetings',
      failure: { kind: 'json', status: 200, body: { id: 'm1', webLink: 'javascript:alert(1)' } },
      code: 'PROVIDER_UNAVAILABLE',
      status: 502,
    },
    {
      name: 'meetings answer larger than any Webex answer',
      endpoint: 'meetings',
      failure: {
        kind: 'json',
        status: 200,
        body: { id: 'm1', webLink: 'https://x.example/', pad: 'x'.repeat(300_000) },
      },
      code: 'PROVIDER_UNAVAILABLE',
      status: 502,
      message: /^Error connecting to the Webex server: the answer is too large$/,
    },
  ];
  for (const fault of faults) {
    it(`when ${fault.name}, then ${fault.code} and no request is retried`, async () => {
      sim.sim.state.fail(fault.endpoint, fault.failure);
      const error = await failureOf(call());
      expect([error.code, error.status]).toEqual([fault.code, fault.status]);
      if (fault.message) expect(error.message).toMatch(fault.message);
      expect(sim.sim.state.requests[fault.endpoint]).toBe(1);
      expect(sim.sim.state.requests.token).toBe(0);
      if (fault.endpoint === 'rooms') expect(sim.sim.state.requests.meetings).toBe(0);
      expect(error.message).not.toContain(CLIENT.clientSecret);
      expect(error.message).not.toMatch(/sim_webex_/);
    });
  }

  it('when Webex rate-limits, then Retry-After is passed on (60 when absent)', async () => {
    sim.sim.state.fail('meetings', { kind: 'rate_limited', retryAfter: '7' });
    expect((await failureOf(call())).headers).toEqual({ 'Retry-After': '7' });
    sim.sim.state.fail('meetings', { kind: 'rate_limited' });
    expect((await failureOf(call())).headers).toEqual({ 'Retry-After': '60' });
  });

  it('when Webex hangs, then PROVIDER_TIMEOUT within the deadline, sent once', async () => {
    const quick = build({ ...CLIENT, apiUrl: sim.url }, tokens, 150);
    sim.sim.state.fail('meetings', { kind: 'hang' });
    const error = await failureOf(call(quick));
    expect([error.code, error.status]).toEqual(['PROVIDER_TIMEOUT', 504]);
    expect(sim.sim.state.requests.meetings).toBe(1);
  });

  it('when the daily creation limit is spent, then RATE_LIMITED with Webex’s Retry-After', async () => {
    const limited = await startWebexSimulator({ ...CLIENT, autoApprove: true, dailyMeetingLimit: 1 });
    try {
      const p = build({ ...CLIENT, apiUrl: limited.url }, new FakeTokens(limited, await connect(limited)));
      await call(p);
      const error = await failureOf(call(p));
      expect([error.code, error.headers['Retry-After']]).toEqual(['RATE_LIMITED', '3600']);
    } finally {
      await limited.close();
    }
  });
});

describe('webex connection check', () => {
  const check = (settings: ConfiguredWebex, timeoutMs = TIMEOUT_MS) => {
    const p = build(settings, tokens, timeoutMs);
    if (!p.checkConnection) throw new Error('webex has a connection check');
    return p.checkConnection({ org: 'acme', fields: {} });
  };

  it('when the client credentials are right, then ok (the made-up code is refused as invalid_grant)', async () => {
    expect(await check({ ...CLIENT, apiUrl: sim.url })).toEqual({ status: 'ok' });
    expect(sim.sim.state.grants).toEqual({ authorization_code: 1 });
  });

  it('when the secret is wrong, then invalid_credentials, and no answer text is echoed', async () => {
    const result = await check({ ...CLIENT, clientSecret: 'wrong', apiUrl: sim.url });
    expect(result).toMatchObject({ status: 'failed', reason: 'invalid_credentials' });
    expect(JSON.stringify(result)).not.toMatch(/Client authentication failed|wrong/);
  });

  it('when the token endpoint hangs, rate-limits, fails or redirects, then timeout, rate_limited, unreachable, unexpected_answer', async () => {
    sim.sim.state.fail('token', { kind: 'hang' });
    expect(await check({ ...CLIENT, apiUrl: sim.url }, 150)).toMatchObject({ reason: 'timeout' });
    sim.sim.state.fail('token', { kind: 'rate_limited', retryAfter: '30' });
    expect(await check({ ...CLIENT, apiUrl: sim.url })).toMatchObject({ reason: 'rate_limited' });
    sim.sim.state.fail('token', { kind: 'text', status: 503, body: html(503) });
    expect(await check({ ...CLIENT, apiUrl: sim.url })).toMatchObject({ reason: 'unreachable' });
    sim.sim.state.fail('token', { kind: 'redirect', location: 'https://elsewhere.example/' });
    const redirected = await check({ ...CLIENT, apiUrl: sim.url });
    expect(redirected).toMatchObject({ reason: 'unexpected_answer' });
    expect(JSON.stringify(redirected)).not.toContain('elsewhere');
    sim.sim.state.fail('token', { kind: 'json', status: 200, body: { access_token: 'x' } });
    expect(await check({ ...CLIENT, apiUrl: sim.url })).toMatchObject({ reason: 'unexpected_answer' });
  });

  it('when nothing listens at the API URL, then unreachable', async () => {
    const port = await new Promise<number>((resolve) => {
      const server = createServer();
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => resolve(typeof address === 'object' && address ? address.port : 1));
      });
    });
    expect(await check({ ...CLIENT, apiUrl: `http://127.0.0.1:${port}/v1/` })).toMatchObject({ reason: 'unreachable' });
  });
});

describe('webex simulator', () => {
  it('when the redirect URI is not the registered one, then the authorize page refuses like Webex, and the registered one gets a code', async () => {
    const strict = await startWebexSimulator({
      ...CLIENT,
      autoApprove: true,
      redirectUris: ['http://127.0.0.1/calls/webex/complete'],
    });
    try {
      const authorize = (redirectUri: string) =>
        fetch(
          `${strict.url}authorize?${new URLSearchParams({ client_id: CLIENT.clientId, redirect_uri: redirectUri, response_type: 'code' })}`,
          {
            redirect: 'manual',
          },
        );
      expect((await authorize('https://attacker.example/steal')).status).toBe(400);
      const ok = await authorize('http://127.0.0.1/calls/webex/complete');
      expect(ok.status).toBe(302);
      expect(new URL(ok.headers.get('location') ?? '').searchParams.get('code')).toMatch(/^sim_webex_code_/);
    } finally {
      await strict.close();
    }
  });
});
