/**
 * A made-up provider, test-only: "Acme Video", a per-user OAuth provider written as a
 * provider module exactly as a real one would be, plus its fake upstream on 127.0.0.1.
 * test/providerModule.test.ts adds it to the module list and checks that the core serves it
 * with no other change.
 */
import { createHash, randomBytes } from 'node:crypto';
import express from 'express';
import { z } from 'zod';
import { optionalSecret, optionalSetting, urlSetting } from '../../src/config/fields.js';
import { CallgateError } from '../../src/errors.js';
import { callerOf, defineRoute } from '../../src/http/route.js';
import { upstreamRequest } from '../../src/http/upstream.js';
import { listenOnLoopback } from '../../src/local/simulators/loopback.js';
import { defineProviderModule, type OAuthSpec, type Provider } from '../../src/providers/module.js';

/** The fake upstream's client credentials. */
export const ACME_CLIENT = { id: 'acme-client', secret: 'acme-client-secret-0123456789' };

const settingsSchema = z
  .object({
    env: z.object({ VIDEO_ACME_CLIENT_ID: optionalSetting(), VIDEO_ACME_URL: urlSetting() }),
    secrets: z.object({ video_acme_client_secret: optionalSecret() }),
  })
  .transform(({ env, secrets }) => ({
    clientId: env.VIDEO_ACME_CLIENT_ID,
    clientSecret: secrets.video_acme_client_secret,
    url: env.VIDEO_ACME_URL?.replace(/\/+$/, '') ?? null,
  }));

const meetingAnswer = z.object({ id: z.string(), join_url: z.string() });

/** The Acme Video module. */
export const acmeVideoModule = defineProviderModule({
  key: 'acmeVideo',
  ids: ['acme_video'],
  secretNames: ['video_acme_client_secret'],
  settings: settingsSchema,
  create(settings, core) {
    const base = settings.url ?? 'https://acme.invalid';
    const configured = Boolean(settings.clientId && settings.clientSecret && settings.url);
    const oauth: OAuthSpec = {
      providerId: 'acme_video',
      path: 'acme',
      displayName: 'Acme Video',
      authorizeUrl: `${base}/authorize`,
      tokenUrl: `${base}/token`,
      clientId: configured ? settings.clientId : null,
      clientSecret: configured ? settings.clientSecret : null,
      clientAuth: 'client_secret_post',
      scope: 'meetings:write',
    };
    const tokens = core.userTokens(oauth);
    const createMeeting = async (accessToken: string, name: string): Promise<{ status: number; body: string }> =>
      upstreamRequest({
        method: 'POST',
        url: `${base}/meetings`,
        headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
        data: JSON.stringify({ title: name }),
        timeoutMs: core.upstreamTimeoutMs,
        maxBytes: 64 * 1024,
      });
    const provider: Provider = {
      id: 'acme_video',
      name: 'Acme Video',
      capabilities: { voiceOnly: false, requiresUserAuthorization: true },
      oauth,
      availability: () =>
        configured
          ? { available: true }
          : { available: false, reason: 'Acme Video credentials have not been configured' },
      async createCall(request) {
        const token = await tokens.accessToken(request.identity);
        let answer = await createMeeting(token, request.meetingName);
        if (answer.status === 401) {
          answer = await createMeeting(
            await tokens.refreshAfterRejection(request.identity, token),
            request.meetingName,
          );
        }
        const meeting = meetingAnswer.safeParse(JSON.parse(answer.body));
        if (answer.status !== 201 || !meeting.success) {
          throw new CallgateError('PROVIDER_ERROR', 'Failed to create Acme Video call');
        }
        // The call's URL is a callgate link: the module's own route below redirects to Acme.
        return { url: `${core.publicUrl}/calls/acme/meetings/${encodeURIComponent(meeting.data.id)}` };
      },
    };
    const meetings = defineRoute({
      method: 'get',
      path: '/calls/acme/meetings/{id}',
      summary: 'Open an Acme Video meeting',
      auth: 'session',
      params: z.object({ id: z.string().regex(/^m-[a-z0-9]+$/) }),
      success: { status: 302, description: "Redirect to Acme Video's meeting page" },
      errors: [400, 401],
      handle: (request) => {
        callerOf(request);
        return { kind: 'redirect', location: `${base}/m/${request.params.id}` };
      },
    });
    return { providers: [provider], routes: [meetings] };
  },
});

/** The fake Acme Video server: OAuth (authorization code with PKCE S256, refresh, client_secret_post) and meetings. */
export async function startAcmeUpstream(): Promise<{ url: string; meetings: string[]; close(): Promise<void> }> {
  const codes = new Map<string, { challenge: string; redirectUri: string }>();
  const accessTokens = new Set<string>();
  const meetings: string[] = [];
  const app = express();
  app.use(express.urlencoded({ extended: false }));
  app.use(express.json());
  app.get('/authorize', (req, res) => {
    const query = req.query as Record<string, string>;
    if (query['client_id'] !== ACME_CLIENT.id || query['code_challenge_method'] !== 'S256' || !query['redirect_uri']) {
      res.status(400).send('bad authorize request');
      return;
    }
    const code = randomBytes(12).toString('hex');
    codes.set(code, { challenge: query['code_challenge'] ?? '', redirectUri: query['redirect_uri'] });
    const target = new URL(query['redirect_uri']);
    target.searchParams.set('code', code);
    target.searchParams.set('state', query['state'] ?? '');
    res.redirect(302, target.toString());
  });
  app.post('/token', (req, res) => {
    const form = req.body as Record<string, string>;
    if (form['client_id'] !== ACME_CLIENT.id || form['client_secret'] !== ACME_CLIENT.secret) {
      res.status(401).json({ error: 'invalid_client' });
      return;
    }
    if (form['grant_type'] === 'authorization_code') {
      const pending = codes.get(form['code'] ?? '');
      codes.delete(form['code'] ?? '');
      const challenge = createHash('sha256')
        .update(form['code_verifier'] ?? '')
        .digest('base64url');
      if (!pending || pending.challenge !== challenge || pending.redirectUri !== form['redirect_uri']) {
        res.status(400).json({ error: 'invalid_grant' });
        return;
      }
    } else if (form['grant_type'] !== 'refresh_token') {
      res.status(400).json({ error: 'invalid_grant' });
      return;
    }
    const access = `acme_at_${randomBytes(12).toString('hex')}`;
    accessTokens.add(access);
    res.json({ access_token: access, token_type: 'Bearer', expires_in: 3600, refresh_token: `acme_rt_${access}` });
  });
  app.post('/meetings', (req, res) => {
    const token = /^Bearer (\S+)$/.exec(req.get('authorization') ?? '')?.[1] ?? '';
    if (!accessTokens.has(token)) {
      res.status(401).json({ error: 'invalid_token' });
      return;
    }
    const id = `m-${randomBytes(6).toString('hex')}`;
    meetings.push(id);
    res.status(201).json({ id, join_url: `https://acme.invalid/m/${id}` });
  });
  app.use((req, res) => {
    res.status(404).send(`Acme upstream: no route for ${req.method} ${req.path}`);
  });
  const server = await listenOnLoopback(app);
  return { url: server.origin, meetings, close: () => server.close() };
}
