/**
 * A Zoom simulator: a real HTTP server speaking enough of Zoom's OAuth and REST API for
 * callgate's local mode and tests. OAuth and API are served from one base URL.
 *
 * - `GET|POST /oauth/authorize`: an "Allow" page (or auto-approval) redirecting with a code.
 * - `POST /oauth/token`: `authorization_code` (PKCE S256 checked), `refresh_token` (rotating,
 *   single-use: a reused one answers 400 `invalid_grant`, like Zoom), `account_credentials`.
 * - `POST /oauth/revoke`, `GET /v2/users/me`, `POST /v2/users/:userId/meetings`.
 * Every endpoint counts its requests and can be slowed down or made to fail on demand.
 */
import { createHash, randomBytes, randomInt } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Request, type Response, Router } from 'express';
import { escapeHtml, renderPage } from '../../web/html.js';
import { zoomWebhookSignature } from '../../providers/zoom/webhook.js';

/** The simulated endpoints, as counted. */
export type ZoomSimEndpoint = 'authorize' | 'token' | 'revoke' | 'me' | 'meetings';

/** A failure to inject into the next request(s) of an endpoint. */
export type ZoomSimFailure =
  | { kind: 'json'; status: number; body: unknown; headers?: Record<string, string> }
  | { kind: 'text'; status: number; body: string }
  | { kind: 'hang' }
  | { kind: 'reset' }
  | { kind: 'rate_limited'; retryAfter?: string }
  | { kind: 'invalid_token' }
  /** Wait, then answer normally (a slow Zoom: past the client's deadline, the work is still done). */
  | { kind: 'delay'; ms: number }
  /** 302 to `location`, or to the request's own URL (a redirect loop). */
  | { kind: 'redirect'; location?: string }
  /** Promise a JSON body, send its first bytes, then drop the connection. */
  | { kind: 'truncated'; status?: number }
  /**
   * Do the work (a refresh rotates the refresh token, a meeting is created) but never send
   * the answer: Zoom acted and the answer was lost on the way.
   */
  | { kind: 'answer_lost' };

/** A user of the simulated Zoom account. */
export interface ZoomSimUser {
  id: string;
  accountId: string;
  email: string;
}

/** Options of the simulator. */
export interface ZoomSimulatorOptions {
  clientId: string;
  clientSecret: string;
  /** The server-to-server account id; account_credentials is refused when unset. */
  accountId?: string;
  /** Secret of signed webhooks sent with `sendWebhook`. */
  webhookSecret?: string;
  /** Lifetime of issued access tokens. */
  accessTokenTtlSeconds?: number;
  /** Delay before answering any request. */
  delayMs?: number;
  /** Approve authorization requests without showing the page. */
  autoApprove?: boolean;
  /** Users of the account; the first one is who approves authorization requests. */
  users?: ZoomSimUser[];
  /**
   * The app's registered redirect URLs: like Zoom, any other `redirect_uri` is refused, so
   * the simulator cannot be used to bounce a browser (and a code) to an arbitrary site.
   * Unset accepts any, for tests whose callgate address is known only later.
   */
  redirectUris?: string[];
}

interface IssuedAccessToken {
  kind: 'user' | 'account';
  userId: string | null;
  expiresAt: number;
}

interface PendingCode {
  redirectUri: string;
  codeChallenge: string;
  user: ZoomSimUser;
  expiresAt: number;
}

/** A meeting the simulator created. */
export interface ZoomSimMeeting {
  id: number;
  userId: string;
  topic: string;
  settings: unknown;
  joinUrl: string;
}

/** The simulator's inspectable and controllable state. */
export interface ZoomSimState {
  /** Requests per endpoint, counted before delays and failures. */
  requests: Record<ZoomSimEndpoint, number>;
  /** Token requests per grant type. */
  grants: Record<string, number>;
  meetings: ZoomSimMeeting[];
  users: ZoomSimUser[];
  /** Tokens revoked through `/oauth/revoke`. */
  revoked: string[];
  /** Delay before answering, per request; change it at any time. */
  delayMs: number;
  /** Makes the next `times` requests of an endpoint fail. */
  fail(endpoint: ZoomSimEndpoint, failure: ZoomSimFailure, times?: number): void;
  /** Clears injected failures. */
  clearFailures(): void;
  /** Every refresh token currently valid. */
  validRefreshTokens(): string[];
  /** Every access token currently valid. */
  validAccessTokens(): string[];
  /** Makes every issued access token invalid (Zoom then answers 401 / code 124). */
  expireAccessTokens(): void;
  /** Makes every refresh token invalid, as when a user revokes the app in Zoom. */
  revokeRefreshTokens(): void;
  /** Resets counters. */
  resetCounters(): void;
}

/** A created simulator: mount `router` at the root of a server. */
export interface ZoomSimulator {
  router: Router;
  state: ZoomSimState;
  /** Signs and POSTs a webhook to `url`; `alter` changes the body after signing. */
  sendWebhook(
    url: string,
    body: unknown,
    options?: { timestampSeconds?: number; secret?: string; alter?: (raw: string) => string; omitSignature?: boolean },
  ): Promise<{ status: number; body: unknown }>;
}

const token = (prefix: string): string => `${prefix}_${randomBytes(24).toString('base64url')}`;

/** Creates the simulator's router and state. */
export function createZoomSimulator(options: ZoomSimulatorOptions): ZoomSimulator {
  const ttlMs = (options.accessTokenTtlSeconds ?? 3600) * 1000;
  const accessTokens = new Map<string, IssuedAccessToken>();
  const refreshTokens = new Map<string, { userId: string }>();
  const codes = new Map<string, PendingCode>();
  const failures = new Map<ZoomSimEndpoint, ZoomSimFailure[]>();
  const zeroCounts = (): Record<ZoomSimEndpoint, number> => ({ authorize: 0, token: 0, revoke: 0, me: 0, meetings: 0 });

  const state: ZoomSimState = {
    requests: zeroCounts(),
    grants: {},
    meetings: [],
    users: options.users ?? [{ id: 'zoom-user-1', accountId: 'zoom-account-1', email: 'ada@example.com' }],
    revoked: [],
    delayMs: options.delayMs ?? 0,
    fail(endpoint, failure, times = 1) {
      const list = failures.get(endpoint) ?? [];
      for (let i = 0; i < times; i += 1) list.push(failure);
      failures.set(endpoint, list);
    },
    clearFailures() {
      failures.clear();
    },
    validRefreshTokens() {
      return [...refreshTokens.keys()];
    },
    validAccessTokens() {
      return [...accessTokens.entries()].filter(([, t]) => t.expiresAt > Date.now()).map(([value]) => value);
    },
    expireAccessTokens() {
      accessTokens.clear();
    },
    revokeRefreshTokens() {
      refreshTokens.clear();
    },
    resetCounters() {
      state.requests = zeroCounts();
      state.grants = {};
    },
  };

  /** Counts, delays, and applies an injected failure; returns true when the request was answered. */
  const intercept = async (endpoint: ZoomSimEndpoint, req: Request, res: Response): Promise<boolean> => {
    state.requests[endpoint] += 1;
    if (state.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, state.delayMs));
    const failure = failures.get(endpoint)?.shift();
    if (!failure) return false;
    switch (failure.kind) {
      case 'delay':
        await new Promise((resolve) => setTimeout(resolve, failure.ms));
        return false;
      case 'answer_lost':
        // The handler runs, but whatever it answers goes nowhere; the connection stays open.
        res.json = () => res;
        res.send = () => res;
        return false;
      case 'redirect':
        res.redirect(302, failure.location ?? `${req.protocol}://${req.get('host') ?? 'localhost'}${req.originalUrl}`);
        break;
      case 'truncated': {
        const body = '{"access_token":"sim_at_truncated","join_url":"https://';
        res.writeHead(failure.status ?? 200, { 'content-type': 'application/json', 'content-length': '512' });
        res.write(body);
        setImmediate(() => req.socket.destroy());
        break;
      }
      case 'json':
        res
          .status(failure.status)
          .set(failure.headers ?? {})
          .json(failure.body);
        break;
      case 'text':
        res.status(failure.status).type('html').send(failure.body);
        break;
      case 'hang':
        // Never answered; the client's deadline (or the server's close) ends it.
        break;
      case 'reset':
        req.socket.destroy();
        break;
      case 'rate_limited':
        if (failure.retryAfter !== undefined) res.set('Retry-After', failure.retryAfter);
        res
          .status(429)
          .json({ code: 429, message: 'You have reached the maximum per-second rate limit for this API.' });
        break;
      case 'invalid_token':
        res.status(401).json({ code: 124, message: 'Invalid access token.' });
        break;
    }
    return true;
  };

  const clientAuthenticated = (req: Request): boolean => {
    const match = /^Basic\s+(\S+)$/i.exec(req.get('authorization') ?? '');
    if (!match?.[1]) return false;
    const decoded = Buffer.from(match[1], 'base64').toString('utf8');
    const index = decoded.indexOf(':');
    // RFC 6749 §2.3.1: both parts are form-urlencoded before Basic encoding.
    const id = decodeURIComponent(decoded.slice(0, index).replace(/\+/g, ' '));
    const secret = decodeURIComponent(decoded.slice(index + 1).replace(/\+/g, ' '));
    return index > 0 && id === options.clientId && secret === options.clientSecret;
  };

  const issue = (kind: IssuedAccessToken['kind'], user: ZoomSimUser | null): Record<string, unknown> => {
    const access = token('sim_at');
    accessTokens.set(access, { kind, userId: user?.id ?? null, expiresAt: Date.now() + ttlMs });
    const body: Record<string, unknown> = {
      access_token: access,
      token_type: 'bearer',
      expires_in: ttlMs / 1000,
      scope: kind === 'account' ? 'meeting:write:admin user:read:admin' : 'meeting:write user:read',
    };
    if (user) {
      const refresh = token('sim_rt');
      refreshTokens.set(refresh, { userId: user.id });
      body['refresh_token'] = refresh;
    }
    return body;
  };

  const bearer = (req: Request): IssuedAccessToken | null => {
    const match = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '');
    const issued = match?.[1] ? accessTokens.get(match[1]) : undefined;
    return issued && issued.expiresAt > Date.now() ? issued : null;
  };

  const param = (req: Request, name: string): string | undefined => {
    const fromBody = (req.body as Record<string, unknown> | undefined)?.[name];
    if (typeof fromBody === 'string') return fromBody;
    const fromQuery = req.query[name];
    return typeof fromQuery === 'string' ? fromQuery : undefined;
  };

  const router = Router();
  router.use(express.urlencoded({ extended: false, limit: '16kb' }));
  router.use(express.json({ limit: '64kb' }));

  const authorize = async (req: Request, res: Response, approved: boolean | null): Promise<void> => {
    if (await intercept('authorize', req, res)) return;
    const clientId = param(req, 'client_id');
    const redirectUri = param(req, 'redirect_uri');
    const challenge = param(req, 'code_challenge');
    const stateParam = param(req, 'state') ?? '';
    const registered =
      !options.redirectUris || (redirectUri !== undefined && options.redirectUris.includes(redirectUri));
    if (
      clientId !== options.clientId ||
      !redirectUri ||
      !registered ||
      !challenge ||
      param(req, 'code_challenge_method') !== 'S256'
    ) {
      res
        .status(400)
        .type('html')
        .send(
          renderPage({ title: 'Invalid request', paragraphs: ['Invalid client_id, redirect_uri or PKCE parameters.'] }),
        );
      return;
    }
    const target = new URL(redirectUri);
    const user = state.users[0];
    if (approved === false || !user) {
      target.searchParams.set('error', 'access_denied');
      target.searchParams.set('state', stateParam);
      res.redirect(302, target.toString());
      return;
    }
    if (approved === null && !options.autoApprove && param(req, 'auto') !== '1') {
      const hidden = ['response_type', 'client_id', 'redirect_uri', 'state', 'code_challenge', 'code_challenge_method']
        .map((name) => `<input type="hidden" name="${name}" value="${escapeHtml(param(req, name) ?? '')}">`)
        .join('');
      res.type('html').send(
        renderPage({
          title: 'Zoom (simulated): allow callgate?',
          paragraphs: [`callgate would like to create meetings as ${user.email}.`],
          trustedHtml: `<form method="post" action="authorize">${hidden}<button name="decision" value="allow">Allow</button> <button name="decision" value="deny">Deny</button></form>`,
        }),
      );
      return;
    }
    const code = token('sim_code');
    codes.set(code, { redirectUri, codeChallenge: challenge, user, expiresAt: Date.now() + 5 * 60_000 });
    target.searchParams.set('code', code);
    target.searchParams.set('state', stateParam);
    res.redirect(302, target.toString());
  };
  router.get('/oauth/authorize', (req, res) => authorize(req, res, null));
  router.post('/oauth/authorize', (req, res) => authorize(req, res, param(req, 'decision') === 'allow'));

  router.post('/oauth/token', async (req, res) => {
    if (await intercept('token', req, res)) return;
    const grantType = param(req, 'grant_type') ?? '';
    state.grants[grantType] = (state.grants[grantType] ?? 0) + 1;
    if (!clientAuthenticated(req)) {
      res.status(401).json({ reason: 'Invalid client_id or client_secret', error: 'invalid_client' });
      return;
    }
    if (grantType === 'account_credentials') {
      if (!options.accountId || param(req, 'account_id') !== options.accountId) {
        res.status(400).json({ reason: 'Invalid account_id', error: 'invalid_request' });
        return;
      }
      res.json(issue('account', null));
      return;
    }
    if (grantType === 'authorization_code') {
      const code = codes.get(param(req, 'code') ?? '');
      codes.delete(param(req, 'code') ?? '');
      const verifier = param(req, 'code_verifier') ?? '';
      const challenge = createHash('sha256').update(verifier).digest('base64url');
      if (
        !code ||
        code.expiresAt < Date.now() ||
        code.redirectUri !== param(req, 'redirect_uri') ||
        code.codeChallenge !== challenge
      ) {
        res.status(400).json({ reason: 'Invalid authorization code', error: 'invalid_grant' });
        return;
      }
      res.json(issue('user', code.user));
      return;
    }
    if (grantType === 'refresh_token') {
      const presented = param(req, 'refresh_token') ?? '';
      const known = refreshTokens.get(presented);
      // Single-use: the presented token is spent whatever happens next.
      refreshTokens.delete(presented);
      const user = known ? state.users.find((candidate) => candidate.id === known.userId) : undefined;
      if (!user) {
        res.status(400).json({ reason: 'Invalid Token!', error: 'invalid_grant' });
        return;
      }
      res.json(issue('user', user));
      return;
    }
    res.status(400).json({ reason: 'Unsupported grant type', error: 'unsupported_grant_type' });
  });

  router.post('/oauth/revoke', async (req, res) => {
    if (await intercept('revoke', req, res)) return;
    if (!clientAuthenticated(req)) {
      res.status(401).json({ reason: 'Invalid client_id or client_secret', error: 'invalid_client' });
      return;
    }
    const presented = param(req, 'token') ?? '';
    const issued = accessTokens.get(presented);
    state.revoked.push(presented);
    accessTokens.delete(presented);
    refreshTokens.delete(presented);
    if (issued?.userId) {
      for (const [value, refresh] of refreshTokens) if (refresh.userId === issued.userId) refreshTokens.delete(value);
    }
    res.json({ status: 'success' });
  });

  router.get('/v2/users/me', async (req, res) => {
    if (await intercept('me', req, res)) return;
    const issued = bearer(req);
    const user = state.users.find((candidate) => candidate.id === issued?.userId);
    if (!issued || !user) {
      res.status(401).json({ code: 124, message: 'Invalid access token.' });
      return;
    }
    res.json({ id: user.id, account_id: user.accountId, email: user.email, type: 2 });
  });

  router.post('/v2/users/:userId/meetings', async (req, res) => {
    if (await intercept('meetings', req, res)) return;
    const issued = bearer(req);
    if (!issued) {
      res.status(401).json({ code: 124, message: 'Invalid access token.' });
      return;
    }
    const target = String(req.params['userId']);
    const user =
      target === 'me'
        ? state.users.find((candidate) => candidate.id === issued.userId)
        : issued.kind === 'account'
          ? state.users.find((candidate) => candidate.email === target || candidate.id === target)
          : undefined;
    if (!user) {
      res.status(404).json({ code: 1001, message: `User does not exist: ${target}.` });
      return;
    }
    const body = req.body as { topic?: unknown; settings?: unknown };
    const id = randomInt(10_000_000_000, 99_999_999_999);
    const password = randomBytes(4).toString('hex');
    // baseUrl keeps the mount path, so links work when mounted under /_simulators/zoom.
    const base = `${req.protocol}://${req.get('host') ?? 'localhost'}${req.baseUrl}`;
    const meeting: ZoomSimMeeting = {
      id,
      userId: user.id,
      topic: typeof body.topic === 'string' ? body.topic : '',
      settings: body.settings,
      joinUrl: `${base}/j/${id}?pwd=${password}`,
    };
    state.meetings.push(meeting);
    res.status(201).json({
      id,
      host_id: user.id,
      topic: meeting.topic,
      type: 2,
      join_url: meeting.joinUrl,
      start_url: `${base}/s/${id}?zak=${token('zak')}`,
      password,
      settings: meeting.settings,
    });
  });

  router.get('/j/:id', (req, res) => {
    res.type('html').send(
      renderPage({
        title: `Zoom meeting ${String(req.params['id'])} (simulated)`,
        paragraphs: ['This is where the Zoom meeting would open.'],
      }),
    );
  });

  return {
    router,
    state,
    async sendWebhook(url, body, webhookOptions = {}) {
      const secret = webhookOptions.secret ?? options.webhookSecret ?? '';
      const timestamp = String(webhookOptions.timestampSeconds ?? Math.floor(Date.now() / 1000));
      const signed = JSON.stringify(body);
      const sent = webhookOptions.alter ? webhookOptions.alter(signed) : signed;
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        'x-zm-request-timestamp': timestamp,
      };
      if (!webhookOptions.omitSignature) headers['x-zm-signature'] = zoomWebhookSignature(secret, timestamp, signed);
      const response = await fetch(url, { method: 'POST', headers, body: sent });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // Not JSON: keep the text.
      }
      return { status: response.status, body: parsed };
    },
  };
}

/** A simulator listening on 127.0.0.1. */
export interface RunningZoomSimulator {
  /** Base URL for both VIDEO_ZOOM_API_URL and VIDEO_ZOOM_OAUTH_URL. */
  url: string;
  sim: ZoomSimulator;
  close(): Promise<void>;
}

/** Starts the simulator on 127.0.0.1 (port 0 unless given). */
export async function startZoomSimulator(
  options: ZoomSimulatorOptions & { port?: number },
): Promise<RunningZoomSimulator> {
  const sim = createZoomSimulator(options);
  const app = express();
  app.disable('x-powered-by');
  app.use(sim.router);
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(options.port ?? 0, '127.0.0.1', () => resolve(listening));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    sim,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
