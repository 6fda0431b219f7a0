/**
 * Per-organization credentials over their life (SPEC §10): key rotation and re-encryption,
 * a change seen by a second replica on the same PostgreSQL, the feature turned off, and
 * Jitsi token authentication with an organization's own app (self-hosted and JaaS).
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { buildConfig } from '../src/config/index.js';
import { createTokenCipher } from '../src/crypto/tokenCipher.js';
import { credentialsAssociatedData, reencryptOrgCredentials } from '../src/orgs/orgCredentials.js';
import {
  startBigBlueButtonSimulator,
  type RunningBigBlueButtonSimulator,
} from '../src/providers/bigbluebutton/simulator.js';
import { api, startApp, TEST_SECRETS, type TestApp } from './support/app.js';
import { databaseKinds } from './support/databases.js';
import { startMultiAccountZoom, type FakeZoom } from './support/multiAccountZoom.js';
import { verifyLikeProsody } from './support/prosody.js';

const kinds = await databaseKinds();
const ZOOM_A = { accountId: 'acct-acme', clientId: 'client-acme', clientSecret: 'zoom-secret-acme-rotating-3e5f' };
const owner = (app: TestApp, org = 'acme') => app.token({ org, role: 'owner', userId: 'owner-1', name: 'Olga' });
const member = (app: TestApp, org = 'acme') => app.token({ org, role: 'member', userId: '42', name: 'Ada' });
const credentials = (id: string, org = 'acme') => `/api/v1/orgs/${org}/providers/${id}/credentials`;

/** Polls `probe` until it is true or `boundMs` passed; answers whether it became true. */
async function eventually(probe: () => Promise<boolean>, boundMs = 10_000): Promise<boolean> {
  const until = Date.now() + boundMs;
  while (Date.now() < until) {
    if (await probe()) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return probe();
}

describe.each(kinds)('organization credentials: key rotation (%s)', (db) => {
  let zoom: FakeZoom;
  let app: TestApp;
  beforeAll(async () => {
    zoom = await startMultiAccountZoom([ZOOM_A]);
  });
  afterAll(async () => {
    await app.close();
    await zoom.close();
  });
  const env = () => ({ VIDEO_ZOOM_API_URL: zoom.url, VIDEO_ZOOM_OAUTH_URL: zoom.url, CALLS_PER_MINUTE: '0' });

  test('when token_encryption_key is rotated, then the previous key still decrypts and re-encrypt moves the credentials', async () => {
    app = await startApp({ db, env: env() });
    const put = await api(app, 'PUT', credentials('zoom_server_to_server'), {
      token: owner(app),
      body: { account_id: ZOOM_A.accountId, client_id: ZOOM_A.clientId, client_secret: ZOOM_A.clientSecret },
    });
    expect(put.status).toBe(200);
    const oldKeyId = app.config.tokenEncryption.current.id;
    const newKey = randomBytes(32).toString('base64');
    const rotated = await startApp({
      databaseUrl: app.databaseUrl,
      env: env(),
      secrets: { token_encryption_key: newKey, token_encryption_key_previous: TEST_SECRETS.token_encryption_key },
    });
    try {
      await api(rotated, 'PATCH', '/api/v1/orgs/acme/settings', {
        token: owner(rotated),
        body: { video_chat_provider: 'zoom_server_to_server' },
      });
      expect((await api(rotated, 'POST', '/api/v1/calls', { token: member(rotated), body: {} })).status).toBe(200);
      const cipher = createTokenCipher(rotated.config.tokenEncryption);
      expect(await reencryptOrgCredentials(rotated.store.orgCredentials, cipher)).toEqual({ moved: 1, total: 1 });
      const [row] = await rotated.store.orgCredentials.listOf('acme');
      expect(row?.keyId).toBe(rotated.config.tokenEncryption.current.id);
      expect(row?.keyId).not.toBe(oldKeyId);
      // Readable with the new key alone, and only as acme's.
      const onlyNew = createTokenCipher(
        buildConfig({ env: {}, secrets: { ...TEST_SECRETS, token_encryption_key: newKey } }).tokenEncryption,
      );
      const sealed = { keyId: row?.keyId ?? '', ciphertext: row?.ciphertext ?? '' };
      expect(JSON.parse(onlyNew.open(sealed, credentialsAssociatedData('acme', 'zoom_server_to_server')))).toEqual({
        account_id: ZOOM_A.accountId,
        client_id: ZOOM_A.clientId,
        client_secret: ZOOM_A.clientSecret,
      });
      expect(() => onlyNew.open(sealed, credentialsAssociatedData('globex', 'zoom_server_to_server'))).toThrow();
      expect(await reencryptOrgCredentials(rotated.store.orgCredentials, cipher)).toEqual({ moved: 0, total: 1 });
    } finally {
      await rotated.close();
    }
  });
});

describe.each(kinds.filter((kind) => kind === 'postgres'))('organization credentials: replicas (%s)', (db) => {
  let a: TestApp;
  let b: TestApp;
  let first: RunningBigBlueButtonSimulator;
  let second: RunningBigBlueButtonSimulator;
  beforeAll(async () => {
    first = await startBigBlueButtonSimulator({ secret: 'bbb-first-secret-1234' });
    second = await startBigBlueButtonSimulator({ secret: 'bbb-second-secret-5678' });
    const env = { ALLOWED_PRIVATE_UPSTREAM_HOSTS: '127.0.0.1', CALLS_PER_MINUTE: '0' };
    a = await startApp({ db, env });
    b = await startApp({ databaseUrl: a.databaseUrl, env });
  });
  afterAll(async () => {
    await b.close();
    await a.close();
    await Promise.all([first.close(), second.close()]);
  });
  const availableOnB = async (): Promise<string[]> =>
    (await api(b, 'GET', '/api/v1/orgs/acme/settings', { token: member(b) })).body[
      'available_video_chat_providers'
    ] as string[];
  const joinOnB = async (): Promise<string> => {
    const link = new URL(String((await api(b, 'POST', '/api/v1/calls', { token: member(b), body: {} })).body['url']));
    const response = await fetch(`${b.url}${link.pathname}${link.search}`, {
      headers: { cookie: `callgate_session=${member(b)}` },
      redirect: 'manual',
    });
    return response.headers.get('location') ?? '';
  };

  test('when credentials change on one replica, then the other uses the new set without a restart', async () => {
    // B reads (and caches) acme's settings first: BBB is not available there.
    expect(await availableOnB()).not.toContain('big_blue_button');
    const put = await api(a, 'PUT', credentials('big_blue_button'), {
      token: owner(a),
      body: { url: first.url, secret: 'bbb-first-secret-1234' },
    });
    expect(put.status).toBe(200);
    expect(await eventually(async () => (await availableOnB()).includes('big_blue_button'))).toBe(true);
    await api(b, 'PATCH', '/api/v1/orgs/acme/settings', {
      token: owner(b),
      body: { video_chat_provider: 'big_blue_button' },
    });
    expect((await joinOnB()).startsWith(`${first.url}api/join?`)).toBe(true);

    await api(a, 'PUT', credentials('big_blue_button'), {
      token: owner(a),
      body: { url: second.url, secret: 'bbb-second-secret-5678' },
    });
    expect(await eventually(async () => (await joinOnB()).startsWith(`${second.url}api/join?`))).toBe(true);

    await api(a, 'DELETE', credentials('big_blue_button'), { token: owner(a) });
    expect(await eventually(async () => !(await availableOnB()).includes('big_blue_button'))).toBe(true);
    const call = await api(b, 'POST', '/api/v1/calls', { token: member(b), body: {} });
    expect(call.body).toMatchObject({ code: 'PROVIDER_NOT_CONFIGURED' });
  });
});

describe('organization credentials turned off (ORG_CREDENTIALS=off)', () => {
  let app: TestApp;
  let bbb: RunningBigBlueButtonSimulator;
  beforeAll(async () => {
    bbb = await startBigBlueButtonSimulator({ secret: 'bbb-org-secret-0000' });
    app = await startApp({ env: { ORG_CREDENTIALS: 'off' } });
  });
  afterAll(async () => {
    await app.close();
    await bbb.close();
  });

  test('when the feature is off, then its routes are not served or documented, and stored sets are not used', async () => {
    const put = await api(app, 'PUT', credentials('big_blue_button'), {
      token: owner(app),
      body: { url: bbb.url, secret: 'bbb-org-secret-0000' },
    });
    expect(put.status).toBe(404);
    const openapi = await api(app, 'GET', '/openapi.json');
    expect(Object.keys(openapi.body['paths'] as object).some((path) => path.includes('/credentials'))).toBe(false);
    // A set stored while the feature was on is left alone, not used.
    const cipher = createTokenCipher(app.config.tokenEncryption);
    const sealed = cipher.seal(
      JSON.stringify({ url: bbb.url, secret: 'bbb-org-secret-0000', checksum_algorithm: 'sha256' }),
      credentialsAssociatedData('acme', 'big_blue_button'),
    );
    await app.store.orgCredentials.save(
      { org: 'acme', provider: 'big_blue_button', ...sealed, updatedAt: 1, updatedByUserId: 'o', updatedByName: 'O' },
      { org: 'acme', actorUserId: 'o', actorName: 'O', action: 'credentials.update', changes: {} },
    );
    const settings = await api(app, 'GET', '/api/v1/orgs/acme/settings', { token: member(app) });
    expect(settings.body['available_video_chat_providers']).not.toContain('big_blue_button');
  });
});

describe('organization credentials: Jitsi token authentication', () => {
  let app: TestApp;
  const orgSecret = randomBytes(24).toString('hex');
  const keys = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  beforeAll(async () => {
    app = await startApp({ env: { JITSI_SERVER_URL: 'https://meet.example.org' } });
  });
  afterAll(async () => app.close());
  const callAndOpen = async (org: string): Promise<URL> => {
    const made = await api(app, 'POST', '/api/v1/calls', { token: member(app, org), body: {} });
    expect(made.status).toBe(200);
    const link = new URL(String(made.body['url']));
    expect(link.pathname).toBe('/calls/jitsi/join');
    const response = await fetch(`${app.url}${link.pathname}${link.search}`, {
      headers: { cookie: `callgate_session=${member(app, org)}` },
      redirect: 'manual',
    });
    return new URL(response.headers.get('location') ?? '');
  };

  test('when an org brings its own app id and secret, then its own Jitsi accepts the tokens; other orgs get plain rooms', async () => {
    await api(app, 'PATCH', '/api/v1/orgs/acme/settings', {
      token: owner(app),
      body: { jitsi_server_url: 'https://meet.acme.example' },
    });
    const put = await api(app, 'PUT', credentials('jitsi_meet'), {
      token: owner(app),
      body: { mode: 'jwt', app_id: 'acme-app', app_secret: orgSecret },
    });
    expect(put.status).toBe(200);
    expect(put.body['fields']).toEqual({ mode: 'jwt', app_id: 'acme-app' });
    const target = await callAndOpen('acme');
    expect(target.origin).toBe('https://meet.acme.example');
    const room = target.pathname.slice(1);
    const claims = verifyLikeProsody(
      target.searchParams.get('jwt') ?? '',
      {
        algorithm: 'HS256',
        key: orgSecret,
        acceptedIssuers: ['acme-app'],
        acceptedAudiences: ['jitsi'],
        nowSeconds: Math.floor(Date.now() / 1000),
      },
      `${room}@conference.meet.acme.example`,
    );
    expect(claims).toMatchObject({ iss: 'acme-app', room });
    const plain = await api(app, 'POST', '/api/v1/calls', { token: member(app, 'globex'), body: {} });
    expect(String(plain.body['url']).startsWith('https://meet.example.org/')).toBe(true);
  });

  test('when an org brings its own JaaS app, then its rooms are on its tenant with RS256 tokens of its key', async () => {
    const body = { mode: 'jaas', app_id: 'vpaas-magic-cookie-acme', key_id: 'k1', private_key: keys.privateKey };
    const bad = await api(app, 'PUT', credentials('jitsi_meet', 'initech'), {
      token: owner(app, 'initech'),
      body: { ...body, private_key: 'not a key' },
    });
    expect(bad.status).toBe(400);
    expect(String(bad.body['msg'])).toMatch(/^private_key: must be an RSA private key/);
    const put = await api(app, 'PUT', credentials('jitsi_meet', 'initech'), { token: owner(app, 'initech'), body });
    expect(put.body['fields']).toEqual({ mode: 'jaas', app_id: 'vpaas-magic-cookie-acme', key_id: 'k1' });
    expect(put.text).not.toContain(keys.privateKey.split('\n')[1] ?? 'missing');
    const target = await callAndOpen('initech');
    expect(`${target.origin}${target.pathname}`.startsWith('https://8x8.vc/vpaas-magic-cookie-acme/')).toBe(true);
    const room = target.pathname.split('/').pop() ?? '';
    const claims = verifyLikeProsody(
      target.searchParams.get('jwt') ?? '',
      {
        algorithm: 'RS256',
        key: keys.publicKey,
        acceptedIssuers: ['chat'],
        acceptedAudiences: ['jitsi'],
        domainVerification: { mucDomainBase: '8x8.vc' },
        nowSeconds: Math.floor(Date.now() / 1000),
      },
      `[vpaas-magic-cookie-acme]${room}@conference.8x8.vc`,
    );
    expect(claims).toMatchObject({ sub: 'vpaas-magic-cookie-acme' });
    const keyLine = keys.privateKey.split('\n')[1] ?? 'missing';
    expect(app.logs.filter((line) => line.includes(orgSecret) || line.includes(keyLine))).toEqual([]);
  });
});
