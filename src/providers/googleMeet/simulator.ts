/**
 * A Google Meet simulator for local mode and tests: Google's OAuth endpoints and the Meet REST
 * API's `spaces.create`, served from one base URL (usable as VIDEO_GOOGLE_OAUTH_URL,
 * VIDEO_GOOGLE_TOKEN_URL and VIDEO_GOOGLE_MEET_API_URL at once).
 *
 * - `GET|POST /o/oauth2/v2/auth`: Allow/Deny page; PKCE S256 required.
 * - `POST /token`: `client_secret_post` only; codes checked against PKCE; refresh tokens do
 *   not rotate and refresh answers carry no `refresh_token`, as Google's.
 * - `POST /revoke`: ends the user's grant.
 * - `POST /v2/spaces`: a space whose `meetingUri` opens a simulated meeting page here.
 * Loaded with a dynamic import in local mode only (and by tests).
 */
import { randomBytes } from 'node:crypto';
import express, { Router } from 'express';
import type { SimulatorModule } from '../module.js';
import { createOAuthSimulator, type OAuthSimulator, type SimUser } from '../shared/oauthSimulator.js';
import { createSimFaults, serveOnLoopback, type SimFaults } from '../shared/simulatorFaults.js';
import { renderPage } from '../../web/html.js';
import { GOOGLE_MEET_SCOPE } from './oauth.js';
import { GOOGLE_MEET_ID, type GoogleMeetSettings } from './settings.js';

/** The simulated endpoints, as counted. */
export const GOOGLE_SIM_ENDPOINTS = ['authorize', 'token', 'revoke', 'spaces'] as const;
/** One simulated endpoint. */
export type GoogleSimEndpoint = (typeof GOOGLE_SIM_ENDPOINTS)[number];

/** A space the simulator created. */
export interface GoogleSimSpace {
  name: string;
  meetingUri: string;
  userId: string;
  /** The request body as received. */
  body: unknown;
}

/** Options of the simulator. */
export interface GoogleSimulatorOptions {
  clientId: string;
  clientSecret: string;
  users?: SimUser[];
  accessTokenTtlSeconds?: number;
  autoApprove?: boolean;
  /** Meet's own limit is 10 creations a minute per user; unset means no limit here. */
  creationsPerMinute?: number;
}

/** A created simulator: mount `router` at the root of its base URL. */
export interface GoogleSimulator {
  router: Router;
  oauth: OAuthSimulator;
  faults: SimFaults<GoogleSimEndpoint>;
  spaces: GoogleSimSpace[];
}

/** Google's API error body (https://cloud.google.com/apis/design/errors). */
export function googleApiError(code: number, status: string, message: string, reason?: string): unknown {
  return { error: { code, message, status, ...(reason ? { details: [{ reason }] } : {}) } };
}

const meetingCode = (): string => {
  const letters = (n: number): string =>
    Array.from(randomBytes(n), (byte) => String.fromCharCode(97 + (byte % 26))).join('');
  return `${letters(3)}-${letters(4)}-${letters(3)}`;
};

/** Creates the simulator's router and state. */
export function createGoogleMeetSimulator(options: GoogleSimulatorOptions): GoogleSimulator {
  const oauth = createOAuthSimulator({
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    title: 'Google (simulated)',
    purpose: 'create Google Meet meetings for you',
    users: options.users ?? [{ id: 'google-user-1', email: 'ada@example.com' }],
    scope: GOOGLE_MEET_SCOPE,
    rotateRefreshTokens: false,
    ...(options.accessTokenTtlSeconds ? { accessTokenTtlSeconds: options.accessTokenTtlSeconds } : {}),
    ...(options.autoApprove ? { autoApprove: true } : {}),
    // Google's token errors: https://developers.google.com/identity/protocols/oauth2/web-server#exchange-authorization-code
    oauthError: (error, status) => ({
      status,
      body: {
        error,
        error_description: error === 'invalid_grant' ? 'Token has been expired or revoked.' : 'Bad Request',
      },
    }),
  });
  const faults = createSimFaults(GOOGLE_SIM_ENDPOINTS, {
    rateLimited: googleApiError(429, 'RESOURCE_EXHAUSTED', 'Quota exceeded for quota metric.', 'RATE_LIMIT_EXCEEDED'),
    invalidToken: googleApiError(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.'),
  });
  const spaces: GoogleSimSpace[] = [];
  const recent = new Map<string, number[]>();

  const router = Router();
  router.use(express.urlencoded({ extended: false, limit: '16kb' }));
  router.use(express.json({ limit: '64kb' }));

  router.get('/o/oauth2/v2/auth', async (req, res) => {
    if (!(await faults.intercept('authorize', req, res))) oauth.authorizePage(req, res);
  });
  router.post('/o/oauth2/v2/auth', async (req, res) => {
    if (!(await faults.intercept('authorize', req, res))) oauth.authorizeDecision(req, res);
  });
  router.post('/token', async (req, res) => {
    if (!(await faults.intercept('token', req, res))) oauth.token(req, res);
  });
  router.post('/revoke', async (req, res) => {
    if (!(await faults.intercept('revoke', req, res))) oauth.revoke(req, res);
  });

  router.post('/v2/spaces', async (req, res) => {
    if (await faults.intercept('spaces', req, res)) return;
    const user = oauth.bearerUser(req);
    if (!user) {
      res.status(401).json(googleApiError(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.'));
      return;
    }
    if (options.creationsPerMinute !== undefined) {
      const now = Date.now();
      const times = (recent.get(user.id) ?? []).filter((time) => time > now - 60_000);
      if (times.length >= options.creationsPerMinute) {
        res.set('Retry-After', String(Math.ceil(((times[0] ?? now) + 60_000 - now) / 1000)));
        res.status(429).json(googleApiError(429, 'RESOURCE_EXHAUSTED', 'Quota exceeded.', 'RATE_LIMIT_EXCEEDED'));
        return;
      }
      recent.set(user.id, [...times, now]);
    }
    const code = meetingCode();
    // baseUrl keeps the mount path, so links work when mounted under the simulators' path.
    const base = `${req.protocol}://${req.get('host') ?? 'localhost'}${req.baseUrl}`;
    const space: GoogleSimSpace = {
      name: `spaces/${randomBytes(9).toString('base64url')}`,
      meetingUri: `${base}/meet/${code}`,
      userId: user.id,
      body: req.body,
    };
    spaces.push(space);
    const config = (req.body as { config?: { accessType?: unknown } } | undefined)?.config;
    res.json({
      name: space.name,
      meetingUri: space.meetingUri,
      meetingCode: code,
      config: { accessType: config?.accessType ?? 'TRUSTED', entryPointAccess: 'ALL' },
    });
  });

  router.get('/meet/:code', (req, res) => {
    res.type('html').send(
      renderPage({
        title: `Google Meet ${String(req.params['code'])} (simulated)`,
        paragraphs: ['This is where the Google Meet meeting would open.'],
      }),
    );
  });

  return { router, oauth, faults, spaces };
}

/** A simulator listening on 127.0.0.1. */
export interface RunningGoogleMeetSimulator {
  url: string;
  sim: GoogleSimulator;
  close(): Promise<void>;
}

/** Starts the simulator on 127.0.0.1, port 0. */
export async function startGoogleMeetSimulator(options: GoogleSimulatorOptions): Promise<RunningGoogleMeetSimulator> {
  const sim = createGoogleMeetSimulator(options);
  const server = await serveOnLoopback(sim.router);
  return { url: server.url, sim, close: () => server.close() };
}

/** Local mode (SPEC §8): simulate Google Meet when its client id or secret is not set. */
export const simulate: SimulatorModule<GoogleMeetSettings>['simulate'] = (settings, where) => {
  if (settings.clientId && settings.clientSecret) return null;
  const clientId = 'callgate-local';
  const clientSecret = settings.clientSecret ?? 'local-google-client-secret';
  const sim = createGoogleMeetSimulator({ clientId, clientSecret });
  const base = where.baseUrl;
  return {
    settings: { ...settings, clientId, clientSecret, oauthUrl: base, tokenUrl: base, apiUrl: base },
    router: sim.router,
    providerIds: [GOOGLE_MEET_ID],
  };
};
