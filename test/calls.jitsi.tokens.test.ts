/**
 * Jitsi with token authentication, end to end: the create-call answer is a callgate join
 * link, and opening it mints a JWT for whoever clicked that Prosody (self-hosted) or 8x8
 * (JaaS) accepts, as checked by verifyLikeProsody.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { SESSION_COOKIE } from '../src/auth/middleware.js';
import { api, startApp, type TestApp } from './support/app.js';
import { databaseKinds } from './support/databases.js';
import { verifyLikeProsody, type ProsodyTokenSettings } from './support/prosody.js';

const kinds = await databaseKinds();
const appSecret = randomBytes(32).toString('hex');
const selfHostedEnv = { JITSI_SERVER_URL: 'https://meet.example.com/Team', JITSI_JWT_APP_ID: 'callgate' };
const selfHostedSecrets = { jitsi_jwt_app_secret: appSecret };

/** Prosody of meet.example.com with `app_id = "callgate"`, `app_secret` and domain verification. */
function selfHostedProsody(): ProsodyTokenSettings {
  return {
    algorithm: 'HS256',
    key: appSecret,
    acceptedIssuers: ['callgate'],
    acceptedAudiences: ['jitsi'],
    domainVerification: { mucDomainBase: 'meet.example.com' },
    nowSeconds: Math.floor(Date.now() / 1000),
  };
}

/** Creates a call as `userId` and returns the URL it answered. */
async function createCall(app: TestApp, options: { userId?: string; isVideoCall?: boolean } = {}): Promise<string> {
  const res = await api(app, 'POST', '/api/v1/calls', {
    token: app.token({ userId: options.userId ?? '42' }),
    body: { is_video_call: options.isVideoCall ?? true },
  });
  expect(res.status).toBe(200);
  return String(res.body['url']);
}

/** Opens a join link in a "browser" signed in with `sessionToken` (none: signed out). */
async function openLink(
  app: TestApp,
  url: string,
  sessionToken?: string,
): Promise<{ status: number; location: string; text: string }> {
  const response = await fetch(url.startsWith('http') ? url : `${app.url}${url}`, {
    redirect: 'manual',
    headers: sessionToken ? { cookie: `${SESSION_COOKIE}=${sessionToken}` } : {},
  });
  return { status: response.status, location: response.headers.get('location') ?? '', text: await response.text() };
}

/** Splits a Jitsi redirect into room, JWT and hash. */
function parseRedirect(location: string): { base: string; room: string; jwt: string; hash: string } {
  const url = new URL(location);
  const segments = url.pathname.split('/');
  const room = segments.pop() ?? '';
  return {
    base: `${url.origin}${segments.join('/')}`,
    room,
    jwt: url.searchParams.get('jwt') ?? '',
    hash: url.hash,
  };
}

describe.each(kinds)('Jitsi join links with self-hosted token authentication (%s)', (db) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp({ db, env: selfHostedEnv, secrets: selfHostedSecrets });
  });
  afterAll(async () => app.close());

  test('when a call is created, then the answer is a callgate join link that carries no Jitsi token', async () => {
    const url = await createCall(app);
    expect(url).toMatch(new RegExp(`^${app.url}/calls/jitsi/join\\?jitsi=[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$`));
    expect(url).not.toContain('meet.example.com');
    expect(url).not.toContain('jwt');
  });

  test('when the creator opens the link, then they are sent to the room with a moderator JWT Prosody accepts', async () => {
    const url = await createCall(app);
    const res = await openLink(app, url, app.token({ userId: '42', name: 'Ada', email: 'ada@acme.example' }));
    expect(res.status).toBe(302);
    const redirect = parseRedirect(res.location);
    expect(redirect.base).toBe('https://meet.example.com/Team');
    expect(redirect.room).toMatch(/^[a-z0-9]{20}$/);
    expect(redirect.hash).toBe('#config.startWithVideoMuted=false');
    const claims = verifyLikeProsody(
      redirect.jwt,
      selfHostedProsody(),
      `[team]${redirect.room}@conference.meet.example.com`,
    );
    expect(claims).toMatchObject({
      iss: 'callgate',
      aud: 'jitsi',
      sub: 'team',
      room: redirect.room,
      moderator: true,
      context: { user: { id: '42', name: 'Ada', email: 'ada@acme.example', moderator: 'true' } },
    });
    expect(Number(claims['exp']) - Number(claims['iat'])).toBe(3 * 3600);
    expect(app.logs.join('\n')).not.toContain(redirect.jwt);
    expect(app.logs.join('\n')).not.toContain(new URL(url).searchParams.get('jitsi'));
  });

  test('when another member opens the link, then their own JWT names them and is not a moderator', async () => {
    const url = await createCall(app, { userId: '42' });
    const res = await openLink(app, url, app.token({ userId: '7', name: 'Bob' }));
    expect(res.status).toBe(302);
    const redirect = parseRedirect(res.location);
    const claims = verifyLikeProsody(
      redirect.jwt,
      selfHostedProsody(),
      `[team]${redirect.room}@conference.meet.example.com`,
    );
    expect(claims['moderator']).toBe(false);
    expect(claims['context']).toMatchObject({ user: { id: '7', name: 'Bob', moderator: 'false' } });
    expect(JSON.stringify(claims)).not.toContain('"42"');
  });

  test('when the call is a voice call, then the room opens with video muted', async () => {
    const url = await createCall(app, { isVideoCall: false });
    const res = await openLink(app, url, app.token());
    expect(parseRedirect(res.location).hash).toBe('#config.startWithVideoMuted=true');
  });

  test('when the org points at another Jitsi host, then it gets a plain room URL and no token signed with our secret', async () => {
    const admin = app.token({ org: 'globex', role: 'admin' });
    const patch = await api(app, 'PATCH', '/api/v1/orgs/globex/settings', {
      token: admin,
      body: { jitsi_server_url: 'https://jitsi.globex.example' },
    });
    expect(patch.status).toBe(200);
    const res = await api(app, 'POST', '/api/v1/calls', { token: app.token({ org: 'globex' }), body: {} });
    expect(String(res.body['url'])).toMatch(
      /^https:\/\/jitsi\.globex\.example\/[a-z0-9]{20}#config\.startWithVideoMuted=false$/,
    );
  });

  test('when the org uses another tenant on our Jitsi host, then it gets a plain room URL and no token (SPEC §9)', async () => {
    const admin = app.token({ org: 'initech', role: 'admin' });
    const patch = await api(app, 'PATCH', '/api/v1/orgs/initech/settings', {
      token: admin,
      body: { jitsi_server_url: 'https://meet.example.com/initech' },
    });
    expect(patch.status).toBe(200);
    const res = await api(app, 'POST', '/api/v1/calls', { token: app.token({ org: 'initech' }), body: {} });
    expect(String(res.body['url'])).toMatch(
      /^https:\/\/meet\.example\.com\/initech\/[a-z0-9]{20}#config\.startWithVideoMuted=false$/,
    );
  });

  test("when the org names the operator's own tenant, then it gets token links like the server's default", async () => {
    const admin = app.token({ org: 'umbrella', role: 'admin' });
    const patch = await api(app, 'PATCH', '/api/v1/orgs/umbrella/settings', {
      token: admin,
      body: { jitsi_server_url: 'https://meet.example.com/team' },
    });
    expect(patch.status).toBe(200);
    const res = await api(app, 'POST', '/api/v1/calls', { token: app.token({ org: 'umbrella' }), body: {} });
    const joined = await openLink(app, String(res.body['url']), app.token({ org: 'umbrella' }));
    const redirect = parseRedirect(joined.location);
    expect(redirect.base).toBe('https://meet.example.com/team');
    const claims = verifyLikeProsody(
      redirect.jwt,
      { ...selfHostedProsody(), domainVerification: { mucDomainBase: 'meet.example.com' } },
      `[team]${redirect.room}@conference.meet.example.com`,
    );
    expect(claims['sub']).toBe('team');
  });

  test('when a member of another org opens the link, then a 403 page is answered', async () => {
    const url = await createCall(app);
    const res = await openLink(app, url, app.token({ org: 'globex', userId: '42' }));
    expect(res.status).toBe(403);
    expect(res.text).toContain('You are not a member of this organization');
    expect(res.text).not.toContain('jwt=');
  });

  test('when the link was altered, then a 400 page says the signature is invalid', async () => {
    const url = new URL(await createCall(app));
    const token = url.searchParams.get('jitsi') ?? '';
    const [body = '', signature = ''] = token.split('.');
    const payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...payload, creator_user_id: '7' })).toString('base64url');
    for (const altered of [`${forged}.${signature}`, `${body}.${signature.slice(0, -2)}AA`, body]) {
      const res = await openLink(app, `/calls/jitsi/join?jitsi=${altered}`, app.token({ userId: '7' }));
      expect(res.status).toBe(400);
      expect(res.text).toContain('Invalid signature.');
    }
  });

  test('when the link has no jitsi parameter, then a 400 page names it', async () => {
    const res = await openLink(app, '/calls/jitsi/join', app.token());
    expect(res.status).toBe(400);
    expect(res.text).toContain('jitsi');
  });

  test('when nobody is signed in, then a 401 sign-in page is answered', async () => {
    const url = await createCall(app);
    const res = await openLink(app, url);
    expect(res.status).toBe(401);
    expect(res.text).toContain('Please sign in');
    const expired = await openLink(app, url, app.token({ ttlSeconds: -60 }));
    expect(expired.status).toBe(401);
  });
});

describe.each(kinds)('Jitsi join links with 8x8 JaaS (%s)', (db) => {
  const appId = 'vpaas-magic-cookie-0123abcd';
  const keys = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  let app: TestApp;
  let keyDir: string;
  beforeAll(async () => {
    keyDir = mkdtempSync(join(tmpdir(), 'callgate-jaas-'));
    const keyFile = join(keyDir, 'jaas.pem');
    writeFileSync(keyFile, keys.privateKey, { mode: 0o600 });
    app = await startApp({
      db,
      env: {
        JITSI_SERVER_URL: undefined,
        JITSI_JAAS_APP_ID: appId,
        JITSI_JAAS_KEY_ID: 'key1',
        JITSI_JAAS_PRIVATE_KEY_FILE: keyFile,
        LOGIN_URL: 'https://chat.example.com/login',
      },
    });
  });
  afterAll(async () => {
    await app.close();
    rmSync(keyDir, { recursive: true, force: true });
  });

  /** 8x8's side: RS256 with the public key uploaded in the JaaS console. */
  const jaasProsody = (): ProsodyTokenSettings => ({
    algorithm: 'RS256',
    key: keys.publicKey,
    acceptedIssuers: ['chat'],
    acceptedAudiences: ['jitsi'],
    domainVerification: { mucDomainBase: '8x8.vc' },
    nowSeconds: Math.floor(Date.now() / 1000),
  });

  test('when no JITSI_SERVER_URL is set, then the server Jitsi is the JaaS tenant', async () => {
    const res = await api(app, 'GET', '/api/v1/orgs/acme/settings', { token: app.token() });
    expect(res.body['server_jitsi_server_url']).toBe(`https://8x8.vc/${appId}`);
  });

  test('when the creator opens the link, then 8x8 accepts an RS256 JWT with kid, moderator and features', async () => {
    const url = await createCall(app, { isVideoCall: false });
    expect(url.startsWith(`${app.url}/calls/jitsi/join?jitsi=`)).toBe(true);
    const res = await openLink(app, url, app.token({ userId: '42', name: 'Ada' }));
    expect(res.status).toBe(302);
    const redirect = parseRedirect(res.location);
    expect(redirect.base).toBe(`https://8x8.vc/${appId}`);
    expect(redirect.hash).toBe('#config.startWithVideoMuted=true');
    const [header = ''] = redirect.jwt.split('.');
    expect(JSON.parse(Buffer.from(header, 'base64url').toString('utf8'))).toEqual({
      alg: 'RS256',
      typ: 'JWT',
      kid: `${appId}/key1`,
    });
    const claims = verifyLikeProsody(redirect.jwt, jaasProsody(), `[${appId}]${redirect.room}@conference.8x8.vc`);
    expect(claims).toMatchObject({
      iss: 'chat',
      aud: 'jitsi',
      sub: appId,
      room: redirect.room,
      context: { user: { id: '42', name: 'Ada', moderator: 'true' }, features: { recording: 'true' } },
    });
  });

  test('when another member opens the link, then they are no moderator and get no features', async () => {
    const url = await createCall(app);
    const res = await openLink(app, url, app.token({ userId: '7' }));
    const redirect = parseRedirect(res.location);
    const claims = verifyLikeProsody(redirect.jwt, jaasProsody(), `[${appId}]${redirect.room}@conference.8x8.vc`);
    expect(claims['context']).toMatchObject({
      user: { id: '7', moderator: 'false' },
      features: { livestreaming: 'false', recording: 'false', transcription: 'false', 'outbound-call': 'false' },
    });
  });

  test('when nobody is signed in and LOGIN_URL is set, then the browser is sent to log in and back', async () => {
    const url = await createCall(app);
    const res = await openLink(app, url);
    expect(res.status).toBe(302);
    const login = new URL(res.location);
    expect(`${login.origin}${login.pathname}`).toBe('https://chat.example.com/login');
    expect(login.searchParams.get('next')).toBe(url);
  });

  test('when the org points at its own Jitsi without token settings, then the bare room URL is answered', async () => {
    const admin = app.token({ org: 'initech', role: 'admin' });
    await api(app, 'PATCH', '/api/v1/orgs/initech/settings', {
      token: admin,
      body: { jitsi_server_url: 'https://meet.initech.example' },
    });
    const res = await api(app, 'POST', '/api/v1/calls', { token: app.token({ org: 'initech' }), body: {} });
    expect(res.body['url']).toMatch(
      /^https:\/\/meet\.initech\.example\/[a-z0-9]{20}#config\.startWithVideoMuted=false$/,
    );
  });
});
