/**
 * A Zoom simulator: a real HTTP server speaking enough of Zoom's OAuth and REST API for
 * callgate's local mode and tests. OAuth and API are served from one base URL (see
 * oauthRoutes.ts and apiRoutes.ts). Every endpoint counts its requests and can be slowed
 * down or made to fail on demand (the shared fault queue of `src/local/simulators/faults.ts`).
 */
import express, { Router, type Request, type Response } from 'express';
import { FaultQueue, sendTransportFault, sendTruncated, sleep } from '../../../local/simulators/faults.js';
import { listenOnLoopback } from '../../../local/simulators/loopback.js';
import { zoomWebhookSignature } from '../webhook.js';
import { addApiRoutes } from './apiRoutes.js';
import { token, type ZoomSimContext } from './context.js';
import { addOAuthRoutes } from './oauthRoutes.js';
import type {
  IssuedAccessToken,
  PendingCode,
  ZoomSimEndpoint,
  ZoomSimFailure,
  ZoomSimState,
  ZoomSimulator,
  ZoomSimulatorOptions,
} from './types.js';

/** Creates the simulator's router and state. */
export function createZoomSimulator(options: ZoomSimulatorOptions): ZoomSimulator {
  const ttlMs = (options.accessTokenTtlSeconds ?? 3600) * 1000;
  const accessTokens = new Map<string, IssuedAccessToken>();
  const refreshTokens = new Map<string, { userId: string }>();
  const codes = new Map<string, PendingCode>();
  const failures = new FaultQueue<ZoomSimFailure>();
  const zeroCounts = (): Record<ZoomSimEndpoint, number> => ({ authorize: 0, token: 0, revoke: 0, me: 0, meetings: 0 });

  const state: ZoomSimState = {
    requests: zeroCounts(),
    grants: {},
    meetings: [],
    users: options.users ?? [{ id: 'zoom-user-1', accountId: 'zoom-account-1', email: 'ada@example.com' }],
    revoked: [],
    delayMs: options.delayMs ?? 0,
    fail(endpoint, failure, times = 1) {
      failures.add(failure, { endpoint, times });
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

  const intercept = async (endpoint: ZoomSimEndpoint, req: Request, res: Response): Promise<boolean> => {
    state.requests[endpoint] += 1;
    if (state.delayMs > 0) await sleep(state.delayMs);
    const failure = failures.take(endpoint);
    if (!failure) return false;
    switch (failure.kind) {
      case 'delay':
        await sleep(failure.ms);
        return false;
      case 'answer_lost':
        // The handler runs, but whatever it answers goes nowhere; the connection stays open.
        res.json = () => res;
        res.send = () => res;
        return false;
      case 'hang':
      case 'reset':
      case 'redirect':
        sendTransportFault(req, res, failure);
        break;
      case 'truncated':
        sendTruncated(req, res, {
          status: failure.status ?? 200,
          contentType: 'application/json',
          start: '{"access_token":"sim_at_truncated","join_url":"https://',
        });
        break;
      case 'json':
        res
          .status(failure.status)
          .set(failure.headers ?? {})
          .json(failure.body);
        break;
      case 'text':
        res.status(failure.status).type('html').send(failure.body);
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

  const context: ZoomSimContext = {
    options,
    state,
    accessTokens,
    refreshTokens,
    codes,
    intercept,
    issue(kind, user) {
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
    },
    bearer(req) {
      const match = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '');
      const issued = match?.[1] ? accessTokens.get(match[1]) : undefined;
      return issued && issued.expiresAt > Date.now() ? issued : null;
    },
    param(req, name) {
      const fromBody = (req.body as Record<string, unknown> | undefined)?.[name];
      if (typeof fromBody === 'string') return fromBody;
      const fromQuery = req.query[name];
      return typeof fromQuery === 'string' ? fromQuery : undefined;
    },
    clientAuthenticated(req) {
      const match = /^Basic\s+(\S+)$/i.exec(req.get('authorization') ?? '');
      if (!match?.[1]) return false;
      const decoded = Buffer.from(match[1], 'base64').toString('utf8');
      const index = decoded.indexOf(':');
      // RFC 6749 §2.3.1: both parts are form-urlencoded before Basic encoding.
      const id = decodeURIComponent(decoded.slice(0, index).replace(/\+/g, ' '));
      const secret = decodeURIComponent(decoded.slice(index + 1).replace(/\+/g, ' '));
      return index > 0 && id === options.clientId && secret === options.clientSecret;
    },
  };

  const router = Router();
  router.use(express.urlencoded({ extended: false, limit: '16kb' }));
  router.use(express.json({ limit: '64kb' }));
  addOAuthRoutes(router, context);
  addApiRoutes(router, context);

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
  const server = await listenOnLoopback(app, options.port ?? 0);
  return { url: server.origin, sim, close: () => server.close() };
}
