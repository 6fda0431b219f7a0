import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createHash } from 'node:crypto';
import express, { Router } from 'express';
import { createOAuthSimulator, type OAuthSimulator } from './oauthSimulator.js';
import { serveOnLoopback, type LoopbackServer } from './simulatorFaults.js';

const CLIENT = { clientId: 'client-1', clientSecret: 'secret-1' };
const REDIRECT = 'https://callgate.example/calls/x/complete';
const VERIFIER = 'v'.repeat(43);

/** The simulated authorization server must refuse what a wrong client would send, or the provider tests prove nothing. */
describe.each([false, true])('simulated OAuth server (rotating refresh tokens: %s)', (rotate) => {
  let oauth: OAuthSimulator;
  let server: LoopbackServer;
  beforeAll(async () => {
    oauth = createOAuthSimulator({
      ...CLIENT,
      title: 'Test',
      purpose: 'test',
      users: [{ id: 'u1', email: 'u1@example.com' }],
      scope: 'meetings',
      rotateRefreshTokens: rotate,
      autoApprove: true,
      oauthError: (error, status) => ({ status, body: { error } }),
    });
    const router = Router();
    router.use(express.urlencoded({ extended: false }));
    router.get('/authorize', (req, res) => oauth.authorizePage(req, res));
    router.post('/token', (req, res) => oauth.token(req, res));
    server = await serveOnLoopback(router);
  });
  afterAll(async () => {
    await server.close();
  });

  const code = async (): Promise<string> => {
    const url = new URL(`${server.url}/authorize`);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: CLIENT.clientId,
      redirect_uri: REDIRECT,
      state: 's',
      code_challenge: createHash('sha256').update(VERIFIER).digest('base64url'),
      code_challenge_method: 'S256',
    }).toString();
    const answer = await fetch(url, { redirect: 'manual' });
    return new URL(answer.headers.get('location') ?? 'x:').searchParams.get('code') ?? '';
  };
  const token = async (form: Record<string, string>, headers: Record<string, string> = {}) => {
    const answer = await fetch(`${server.url}/token`, { method: 'POST', headers, body: new URLSearchParams(form) });
    return { status: answer.status, body: (await answer.json()) as Record<string, unknown> };
  };
  const exchange = (extra: Record<string, string>) =>
    token({
      grant_type: 'authorization_code',
      redirect_uri: REDIRECT,
      code_verifier: VERIFIER,
      ...CLIENT_POST,
      ...extra,
    });
  const CLIENT_POST = { client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret };

  test('when the client authenticates with HTTP Basic, or not at all, or with a wrong secret, then invalid_client', async () => {
    const basic = `Basic ${Buffer.from(`${CLIENT.clientId}:${CLIENT.clientSecret}`).toString('base64')}`;
    const form = {
      grant_type: 'authorization_code',
      code: await code(),
      redirect_uri: REDIRECT,
      code_verifier: VERIFIER,
    };
    expect(await token({ ...form, client_id: CLIENT.clientId }, { authorization: basic })).toEqual({
      status: 401,
      body: { error: 'invalid_client' },
    });
    expect((await token({ ...form, client_id: CLIENT.clientId })).status).toBe(401);
    expect((await token({ ...form, ...CLIENT_POST, client_secret: 'wrong' })).status).toBe(401);
  });

  test('when the PKCE verifier or the redirect URI does not match, or the code is reused, then invalid_grant', async () => {
    expect(await exchange({ code: await code(), code_verifier: 'w'.repeat(43) })).toEqual({
      status: 400,
      body: { error: 'invalid_grant' },
    });
    expect((await exchange({ code: await code(), redirect_uri: 'https://elsewhere.example/' })).status).toBe(400);
    const once = await code();
    expect((await exchange({ code: once })).status).toBe(200);
    expect((await exchange({ code: once })).status).toBe(400);
  });

  test(`when a refresh token is used twice, then ${rotate ? 'the second use is refused (rotation)' : 'both work and no new one is sent'}`, async () => {
    const first = await exchange({ code: await code() });
    const refresh = String(first.body['refresh_token']);
    const again = await token({ grant_type: 'refresh_token', refresh_token: refresh, ...CLIENT_POST });
    expect(again.status).toBe(200);
    expect('refresh_token' in again.body).toBe(rotate);
    const twice = await token({ grant_type: 'refresh_token', refresh_token: refresh, ...CLIENT_POST });
    expect(twice.status).toBe(rotate ? 400 : 200);
  });
});
