/**
 * Fault audit of every provider at the HTTP level: the fake provider hangs, resets, answers
 * past the deadline, answers 5xx HTML, 429 with Retry-After, truncated or garbled bodies, or
 * redirects to itself. Each must come back as its SPEC code (or, for connection checks, a
 * clean reason), without a 500 and without a secret or token in the answer.
 *
 * Only the cases not already tested elsewhere are here:
 * - Zoom meetings API: hang, reset, 429, 502 HTML in calls.zoomServerToServer.test.ts.
 * - Zoom account token: 4xx, hang, 429, 200 non-JSON in calls.zoomServerToServer.test.ts.
 * - Zoom user refresh: reset, 429, hang, invalid_grant; code exchange: 4xx, hang (zoom.oauth.test.ts).
 * - BigBlueButton: hang, reset, 500, redirect elsewhere, HTML and non-XML 200, missing
 *   fields, refused connection (calls.bigbluebutton.test.ts).
 * - Jitsi check: hang, 503, redirect elsewhere, another site, 404, refused (jitsi.check.test.ts).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import {
  startBigBlueButtonSimulator,
  type RunningBigBlueButtonSimulator,
  type SimulatedFailure,
} from '../src/providers/bigbluebutton/simulator.js';
import type { ZoomSimFailure } from '../src/providers/zoom/simulator.js';
import { api, startApp, TEST_SECRETS, type TestApp } from './support/app.js';
import {
  authorizeAtZoom,
  browse,
  connectZoom,
  startZoomHarness,
  ZOOM_CLIENT,
  type ZoomHarness,
} from './support/zoom.js';

// Long enough that a loaded machine never turns a normal answer into a timeout.
const TIMEOUT_MS = 1000;
/** Slow enough to miss the deadline, quick enough not to stall the suite. */
const SLOW_MS = TIMEOUT_MS * 3;
const HOUR_MS = 3_600_000;
const BBB_SECRET = 'bbb-fault-secret-5b0d2c8e7a';

const htmlPage = (status: number): string =>
  `<!DOCTYPE html><html><head><title>${status} Error</title></head><body><h1>${status}</h1><p>nginx</p></body></html>`;

/** What no answer may contain: our secrets, any simulated Zoom token or code, credentials, stacks. */
function expectNothingLeaked(text: string, extra: string[] = []): void {
  for (const secret of [
    ...Object.values(TEST_SECRETS),
    ZOOM_CLIENT.clientSecret,
    ZOOM_CLIENT.webhookSecret,
    ...extra,
  ]) {
    expect(text).not.toContain(secret);
  }
  expect(text).not.toMatch(/sim_(at|rt|code)_|Bearer |Basic |checksum=|\bat [\w.<>]+ \(|node_modules/);
}

/** A failure and the answer it must produce. */
interface ZoomFault {
  name: string;
  failure: ZoomSimFailure;
  status: number;
  code: string;
  retryAfter?: string;
}

const html5xx = (statuses: number[], code = 'PROVIDER_UNAVAILABLE'): ZoomFault[] =>
  statuses.map((status) => ({
    name: `answers ${status} with an HTML page`,
    failure: { kind: 'text', status, body: htmlPage(status) },
    status: 502,
    code,
  }));
const slow: ZoomFault = {
  name: 'answers only after the deadline',
  failure: { kind: 'delay', ms: SLOW_MS },
  status: 504,
  code: 'PROVIDER_TIMEOUT',
};
const truncated = (status: number): ZoomFault => ({
  name: 'drops the connection in the middle of the body',
  failure: { kind: 'truncated', status },
  status: 502,
  code: 'PROVIDER_UNAVAILABLE',
});
const redirectLoop: ZoomFault = {
  name: 'redirects to itself',
  failure: { kind: 'redirect' },
  status: 502,
  code: 'PROVIDER_UNAVAILABLE',
};
const reset: ZoomFault = {
  name: 'resets the connection',
  failure: { kind: 'reset' },
  status: 502,
  code: 'PROVIDER_UNAVAILABLE',
};
const rateLimited: ZoomFault = {
  name: 'answers 429 with Retry-After',
  failure: { kind: 'rate_limited', retryAfter: '11' },
  status: 429,
  code: 'RATE_LIMITED',
  retryAfter: '11',
};

describe('Zoom faults', () => {
  let s2s: ZoomHarness;
  let user: ZoomHarness;
  let clock = Date.now();
  let userSeq = 0;
  beforeAll(async () => {
    const env = { UPSTREAM_TIMEOUT_MS: String(TIMEOUT_MS) };
    s2s = await startZoomHarness({ db: 'sqlite', kind: 'zoom_server_to_server', env, now: () => clock });
    user = await startZoomHarness({ db: 'sqlite', kind: 'zoom', env, now: () => clock });
  });
  afterAll(async () => {
    await s2s.close();
    await user.close();
  });
  beforeEach(() => {
    for (const h of [s2s, user]) {
      h.zoom.sim.state.clearFailures();
      h.zoom.sim.state.resetCounters();
    }
  });

  const expectAnswer = (
    res: { status: number; text: string; headers: Headers; body?: Record<string, unknown> },
    fault: ZoomFault,
  ): void => {
    expect(res.status).toBe(fault.status);
    if (res.body) expect(res.body).toMatchObject({ result: 'error', code: fault.code });
    if (fault.retryAfter) expect(res.headers.get('retry-after')).toBe(fault.retryAfter);
    expectNothingLeaked(res.text);
  };

  describe.each([slow, ...html5xx([500, 503]), truncated(201), redirectLoop])(
    'when the meetings API $name',
    (fault) => {
      test(`then ${fault.status} ${fault.code}, and the meeting is not retried`, async () => {
        s2s.zoom.sim.state.fail('meetings', fault.failure);
        const res = await api(s2s.app, 'POST', '/api/v1/calls', {
          token: s2s.app.token({ email: 'ada@example.com' }),
          body: {},
        });
        expectAnswer(res, fault);
        expect(s2s.zoom.sim.state.requests.meetings).toBe(1);
      });
    },
  );

  test('when the meetings API answers 201 with a body that is not JSON, then 502 PROVIDER_UNAVAILABLE', async () => {
    s2s.zoom.sim.state.fail('meetings', { kind: 'text', status: 201, body: '<html>created?</html>' });
    const res = await api(s2s.app, 'POST', '/api/v1/calls', {
      token: s2s.app.token({ email: 'ada@example.com' }),
      body: {},
    });
    expectAnswer(res, { ...redirectLoop, name: 'non-JSON' });
  });

  describe.each([reset, slow, ...html5xx([500, 502, 503]), truncated(200), redirectLoop])(
    'when the account token endpoint $name',
    (fault) => {
      test(`then ${fault.status} ${fault.code}`, async () => {
        clock += HOUR_MS; // the cached account token has expired
        s2s.zoom.sim.state.fail('token', fault.failure);
        const res = await api(s2s.app, 'POST', '/api/v1/calls', {
          token: s2s.app.token({ email: 'ada@example.com', ttlSeconds: 30 * 86_400 }),
          body: {},
        });
        expectAnswer(res, fault);
        expect(s2s.zoom.sim.state.requests.token).toBe(1);
        expect(s2s.zoom.sim.state.requests.meetings).toBe(0);
      });
    },
  );

  const newUser = (): string => user.app.token({ userId: `fault-${(userSeq += 1)}`, ttlSeconds: 30 * 86_400 });

  describe.each([
    { ...slow, next: 403 },
    ...html5xx([500, 502, 503]).map((fault) => ({ ...fault, next: 200 })),
    { ...truncated(200), next: 200 },
    { ...redirectLoop, next: 200 },
    {
      name: 'answers 200 with a body that is not JSON',
      failure: { kind: 'text', status: 200, body: 'not json' } as ZoomSimFailure,
      status: 502,
      code: 'PROVIDER_UNAVAILABLE',
      next: 200,
    },
  ])('when the token endpoint $name during a refresh', (fault) => {
    // Zoom's refresh tokens are single-use: when Zoom did the refresh but its answer came
    // too late, the stored token is spent and the user authorizes again (403). The other
    // faults happen before Zoom rotates anything, so the stored token still works.
    test(`then ${fault.status} ${fault.code}, and the next call answers ${fault.next}`, async () => {
      const token = newUser();
      expect((await connectZoom(user.app, token)).status).toBe(200);
      clock += HOUR_MS;
      user.zoom.sim.state.fail('token', fault.failure);
      const res = await api(user.app, 'POST', '/api/v1/calls', { token, body: {} });
      expectAnswer(res, fault);
      expect(user.zoom.sim.state.requests.meetings).toBe(0);
      // Let a late answer land at Zoom before the next call.
      if (fault.failure.kind === 'delay') await new Promise((resolve) => setTimeout(resolve, SLOW_MS));
      const next = await api(user.app, 'POST', '/api/v1/calls', { token, body: {} });
      expect(next.status).toBe(fault.next);
      expectNothingLeaked(next.text);
    });
  });

  describe.each([reset, slow, ...html5xx([500, 503]), rateLimited, truncated(200), redirectLoop])(
    'when the token endpoint $name during the code exchange',
    (fault) => {
      test(`then the completion page answers ${fault.status} and offers to connect again`, async () => {
        const token = newUser();
        const callback = await authorizeAtZoom(user.app, token);
        user.zoom.sim.state.fail('token', fault.failure);
        const res = await browse(callback, token);
        expectAnswer(res, fault);
        expect(res.headers.get('content-type')).toMatch(/^text\/html/);
        expect(res.text).toContain('Connect Zoom again');
        const userId = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()).sub as string;
        expect(await user.app.store.userTokens.get('zoom', 'acme', userId)).toBeNull();
      });
    },
  );

  test('no log line holds a token, a code or a secret after all these faults', () => {
    const logs = [...s2s.app.logs, ...user.app.logs].join('\n');
    expect(logs).not.toContain(ZOOM_CLIENT.clientSecret);
    expect(logs).not.toMatch(/sim_(at|rt|code)_|Bearer |Basic /);
  });
});

describe('BigBlueButton faults', () => {
  let bbb: RunningBigBlueButtonSimulator;
  let app: TestApp;
  beforeAll(async () => {
    bbb = await startBigBlueButtonSimulator({ secret: BBB_SECRET });
    app = await startApp({
      env: { BIG_BLUE_BUTTON_URL: bbb.url, UPSTREAM_TIMEOUT_MS: String(TIMEOUT_MS), CALLS_PER_MINUTE: '0' },
      secrets: { big_blue_button_secret: BBB_SECRET },
    });
    const chosen = await api(app, 'PATCH', '/api/v1/orgs/acme/settings', {
      token: app.token({ role: 'admin' }),
      body: { video_chat_provider: 'big_blue_button' },
    });
    expect(chosen.status).toBe(200);
  });
  afterAll(async () => {
    await app.close();
    await bbb.close();
  });
  beforeEach(() => bbb.sim.state.reset());

  describe.each<{ name: string; failure: SimulatedFailure; status: number; code: string; msg: string }>([
    {
      name: 'answers only after the deadline',
      failure: { kind: 'delay', ms: SLOW_MS },
      status: 504,
      code: 'PROVIDER_TIMEOUT',
      msg: `Error connecting to the BigBlueButton server: no answer within ${TIMEOUT_MS} ms`,
    },
    ...[502, 503].map((status) => ({
      name: `answers ${status} with an HTML page`,
      failure: { kind: 'status', status, body: htmlPage(status), headers: { 'content-type': 'text/html' } } as const,
      status: 502,
      code: 'PROVIDER_UNAVAILABLE',
      msg: `Error connecting to the BigBlueButton server: HTTP ${status}: `,
    })),
    {
      name: 'answers 429 with Retry-After',
      failure: { kind: 'status', status: 429, body: 'Too Many Requests', headers: { 'retry-after': '30' } },
      status: 502,
      code: 'PROVIDER_UNAVAILABLE',
      msg: 'Error connecting to the BigBlueButton server: HTTP 429: Too Many Requests',
    },
    {
      name: 'drops the connection in the middle of the body',
      failure: { kind: 'truncated' },
      status: 502,
      code: 'PROVIDER_UNAVAILABLE',
      msg: 'Error connecting to the BigBlueButton server: ',
    },
    {
      name: 'redirects to itself',
      failure: { kind: 'redirect' },
      status: 502,
      code: 'PROVIDER_UNAVAILABLE',
      msg: 'Error connecting to the BigBlueButton server: HTTP 302',
    },
  ])('when BBB $name', (fault) => {
    test(`then the join page answers ${fault.status} (${fault.code}), without following or retrying`, async () => {
      const member = app.token({ name: 'Ada' });
      const created = await api(app, 'POST', '/api/v1/calls', { token: member, body: {} });
      expect(created.status).toBe(200);
      bbb.sim.state.inject(fault.failure, { call: 'create', times: 1 });
      const link = new URL(String(created.body['url']));
      const res = await browse(`${app.url}${link.pathname}${link.search}`, member);
      expect(res.status).toBe(fault.status);
      expect(res.location).toBeNull();
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(res.text).toContain(fault.msg);
      expectNothingLeaked(res.text, [BBB_SECRET]);
      expect(bbb.sim.state.requests.map((request) => request.call)).toEqual(['create']);
      expect(app.logs.some((line) => line.includes(`"code":"${fault.code}"`))).toBe(true);
    });
  });

  test('no log line holds the shared secret or a checksum', () => {
    const logs = app.logs.join('\n');
    expect(logs).not.toContain(BBB_SECRET);
    expect(logs).not.toMatch(/checksum=[0-9a-f]/);
  });
});

type JitsiBehaviour = 'reset' | 'slow' | 'html500' | 'html502' | 'rate_limited' | 'truncated' | 'redirect_loop';

describe('Jitsi connection check faults', () => {
  let server: Server;
  let base: string;
  let app: TestApp;
  let behaviour: JitsiBehaviour = 'reset';
  let hits = 0;
  beforeAll(async () => {
    server = createServer((req, res) => {
      hits += 1;
      switch (behaviour) {
        case 'reset':
          req.socket.destroy();
          return;
        case 'slow':
          setTimeout(() => res.writeHead(200).end('window.JitsiMeetExternalAPI = function () {};'), SLOW_MS);
          return;
        case 'html500':
        case 'html502': {
          const status = behaviour === 'html500' ? 500 : 502;
          res.writeHead(status, { 'content-type': 'text/html' }).end(htmlPage(status));
          return;
        }
        case 'rate_limited':
          res.writeHead(429, { 'retry-after': '30', 'content-type': 'text/html' }).end(htmlPage(429));
          return;
        case 'truncated':
          res.writeHead(200, { 'content-type': 'application/javascript', 'content-length': '4096' });
          res.write('!function(){window.JitsiMeetExternalAPI=');
          setImmediate(() => req.socket.destroy());
          return;
        case 'redirect_loop':
          res.writeHead(302, { location: `${base}/external_api.js` }).end();
          return;
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    app = await startApp({ env: { JITSI_SERVER_URL: base, UPSTREAM_TIMEOUT_MS: String(TIMEOUT_MS) } });
  });
  afterAll(async () => {
    await app.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  test.each<{ behaviour: JitsiBehaviour; reason: string; detail: string }>([
    { behaviour: 'reset', reason: 'unreachable', detail: 'connection reset' },
    { behaviour: 'slow', reason: 'unreachable', detail: `within ${TIMEOUT_MS} ms` },
    { behaviour: 'html500', reason: 'server_error', detail: 'HTTP 500' },
    { behaviour: 'html502', reason: 'server_error', detail: 'HTTP 502' },
    { behaviour: 'rate_limited', reason: 'rate_limited', detail: 'HTTP 429' },
    { behaviour: 'truncated', reason: 'unreachable', detail: 'Could not connect' },
    { behaviour: 'redirect_loop', reason: 'redirected', detail: 'HTTP 302' },
  ])('when the Jitsi server $behaviour, then the check fails with reason $reason, once', async (row) => {
    behaviour = row.behaviour;
    hits = 0;
    const res = await api(app, 'POST', '/api/v1/orgs/acme/providers/jitsi_meet/check', {
      token: app.token({ role: 'admin' }),
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ result: 'success', status: 'failed', reason: row.reason });
    expect(String(res.body['detail'])).toContain(row.detail);
    expect(hits).toBe(1);
    expectNothingLeaked(res.text);
  });
});
