/**
 * A Microsoft Teams simulator for local mode and tests: the identity platform v2 endpoints of
 * one tenant and Graph's `POST /v1.0/me/onlineMeetings`, served from one base URL (usable as
 * VIDEO_MICROSOFT_LOGIN_URL and VIDEO_MICROSOFT_GRAPH_URL at once).
 *
 * - `GET|POST /{tenant}/oauth2/v2.0/authorize`: Allow/Deny page with a choice of account: a
 *   licensed work account, one without a Teams licence (Graph answers 403), and a personal
 *   account (refused at sign-in with AADSTS50020, back to the redirect URL as `error=`).
 * - `POST /{tenant}/oauth2/v2.0/token`: `client_secret_post` only; PKCE checked; refresh
 *   tokens rotate on every use (the presented one is spent: stricter than Microsoft, which
 *   lets an old one live on, so a client that reuses one is caught here).
 * - No revocation endpoint, as Microsoft has none per token.
 * Loaded with a dynamic import in local mode only (and by tests).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import express, { Router, type Request, type Response } from 'express';
import type { SimulatorModule } from '../module.js';
import { createOAuthSimulator, type OAuthSimulator, type SimUser } from '../shared/oauthSimulator.js';
import { createSimFaults, serveOnLoopback, type SimFaults } from '../shared/simulatorFaults.js';
import { renderPage } from '../../web/html.js';
import { MICROSOFT_TEAMS_SCOPE } from './oauth.js';
import { MICROSOFT_TEAMS_ID, type MicrosoftTeamsSettings } from './settings.js';

/** The simulated endpoints, as counted. */
export const MICROSOFT_SIM_ENDPOINTS = ['authorize', 'token', 'meetings'] as const;
/** One simulated endpoint. */
export type MicrosoftSimEndpoint = (typeof MICROSOFT_SIM_ENDPOINTS)[number];

/** The simulated accounts (traits: `personal`, `noTeamsLicence`). */
export const MICROSOFT_SIM_USERS: SimUser[] = [
  { id: 'ms-user-1', email: 'ada@contoso.example' },
  { id: 'ms-user-2', email: 'bob@contoso.example (no Teams licence)', traits: { noTeamsLicence: true } },
  { id: 'ms-personal-1', email: 'ada@outlook.example (personal account)', traits: { personal: true } },
];

/** A meeting the simulator created. */
export interface MicrosoftSimMeeting {
  id: string;
  joinWebUrl: string;
  userId: string;
  /** The request body as received. */
  body: unknown;
}

/** Options of the simulator. */
export interface MicrosoftSimulatorOptions {
  clientId: string;
  clientSecret: string;
  /** The tenant segment accepted in paths (default `organizations`). */
  tenant?: string;
  users?: SimUser[];
  accessTokenTtlSeconds?: number;
  autoApprove?: boolean;
}

/** A created simulator: mount `router` at the root of its base URL. */
export interface MicrosoftSimulator {
  router: Router;
  oauth: OAuthSimulator;
  faults: SimFaults<MicrosoftSimEndpoint>;
  meetings: MicrosoftSimMeeting[];
}

/** Graph's error body: https://learn.microsoft.com/graph/errors */
export function graphError(code: string, message: string): unknown {
  return { error: { code, message, innerError: { date: new Date().toISOString(), 'request-id': randomUUID() } } };
}

/** An identity platform error body with its AADSTS code, as Microsoft sends them. */
function aadError(error: string, code: number, text: string): unknown {
  return {
    error,
    error_description: `AADSTS${code}: ${text} Trace ID: ${randomUUID()}`,
    error_codes: [code],
    timestamp: new Date().toISOString(),
    trace_id: randomUUID(),
    correlation_id: randomUUID(),
  };
}

const AAD_ERRORS: Record<string, { code: number; text: string }> = {
  invalid_client: { code: 7000215, text: 'Invalid client secret provided.' },
  invalid_grant: { code: 70008, text: 'The provided authorization code or refresh token has expired or was revoked.' },
  unsupported_grant_type: { code: 70003, text: 'The app requested an unsupported grant type.' },
};

/** Creates the simulator's router and state. */
export function createMicrosoftTeamsSimulator(options: MicrosoftSimulatorOptions): MicrosoftSimulator {
  const tenant = options.tenant ?? 'organizations';
  const oauth = createOAuthSimulator({
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    title: 'Microsoft (simulated)',
    purpose: 'create Teams meetings for you',
    users: options.users ?? MICROSOFT_SIM_USERS,
    scope: MICROSOFT_TEAMS_SCOPE,
    rotateRefreshTokens: true,
    ...(options.accessTokenTtlSeconds ? { accessTokenTtlSeconds: options.accessTokenTtlSeconds } : {}),
    ...(options.autoApprove ? { autoApprove: true } : {}),
    oauthError: (error, status) => {
      const known = AAD_ERRORS[error] ?? { code: 900144, text: 'The request body must contain a valid parameter.' };
      return { status, body: aadError(error, known.code, known.text) };
    },
    refuseSignIn: (user) =>
      user.traits?.['personal']
        ? {
            error: 'invalid_request',
            errorDescription: `AADSTS50020: User account '${user.email}' from identity provider 'live.com' does not exist in tenant and cannot access the application.`,
          }
        : null,
  });
  const faults = createSimFaults(MICROSOFT_SIM_ENDPOINTS, {
    rateLimited: graphError('TooManyRequests', 'Too many requests.'),
    invalidToken: graphError('InvalidAuthenticationToken', 'Access token has expired or is not yet valid.'),
  });
  const meetings: MicrosoftSimMeeting[] = [];

  const router = Router();
  router.use(express.urlencoded({ extended: false, limit: '16kb' }));
  router.use(express.json({ limit: '64kb' }));

  /** Another tenant in the path is unknown here (AADSTS90002). */
  const knownTenant = (req: Request, res: Response): boolean => {
    if (req.params['tenant'] === tenant) return true;
    res.status(400).json(aadError('invalid_request', 90002, `Tenant '${String(req.params['tenant'])}' not found.`));
    return false;
  };

  router.get('/:tenant/oauth2/v2.0/authorize', async (req, res) => {
    if (!(await faults.intercept('authorize', req, res)) && knownTenant(req, res)) oauth.authorizePage(req, res);
  });
  router.post('/:tenant/oauth2/v2.0/authorize', async (req, res) => {
    if (!(await faults.intercept('authorize', req, res)) && knownTenant(req, res)) oauth.authorizeDecision(req, res);
  });
  router.post('/:tenant/oauth2/v2.0/token', async (req, res) => {
    if (!(await faults.intercept('token', req, res)) && knownTenant(req, res)) oauth.token(req, res);
  });

  router.post('/v1.0/me/onlineMeetings', async (req, res) => {
    if (await faults.intercept('meetings', req, res)) return;
    const user = oauth.bearerUser(req);
    if (!user) {
      res.status(401).json(graphError('InvalidAuthenticationToken', 'Access token has expired or is not yet valid.'));
      return;
    }
    if (user.traits?.['noTeamsLicence']) {
      res.status(403).json(graphError('Forbidden', 'The user does not have a valid Teams license.'));
      return;
    }
    const body = (req.body ?? {}) as Record<string, unknown>;
    const id = randomBytes(18).toString('base64url');
    // baseUrl keeps the mount path, so links work when mounted under the simulators' path.
    const base = `${req.protocol}://${req.get('host') ?? 'localhost'}${req.baseUrl}`;
    const joinWebUrl = `${base}/l/meetup-join/19%3ameeting_${id}%40thread.v2/0`;
    meetings.push({ id, joinWebUrl, userId: user.id, body });
    res.status(201).json({
      id,
      creationDateTime: new Date().toISOString(),
      startDateTime: body['startDateTime'],
      endDateTime: body['endDateTime'],
      subject: body['subject'],
      joinWebUrl,
      lobbyBypassSettings: body['lobbyBypassSettings'],
      participants: { organizer: { upn: user.email, role: 'presenter' } },
    });
  });

  router.get('/l/meetup-join/:thread/0', (_req, res) => {
    res.type('html').send(
      renderPage({
        title: 'Microsoft Teams meeting (simulated)',
        paragraphs: ['This is where the Teams meeting would open.'],
      }),
    );
  });

  return { router, oauth, faults, meetings };
}

/** A simulator listening on 127.0.0.1. */
export interface RunningMicrosoftTeamsSimulator {
  url: string;
  sim: MicrosoftSimulator;
  close(): Promise<void>;
}

/** Starts the simulator on 127.0.0.1, port 0. */
export async function startMicrosoftTeamsSimulator(
  options: MicrosoftSimulatorOptions,
): Promise<RunningMicrosoftTeamsSimulator> {
  const sim = createMicrosoftTeamsSimulator(options);
  const server = await serveOnLoopback(sim.router);
  return { url: server.url, sim, close: () => server.close() };
}

/** Local mode (SPEC §8): simulate Microsoft Teams when its client id or secret is not set. */
export const simulate: SimulatorModule<MicrosoftTeamsSettings>['simulate'] = (settings, where) => {
  if (settings.clientId && settings.clientSecret) return null;
  const clientId = 'callgate-local';
  const clientSecret = settings.clientSecret ?? 'local-microsoft-client-secret';
  const sim = createMicrosoftTeamsSimulator({ clientId, clientSecret, tenant: settings.tenant });
  const base = where.baseUrl;
  return {
    settings: { ...settings, clientId, clientSecret, loginUrl: base, graphUrl: base },
    router: sim.router,
    providerIds: [MICROSOFT_TEAMS_ID],
  };
};
