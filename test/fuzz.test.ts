/**
 * Property-based fuzz (fast-check) of every JSON route and query parameter, and of the
 * provider routes (Zoom completion and webhook, BigBlueButton and Jitsi join links, Zoom
 * disconnection) with every provider configured: whatever arrives, the answer is a SPEC
 * error or success — never a 5xx, never a secret, and the process lives.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import {
  startBigBlueButtonSimulator,
  type RunningBigBlueButtonSimulator,
} from '../src/providers/bigbluebutton/simulator.js';
import { zoomWebhookSignature } from '../src/providers/zoom/webhook.js';
import { api, startApp, TEST_SECRETS, type TestApp } from './support/app.js';
import { startZoomHarness, ZOOM_CLIENT, type ZoomHarness } from './support/zoom.js';

let app: TestApp;
let secrets: string[];
beforeAll(async () => {
  app = await startApp({ env: { CALLS_PER_MINUTE: '0' } });
  secrets = Object.values(TEST_SECRETS);
});
afterAll(async () => app.close());

const ROUTES: Array<{ method: string; path: string }> = [
  { method: 'POST', path: '/api/v1/calls' },
  { method: 'PATCH', path: '/api/v1/orgs/acme/settings' },
  { method: 'GET', path: '/api/v1/orgs/acme/settings' },
  { method: 'GET', path: '/api/v1/orgs/acme/audit-log' },
  { method: 'GET', path: '/api/v1/orgs/acme/calls/stats' },
  { method: 'POST', path: '/api/v1/orgs/acme/providers/jitsi_meet/check' },
  { method: 'GET', path: '/api/v1/providers' },
  { method: 'POST', path: '/api/v1/session' },
  { method: 'GET', path: '/api/v1/me' },
];

const jsonValue = fc.jsonValue({ maxDepth: 3 });
const fieldValue = fc.oneof(
  jsonValue,
  fc.constantFrom('jitsi_meet', 'zoom', 'disabled', 'default', 'https://x.example', 'javascript:alert(1)', ''),
  fc.string({ maxLength: 300 }),
);
const body = fc.oneof(
  jsonValue,
  fc.record(
    {
      is_video_call: fieldValue,
      meeting_name: fieldValue,
      video_chat_provider: fieldValue,
      jitsi_server_url: fieldValue,
    },
    { requiredKeys: [] },
  ),
  fc.dictionary(fc.string({ maxLength: 20 }), fieldValue, { maxKeys: 4 }),
);
const query = fc.dictionary(
  fc.constantFrom('limit', 'before', 'days', 'x', '__proto__', 'constructor'),
  fc.oneof(fc.string({ maxLength: 30 }), fc.integer().map(String)),
  { maxKeys: 3 },
);

function assertSafe(status: number, text: string): void {
  expect(status).toBeLessThan(500);
  for (const secret of secrets) expect(text).not.toContain(secret);
  expect(text).not.toMatch(/\bat [\w.<>]+ \(|node_modules/);
}

describe('fuzz', () => {
  test('when any JSON body hits any route, then no 5xx, no secret, no stack', async () => {
    const token = app.token({ role: 'owner' });
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ROUTES), body, async (route, value) => {
        if (route.method === 'GET') return;
        const res = await api(app, route.method, route.path, { token, body: value });
        assertSafe(res.status, res.text);
        if (res.status >= 400) expect(res.body).toMatchObject({ result: 'error', code: expect.any(String) });
      }),
      { numRuns: 300 },
    );
  });

  test('when any query string hits any route, then no 5xx', async () => {
    const token = app.token({ role: 'admin' });
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ROUTES), query, async (route, params) => {
        const search = new URLSearchParams(params).toString();
        const res = await api(app, route.method, `${route.path}?${search}`, { token });
        assertSafe(res.status, res.text);
      }),
      { numRuns: 200 },
    );
  });

  test('when raw bytes are sent as JSON, then 400 or 413 and never a crash', async () => {
    const token = app.token();
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 200 }), async (raw) => {
        const res = await api(app, 'POST', '/api/v1/calls', {
          token,
          rawBody: raw,
          headers: { 'content-type': 'application/json' },
        });
        assertSafe(res.status, res.text);
      }),
      { numRuns: 200 },
    );
    expect((await api(app, 'GET', '/healthz')).status).toBe(200);
  });

  test('when path parameters are arbitrary, then no 5xx', async () => {
    const token = app.token({ role: 'owner' });
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: 1, maxLength: 80 }),
        fc.string({ minLength: 1, maxLength: 40 }),
        async (org, id) => {
          const res = await api(
            app,
            'POST',
            `/api/v1/orgs/${encodeURIComponent(org)}/providers/${encodeURIComponent(id)}/check`,
            { token },
          );
          assertSafe(res.status, res.text);
        },
      ),
      { numRuns: 150 },
    );
  });
});

/** The first address and prefix length of each IPv4 range organizations may not use (SPEC §9). */
const INTERNAL_V4: Array<[number, number]> = [
  [0x0a000000, 8], // 10/8
  [0x7f000000, 8], // loopback
  [0xa9fe0000, 16], // link-local, the metadata service's
  [0xac100000, 12], // 172.16/12
  [0xc0a80000, 16], // 192.168/16
  [0x64400000, 10], // carrier-grade NAT
  [0x00000000, 8], // "this network", 0.0.0.0 included
  [0xe0000000, 4], // multicast
  [0xf0000000, 4], // reserved, broadcast included
];
const internalV4 = fc
  .constantFrom(...INTERNAL_V4)
  .chain(([base, bits]) => fc.nat({ max: 2 ** (32 - bits) - 1 }).map((offset) => base + offset));
/** The spellings the WHATWG URL parser reads as one IPv4 address (issue 11). */
const v4Spelling = (n: number): fc.Arbitrary<string> => {
  const parts = [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
  const hex = (value: number): string => `0x${value.toString(16)}`;
  return fc.constantFrom(
    parts.join('.'),
    `${parts.join('.')}.`,
    String(n),
    hex(n),
    `${parts[0]}.${parts[1]}.${n & 0xffff}`,
    `${parts[0]}.${n & 0xffffff}`,
    parts.map((part) => `0${part.toString(8)}`).join('.'),
    parts.map(hex).join('.'),
    `[::ffff:${parts.join('.')}]`,
    `[::ffff:${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}]`,
    // IPv4-compatible (deprecated): inside ::/8, never public.
    `[::${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}]`,
  );
};
/** IPv6 addresses in loopback, unspecified, unique-local, link-local and multicast ranges. */
const internalV6 = fc.oneof(
  fc.constantFrom('[::1]', '[::]', '[0:0:0:0:0:0:0:1]'),
  fc
    .tuple(
      fc.constantFrom([0xfc00, 7], [0xfe80, 10], [0xff00, 8]),
      fc.nat({ max: 0xffff }),
      fc.array(fc.nat({ max: 0xffff }), { minLength: 7, maxLength: 7 }),
    )
    .map(([[base, bits], low, rest]) => {
      const first = base | (low & ((1 << (16 - bits)) - 1));
      return `[${[first, ...rest].map((part) => part.toString(16)).join(':')}]`;
    }),
);

describe('fuzz of organization-set addresses', () => {
  test('when an admin sets any spelling of an internal address as the Jitsi URL, then 400 and nothing is stored', async () => {
    const token = app.token({ org: 'fuzz-net', role: 'owner' });
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(internalV4.chain(v4Spelling), internalV6),
        fc.constantFrom('', ':8443', ':80'),
        fc.constantFrom('', '/', '/team', '/latest/meta-data'),
        async (host, port, path) => {
          const url = `https://${host}${port}${path}`;
          const res = await api(app, 'PATCH', '/api/v1/orgs/fuzz-net/settings', {
            token,
            body: { jitsi_server_url: url },
          });
          expect(res.status).toBe(400);
          expect(res.body).toMatchObject({ code: 'BAD_REQUEST', field: 'jitsi_server_url' });
          expect(String(res.body['msg'])).toMatch(/organizations may not use$/);
        },
      ),
      { numRuns: 300 },
    );
    const settings = await api(app, 'GET', '/api/v1/orgs/fuzz-net/settings', { token });
    expect(settings.body['jitsi_server_url']).toBeNull();
    expect((await api(app, 'GET', '/api/v1/orgs/fuzz-net/audit-log', { token })).body['entries']).toEqual([]);
  });
});

/** Printable ASCII: what a header value can carry (fetch refuses control characters). */
const headerText = (maxLength: number) =>
  fc.string({ maxLength, unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)) });
/** Strings a valid token is turned into by a careless or hostile client. */
const mangled = (valid: string) =>
  fc.oneof(
    fc.constant(valid),
    fc.nat({ max: Math.max(0, valid.length - 1) }).map((cut) => valid.slice(0, cut)),
    fc
      .tuple(fc.nat({ max: Math.max(0, valid.length - 1) }), fc.string({ minLength: 1, maxLength: 3 }))
      .map(([at, text]) => `${valid.slice(0, at)}${text}${valid.slice(at + 1)}`),
    fc.string({ maxLength: 50 }).map((tail) => `${valid}${tail}`),
  );

describe('fuzz of the provider routes', () => {
  const BBB_SECRET = `bbb-fuzz-${randomBytes(12).toString('hex')}`;
  const JITSI_SECRET = randomBytes(32).toString('hex');
  let zoom: ZoomHarness;
  let bbb: RunningBigBlueButtonSimulator;
  let providerApp: TestApp;
  let providerSecrets: string[];
  beforeAll(async () => {
    bbb = await startBigBlueButtonSimulator({ secret: BBB_SECRET });
    zoom = await startZoomHarness({
      db: 'sqlite',
      kind: 'zoom',
      env: { BIG_BLUE_BUTTON_URL: bbb.url, JITSI_JWT_APP_ID: 'callgate', UPSTREAM_TIMEOUT_MS: '1000' },
      secrets: { big_blue_button_secret: BBB_SECRET, jitsi_jwt_app_secret: JITSI_SECRET },
    });
    providerApp = zoom.app;
    const admin = providerApp.token({ org: 'bbb-org', role: 'admin' });
    const chosen = await api(providerApp, 'PATCH', '/api/v1/orgs/bbb-org/settings', {
      token: admin,
      body: { video_chat_provider: 'big_blue_button' },
    });
    expect(chosen.status).toBe(200);
    providerSecrets = [
      ...Object.values(TEST_SECRETS),
      ZOOM_CLIENT.clientSecret,
      ZOOM_CLIENT.webhookSecret,
      BBB_SECRET,
      JITSI_SECRET,
    ];
  });
  afterAll(async () => {
    await zoom.close();
    await bbb.close();
  });

  /** No 5xx, no secret; a provider token or checksum only in the redirect a join link is for. */
  function assertSafeAnswer(status: number, text: string): void {
    expect(status).toBeLessThan(500);
    for (const secret of providerSecrets) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/\bat [\w.<>]+ \(|node_modules/);
    if (status !== 302) expect(text).not.toMatch(/sim_(at|rt)_|checksum=|Bearer eyJ|Basic [A-Za-z0-9+/=]{16}/);
  }
  const cookieOf = (kind: 'member' | 'other_org' | 'garbage' | 'none', garbage: string, org: string) =>
    kind === 'member'
      ? providerApp.token({ org, userId: 'fuzz-1' })
      : kind === 'other_org'
        ? providerApp.token({ org: 'globex', userId: 'fuzz-2' })
        : kind === 'garbage'
          ? garbage
          : undefined;
  const cookieKind = fc.constantFrom('member', 'other_org', 'garbage', 'none') as fc.Arbitrary<
    'member' | 'other_org' | 'garbage' | 'none'
  >;
  const browseRaw = async (path: string, cookie: string | undefined) => {
    const response = await fetch(`${providerApp.url}${path}`, {
      redirect: 'manual',
      headers: cookie === undefined ? {} : { cookie: `callgate_session=${cookie}` },
    });
    return { status: response.status, location: response.headers.get('location'), text: await response.text() };
  };

  test('when /calls/zoom/complete gets any code, state and error, with a real state or not, then no 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          code: fc.option(fc.string({ maxLength: 300 }), { nil: undefined }),
          state: fc.option(fc.string({ maxLength: 300 }), { nil: undefined }),
          error: fc.option(fc.string({ maxLength: 30 }), { nil: undefined }),
          realState: fc.boolean(),
          cookie: cookieKind,
          garbage: headerText(80),
        }),
        async (input) => {
          const session = cookieOf(input.cookie, input.garbage, 'acme');
          const query = new URLSearchParams();
          if (input.realState) {
            const register = await browseRaw('/calls/zoom/register', providerApp.token({ userId: 'fuzz-1' }));
            expect(register.status).toBe(302);
            query.set('state', new URL(register.location ?? '').searchParams.get('state') ?? '');
          } else if (input.state !== undefined) query.set('state', input.state);
          if (input.code !== undefined) query.set('code', input.code);
          if (input.error !== undefined) query.set('error', input.error);
          const res = await browseRaw(`/calls/zoom/complete?${query.toString()}`, session);
          assertSafeAnswer(res.status, res.text);
        },
      ),
      { numRuns: 120 },
    );
  });

  test('when BigBlueButton and Jitsi join links are mangled or opened by anyone, then no 5xx', async () => {
    const link = async (org: string): Promise<URL> => {
      const res = await api(providerApp, 'POST', '/api/v1/calls', {
        token: providerApp.token({ org, userId: 'fuzz-1' }),
        body: {},
      });
      expect(res.status).toBe(200);
      return new URL(String(res.body['url']));
    };
    const bbbToken = (await link('bbb-org')).searchParams.get('bigbluebutton') ?? '';
    const jitsiLink = await link('jitsi-org');
    expect(jitsiLink.pathname).toBe('/calls/jitsi/join');
    const jitsiToken = jitsiLink.searchParams.get('jitsi') ?? '';
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(
          { path: '/calls/bigbluebutton/join', param: 'bigbluebutton', org: 'bbb-org', valid: bbbToken },
          { path: '/calls/jitsi/join', param: 'jitsi', org: 'jitsi-org', valid: jitsiToken },
        ),
        fc.oneof(fc.string({ maxLength: 300 }), fc.constant(bbbToken), fc.constant(jitsiToken)),
        fc.boolean(),
        cookieKind,
        headerText(80),
        fc.nat(),
        async (route, other, useOther, kind, garbage, seed) => {
          const value = useOther ? other : (fc.sample(mangled(route.valid), { numRuns: 1, seed })[0] ?? '');
          const search = new URLSearchParams({ [route.param]: value }).toString();
          const res = await browseRaw(`${route.path}?${search}`, cookieOf(kind, garbage, route.org));
          assertSafeAnswer(res.status, res.text);
        },
      ),
      { numRuns: 200 },
    );
  });

  test('when the deauthorization webhook gets any body and headers, signed or not, then no 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 400 }),
          fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)),
          fc
            .record({
              event: fc.constantFrom('app_deauthorized', 'endpoint.url_validation', 'meeting.started', ''),
              payload: fc.oneof(
                fc.jsonValue({ maxDepth: 2 }),
                fc.record(
                  { user_id: fc.jsonValue(), account_id: fc.jsonValue(), plainToken: fc.jsonValue() },
                  { requiredKeys: [] },
                ),
              ),
            })
            .map((value) => JSON.stringify(value)),
        ),
        fc.constantFrom('sign', 'bad_signature', 'no_signature', 'old_timestamp', 'garbage_timestamp'),
        headerText(100),
        fc.constantFrom(
          'application/json',
          'text/plain',
          'application/x-www-form-urlencoded',
          '',
          'application/json; charset=latin1',
        ),
        async (body, how, garbage, contentType) => {
          const now = Math.floor(Date.now() / 1000);
          const timestamp =
            how === 'old_timestamp' ? String(now - 3600) : how === 'garbage_timestamp' ? garbage : String(now);
          const headers: Record<string, string> = { 'x-zm-request-timestamp': timestamp };
          if (contentType) headers['content-type'] = contentType;
          if (how === 'bad_signature') headers['x-zm-signature'] = garbage;
          else if (how !== 'no_signature') {
            headers['x-zm-signature'] = zoomWebhookSignature(ZOOM_CLIENT.webhookSecret, timestamp, body);
          }
          const response = await fetch(`${providerApp.url}/calls/zoom/deauthorize`, { method: 'POST', headers, body });
          const text = await response.text();
          assertSafeAnswer(response.status, text);
          if (how !== 'sign') expect(response.status).toBe(401);
        },
      ),
      { numRuns: 250 },
    );
  });

  test('when DELETE /api/v1/me/connections/zoom gets any credentials, then 200 or 401 only', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          headerText(200).map((header) => ({ header })),
          fc
            .record({
              org: fc.string({ minLength: 1, maxLength: 70 }),
              userId: fc.string({ minLength: 1, maxLength: 140 }),
            })
            .map(({ org, userId }) => ({ header: `Bearer ${providerApp.token({ org, userId })}` })),
        ),
        async ({ header }) => {
          const response = await fetch(`${providerApp.url}/api/v1/me/connections/zoom`, {
            method: 'DELETE',
            headers: { authorization: header },
          });
          const text = await response.text();
          assertSafeAnswer(response.status, text);
          expect([200, 401]).toContain(response.status);
        },
      ),
      { numRuns: 150 },
    );
    expect((await api(providerApp, 'GET', '/healthz')).status).toBe(200);
  });
});
