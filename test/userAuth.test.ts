/**
 * The generic per-user authorization service with a made-up provider ("Acme Video"): what
 * Zoom's tests do not cover — client_secret_post, scope and extra authorize parameters, a
 * popup message named after the provider, refresh answers without a refresh token, the
 * `provider` field of PROVIDER_AUTHORIZATION_REQUIRED, revocation on disconnect, sign-in
 * errors mapped to words — against a fake OAuth server on 127.0.0.1.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Identity } from '../src/auth/identity.js';
import { z } from 'zod';
import { defineProviderModule } from '../src/providers/module.js';
import { PROVIDER_MODULES } from '../src/providers/modules.js';
import type { Provider } from '../src/providers/types.js';
import type { OAuthSpec, UserTokens } from '../src/userAuth/types.js';
import { api, startApp, type TestApp } from './support/app.js';
import { databaseKinds } from './support/databases.js';
import { browse } from './support/zoom.js';

const kinds = await databaseKinds();
const CLIENT = { id: 'acme-client', secret: `acme-secret-${randomBytes(8).toString('hex')}` };

/** A fake OAuth server: authorize (auto-approves), token (code + refresh), revoke. */
class FakeOAuthServer {
  server: Server = createServer((req, res) => void this.handle(req, res));
  url = '';
  codes = new Map<string, { challenge: string; redirectUri: string }>();
  refreshTokens = new Set<string>();
  accessTokens = new Set<string>();
  revoked: string[] = [];
  tokenRequests: Array<Record<string, string>> = [];
  authorizeQueries: URLSearchParams[] = [];
  /** When true, refresh answers carry no refresh_token. */
  omitRefreshToken = false;
  seq = 0;

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    if (url.pathname === '/authorize') {
      this.authorizeQueries.push(url.searchParams);
      const code = `code-${(this.seq += 1)}`;
      this.codes.set(code, {
        challenge: url.searchParams.get('code_challenge') ?? '',
        redirectUri: url.searchParams.get('redirect_uri') ?? '',
      });
      const back = new URL(url.searchParams.get('redirect_uri') ?? '');
      back.searchParams.set('code', code);
      back.searchParams.set('state', url.searchParams.get('state') ?? '');
      res.writeHead(302, { location: back.toString() }).end();
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const form = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
    const json = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    // client_secret_post: the credentials are in the form, never in an Authorization header.
    if (req.headers.authorization || form['client_id'] !== CLIENT.id || form['client_secret'] !== CLIENT.secret) {
      json(401, { error: 'invalid_client' });
      return;
    }
    if (url.pathname === '/revoke') {
      this.revoked.push(form['token'] ?? '');
      res.writeHead(200).end();
      return;
    }
    this.tokenRequests.push(form);
    const issue = (withRefresh: boolean): void => {
      const access = `acme_at_${(this.seq += 1)}`;
      this.accessTokens.add(access);
      const body: Record<string, unknown> = { access_token: access, token_type: 'Bearer', expires_in: 3600 };
      if (withRefresh) {
        const refresh = `acme_rt_${this.seq}`;
        this.refreshTokens.add(refresh);
        body['refresh_token'] = refresh;
      }
      json(200, body);
    };
    if (form['grant_type'] === 'authorization_code') {
      const code = this.codes.get(form['code'] ?? '');
      this.codes.delete(form['code'] ?? '');
      const challenge = createHash('sha256')
        .update(form['code_verifier'] ?? '')
        .digest('base64url');
      if (!code || code.challenge !== challenge || code.redirectUri !== form['redirect_uri']) {
        json(400, { error: 'invalid_grant' });
        return;
      }
      issue(true);
      return;
    }
    if (form['grant_type'] === 'refresh_token') {
      if (!this.refreshTokens.has(form['refresh_token'] ?? '')) {
        json(400, { error: 'invalid_grant' });
        return;
      }
      if (!this.omitRefreshToken) this.refreshTokens.delete(form['refresh_token'] ?? '');
      issue(!this.omitRefreshToken);
      return;
    }
    json(400, { error: 'unsupported_grant_type' });
  }
}

describe.each(kinds)('per-user authorization of any OAuth provider (%s)', (db) => {
  const oauth = new FakeOAuthServer();
  let app: TestApp;
  let handle: UserTokens;
  let clock = Date.now();
  let seq = 0;
  const newUser = (): { token: string; identity: Identity } => {
    const userId = `a${(seq += 1)}`;
    const token = app.token({ userId, ttlSeconds: 30 * 86_400 });
    return { token, identity: { userId, org: 'acme', name: 'A', email: 'a@example.com', role: 'member', exp: 0 } };
  };
  const connect = async (token: string): Promise<{ status: number; text: string }> => {
    const register = await browse(`${app.url}/calls/acme_video/register`, token);
    const approval = await browse(register.location ?? '');
    return browse(approval.location ?? '', token);
  };

  beforeAll(async () => {
    await oauth.start();
    const spec: OAuthSpec = {
      providerId: 'acme_video',
      path: 'acme_video',
      displayName: 'Acme Video',
      authorizeUrl: `${oauth.url}/authorize`,
      tokenUrl: `${oauth.url}/token`,
      revokeUrl: `${oauth.url}/revoke`,
      clientId: CLIENT.id,
      clientSecret: CLIENT.secret,
      clientAuth: 'client_secret_post',
      scope: 'meetings:write offline_access',
      extraAuthorizeParams: { access_type: 'offline', prompt: 'consent' },
      describeAuthorizeError: (error) =>
        error === 'personal_account' ? 'Personal Acme accounts cannot create meetings' : null,
    };
    const module = defineProviderModule({
      key: 'acme_test',
      ids: ['acme_video', 'other_video'],
      secretNames: [],
      settings: z.object({}).transform(() => ({})),
      create(_settings, core) {
        handle = core.userTokens(spec);
        const other = { ...spec, providerId: 'other_video', path: 'other_video', displayName: 'Other Video' };
        const provider = (oauthSpec: OAuthSpec, tokens: UserTokens): Provider => ({
          id: oauthSpec.providerId,
          name: oauthSpec.displayName,
          capabilities: { voiceOnly: false, requiresUserAuthorization: true },
          oauth: oauthSpec,
          availability: () => ({ available: true }),
          async createCall({ identity }) {
            return { url: `https://video.example/${await tokens.accessToken(identity)}` };
          },
        });
        return { providers: [provider(spec, handle), provider(other, core.userTokens(other))] };
      },
    });
    app = await startApp({
      db,
      now: () => clock,
      env: { HOST_ORIGIN: 'https://chat.example.com' },
      modules: [...PROVIDER_MODULES, module],
    });
  });
  afterAll(async () => {
    await app?.close();
    await oauth.close();
  });
  beforeEach(() => {
    oauth.omitRefreshToken = false;
  });

  test('when register is visited, then the authorize URL carries scope, extra parameters and PKCE S256, and no secret', async () => {
    const { token } = newUser();
    const register = await browse(`${app.url}/calls/acme_video/register`, token);
    expect(register.status).toBe(302);
    const q = new URL(register.location ?? '').searchParams;
    expect(Object.fromEntries(q)).toMatchObject({
      response_type: 'code',
      client_id: CLIENT.id,
      redirect_uri: `${app.url}/calls/acme_video/complete`,
      scope: 'meetings:write offline_access',
      access_type: 'offline',
      prompt: 'consent',
      code_challenge_method: 'S256',
    });
    expect(q.get('state')).toMatch(/^[A-Za-z0-9_-]{32,}$/);
    expect(register.location).not.toContain(CLIENT.secret);
  });

  test('when the flow completes, then the popup says acme_video_token and the handle gives the access token', async () => {
    const { token, identity } = newUser();
    const page = await connect(token);
    expect(page.status).toBe(200);
    expect(page.text).toContain('type: "acme_video_token", value: true');
    expect(page.text).toContain('Acme Video connected');
    const access = await handle.accessToken(identity);
    expect(oauth.accessTokens.has(access)).toBe(true);
    expect(oauth.tokenRequests.at(-1)).toMatchObject({ grant_type: 'authorization_code', client_id: CLIENT.id });
    const me = await api(app, 'GET', '/api/v1/me', { token });
    expect(me.body['connections']).toMatchObject({ acme_video: { connected: true } });
    // The org picks the made-up provider; its createCall gets the stored token from the handle.
    const admin = app.token({ role: 'admin', userId: 'admin-1' });
    const patched = await api(app, 'PATCH', '/api/v1/orgs/acme/settings', {
      token: admin,
      body: { video_chat_provider: 'acme_video' },
    });
    expect(patched.status).toBe(200);
    const call = await api(app, 'POST', '/api/v1/calls', { token, body: {} });
    expect(call.body).toMatchObject({ provider: 'acme_video', url: `https://video.example/${access}` });
  });

  test('when a refresh answer has no refresh token, then the old one is kept and works again', async () => {
    const { token, identity } = newUser();
    await connect(token);
    const first = await handle.accessToken(identity);
    oauth.omitRefreshToken = true;
    const second = await handle.refreshAfterRejection(identity, first);
    expect(second).not.toBe(first);
    const third = await handle.refreshAfterRejection(identity, second);
    expect(third).not.toBe(second);
    expect(oauth.accessTokens.has(third)).toBe(true);
  });

  test('when the access token expires, then one refresh serves many concurrent callers', async () => {
    const { token, identity } = newUser();
    await connect(token);
    const before = oauth.tokenRequests.length;
    clock += 2 * 3600_000;
    try {
      const tokens = await Promise.all(Array.from({ length: 10 }, () => handle.accessToken(identity)));
      expect(new Set(tokens).size).toBe(1);
      expect(oauth.tokenRequests.length - before).toBe(1);
    } finally {
      clock -= 2 * 3600_000;
    }
  });

  test('when the refresh token is refused, then the row is deleted and the 403 names the provider and its authorize URL', async () => {
    const { token, identity } = newUser();
    await connect(token);
    const current = await handle.accessToken(identity);
    oauth.refreshTokens.clear();
    // A rejection of some other (older) token does not refresh: the stored one is fresh.
    expect(await handle.refreshAfterRejection(identity, 'older')).toBe(current);
    const error = await handle.refreshAfterRejection(identity, current).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'PROVIDER_AUTHORIZATION_REQUIRED',
      message: 'You need to connect your Acme Video account first',
      fields: { authorize_url: `${app.url}/calls/acme_video/register`, provider: 'acme_video' },
    });
    expect(await app.store.userTokens.get('acme_video', 'acme', identity.userId)).toBeNull();
    const me = await api(app, 'GET', '/api/v1/me', { token });
    expect(me.body['connections']).toMatchObject({ acme_video: { connected: false, expires_at: null } });
  });

  test('when a user disconnects, then the token is revoked at the provider and deleted', async () => {
    const { token, identity } = newUser();
    await connect(token);
    const access = await handle.accessToken(identity);
    const res = await api(app, 'DELETE', '/api/v1/me/connections/acme_video', { token });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ disconnected: true });
    expect(oauth.revoked).toContain(access);
    expect(await app.store.userTokens.get('acme_video', 'acme', identity.userId)).toBeNull();
    expect((await api(app, 'DELETE', '/api/v1/me/connections/acme_video', { token })).body).toMatchObject({
      disconnected: false,
    });
    expect((await api(app, 'DELETE', '/api/v1/me/connections/nothing_here', { token })).status).toBe(404);
  });

  test('when the sign-in comes back with an error, then the page explains it in the provider words and changes nothing', async () => {
    const { token, identity } = newUser();
    const register = await browse(`${app.url}/calls/acme_video/register`, token);
    const state = new URL(register.location ?? '').searchParams.get('state') ?? '';
    const personal = await browse(`${app.url}/calls/acme_video/complete?error=personal_account&state=${state}`, token);
    expect(personal.status).toBe(400);
    expect(personal.text).toContain('Personal Acme accounts cannot create meetings');
    expect(personal.text).toContain('type: "acme_video_token", value: false');
    const declined = await browse(`${app.url}/calls/acme_video/complete?error=access_denied`, token);
    expect(declined.text).toContain('Acme Video did not authorize callgate (the request was declined)');
    expect(await app.store.userTokens.get('acme_video', 'acme', identity.userId)).toBeNull();
  });

  test("when a state issued for one provider is presented to another's complete, then it is refused and used up", async () => {
    const { token, identity } = newUser();
    const register = await browse(`${app.url}/calls/acme_video/register`, token);
    const approval = await browse(register.location ?? '');
    const wrong = (approval.location ?? '').replace('/calls/acme_video/complete', '/calls/other_video/complete');
    const res = await browse(wrong, token);
    expect(res.status).toBe(400);
    expect(res.text).toContain('Invalid Other Video session identifier');
    expect(res.text).toContain('type: "other_video_token", value: false');
    expect(await app.store.userTokens.get('other_video', 'acme', identity.userId)).toBeNull();
    // Taken by the failed attempt: the right provider no longer accepts it either.
    expect((await browse(approval.location ?? '', token)).status).toBe(400);
  });
});
