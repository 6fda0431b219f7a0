/**
 * A Webex simulator: enough of https://webexapis.com/v1/ for local mode, tests and the
 * bench, served from one base URL (mounted under `/_simulators/webex/` in local mode).
 *
 * - `GET|POST authorize`: an Allow/Deny page (or auto-approval) redirecting with a code.
 * - `POST access_token`: client id and secret in the form body (as Webex takes them),
 *   `authorization_code` (PKCE S256 checked when a challenge was sent) and `refresh_token`.
 *   Webex keeps a refresh token for its 90-day life and answers the same one on refresh;
 *   `rotateRefreshTokens` makes them single-use instead, to prove callgate copes with both.
 * - `POST rooms` (a public room needs a description; `freeOrganization` answers 403 as
 *   Webex does for free organizations) and `POST meetings` (ad hoc in a room, or in the
 *   personal room), with Webex's limit of meeting creations a day per user, failures counted.
 * Every endpoint counts its requests and can be slowed down or made to fail on demand.
 */
import { randomBytes } from 'node:crypto';
import express, { type Request, type Response, Router } from 'express';
import { listenOnLoopback } from '../../../local/simulators/loopback.js';
import { renderPage } from '../../../web/html.js';
import { createSimFaults, webexError, type SimFaults } from './faults.js';
import { mountSimOAuth } from './oauthRoutes.js';

/** The simulated endpoints, as counted. */
export type WebexSimEndpoint = 'authorize' | 'token' | 'rooms' | 'meetings';
const ENDPOINTS: readonly WebexSimEndpoint[] = ['authorize', 'token', 'rooms', 'meetings'];

/** Options of the simulator. */
export interface WebexSimulatorOptions {
  clientId: string;
  clientSecret: string;
  /** Lifetime of issued access tokens (Webex: 14 days). */
  accessTokenTtlSeconds?: number;
  /** Single-use refresh tokens, a new one on every refresh. */
  rotateRefreshTokens?: boolean;
  /** Rooms answer 403, as for a free Webex organization. */
  freeOrganization?: boolean;
  /** Meeting creations (failed ones included) a user may make a day; Webex: 100. */
  dailyMeetingLimit?: number;
  autoApprove?: boolean;
  /** The integration's registered redirect URIs; any redirect URI is accepted when unset. */
  redirectUris?: readonly string[];
  delayMs?: number;
  /** Email of the user who approves authorization requests. */
  userEmail?: string;
}

/** A meeting the simulator created. */
export interface WebexSimMeeting {
  id: string;
  title: string;
  roomId: string | null;
  scheduledType: 'meeting' | 'personalRoomMeeting';
  webLink: string;
}

/** The simulator's inspectable and controllable state. */
export interface WebexSimState extends Omit<SimFaults<WebexSimEndpoint>, 'intercept'> {
  /** Token requests per grant type. */
  grants: Record<string, number>;
  rooms: Array<{ id: string; title: string; isPublic: boolean }>;
  meetings: WebexSimMeeting[];
  /** Makes rooms answer 403 (a free organization) or not. */
  freeOrganization: boolean;
  validRefreshTokens(): string[];
  /** Makes every issued access token invalid (Webex then answers 401). */
  expireAccessTokens(): void;
  /** Makes every refresh token invalid, as when a user revokes the integration. */
  revokeRefreshTokens(): void;
}

/** A created simulator: mount `router` at the API base. */
export interface WebexSimulator {
  router: Router;
  state: WebexSimState;
}

/** Creates the simulator's router and state. */
export function createWebexSimulator(options: WebexSimulatorOptions): WebexSimulator {
  const dailyLimit = options.dailyMeetingLimit ?? 100;
  const email = options.userEmail ?? 'ada@example.com';
  const faults = createSimFaults(ENDPOINTS, options.delayMs ?? 0);
  // Webex's daily limit, per UTC day.
  const creations = { day: '', count: 0 };

  const state: WebexSimState = {
    get requests() {
      return faults.requests;
    },
    get delayMs() {
      return faults.delayMs;
    },
    set delayMs(value: number) {
      faults.delayMs = value;
    },
    fail: (endpoint, failure, times) => faults.fail(endpoint, failure, times),
    clearFailures: () => faults.clearFailures(),
    resetCounters() {
      faults.resetCounters();
      state.grants = {};
    },
    grants: {},
    rooms: [],
    meetings: [],
    freeOrganization: options.freeOrganization ?? false,
    validRefreshTokens: () => oauth.validRefreshTokens(),
    expireAccessTokens: () => oauth.expireAccessTokens(),
    revokeRefreshTokens: () => oauth.revokeRefreshTokens(),
  };

  const router = Router();
  router.use(express.urlencoded({ extended: false, limit: '16kb' }));
  router.use(express.json({ limit: '64kb' }));
  const oauth = mountSimOAuth(router, {
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? 14 * 24 * 3600,
    rotateRefreshTokens: options.rotateRefreshTokens ?? false,
    autoApprove: options.autoApprove ?? false,
    redirectUris: options.redirectUris ?? null,
    userEmail: email,
    faults,
    grants: () => state.grants,
  });
  /** Answers 401 or 403 as Webex does when the token is invalid or lacks `scope`; true when it did. */
  const refuseToken = (req: Request, res: Response, scope: string): boolean => {
    const verdict = oauth.authorized(req, scope);
    if (verdict === 'unauthorized') {
      res
        .status(401)
        .json(webexError('The request requires a valid access token set in the Authorization request header.'));
    } else if (verdict === 'forbidden') {
      res
        .status(403)
        .json(
          webexError(
            'The server understood the request, but refused to fulfill it because the access token is missing required scopes or the user is missing required roles or licenses.',
          ),
        );
    }
    return verdict !== 'ok';
  };

  router.post('/rooms', async (req, res) => {
    if (await faults.intercept('rooms', req, res)) return;
    if (refuseToken(req, res, 'spark:all')) return;
    if (state.freeOrganization) {
      res.status(403).json(webexError('Creating spaces is not allowed for users of a free Webex organization.'));
      return;
    }
    const body = (req.body ?? {}) as Record<string, unknown>;
    const title = body['title'];
    if (
      typeof title !== 'string' ||
      title === '' ||
      (body['isPublic'] === true && typeof body['description'] !== 'string')
    ) {
      res.status(400).json(webexError('A title is required, and public spaces need a description.'));
      return;
    }
    const room = {
      id: `Y2lzY29zcGFyazovL3VzL1JPT00v${randomBytes(12).toString('hex')}`,
      title,
      isPublic: body['isPublic'] === true,
    };
    state.rooms.push(room);
    res.json({ ...room, type: 'group', isLocked: false, created: new Date().toISOString() });
  });

  router.post('/meetings', async (req, res) => {
    if (await faults.intercept('meetings', req, res)) return;
    if (refuseToken(req, res, 'meeting:schedules_write')) return;
    // Webex counts every creation attempt, failed ones included.
    const today = new Date().toISOString().slice(0, 10);
    if (creations.day !== today) Object.assign(creations, { day: today, count: 0 });
    creations.count += 1;
    if (creations.count > dailyLimit) {
      res
        .status(429)
        .set('Retry-After', '3600')
        .json(webexError('The daily limit of meeting creations has been reached.'));
      return;
    }
    const body = (req.body ?? {}) as Record<string, unknown>;
    const title = body['title'];
    const personal = body['scheduledType'] === 'personalRoomMeeting';
    const room = state.rooms.find((candidate) => candidate.id === body['roomId']);
    const start = Date.parse(String(body['start']));
    const end = Date.parse(String(body['end']));
    const valid = personal
      ? !Number.isNaN(start) && !Number.isNaN(end) && start >= Date.now() - 60_000 && end > start
      : body['adhoc'] === true && room !== undefined;
    if (typeof title !== 'string' || title === '' || !valid) {
      res
        .status(400)
        .json(
          webexError(
            'Invalid meeting: an ad-hoc meeting needs an existing roomId; a personal-room meeting a start and end.',
          ),
        );
      return;
    }
    const id = randomBytes(16).toString('hex');
    const base = `${req.protocol}://${req.get('host') ?? 'localhost'}${req.baseUrl}`;
    const meeting: WebexSimMeeting = {
      id,
      title,
      roomId: personal ? null : (room?.id ?? null),
      scheduledType: personal ? 'personalRoomMeeting' : 'meeting',
      webLink: `${base}/meet/${id}`,
    };
    state.meetings.push(meeting);
    res.json({
      ...meeting,
      meetingNumber: String(2_000_000_000 + state.meetings.length),
      hostEmail: email,
      state: 'active',
    });
  });

  router.get('/meet/:id', (req, res) => {
    res.type('html').send(
      renderPage({
        title: `Webex meeting ${String(req.params['id'])} (simulated)`,
        paragraphs: ['This is where the Webex meeting would open.'],
      }),
    );
  });

  return { router, state };
}

/** A simulator listening on 127.0.0.1. */
export interface RunningWebexSimulator {
  /** The API base URL for VIDEO_WEBEX_API_URL, ending in `/v1/` like Webex's. */
  url: string;
  sim: WebexSimulator;
  close(): Promise<void>;
}

/** Starts the simulator on 127.0.0.1 at `/v1/` (port 0 unless given). */
export async function startWebexSimulator(
  options: WebexSimulatorOptions & { port?: number },
): Promise<RunningWebexSimulator> {
  const sim = createWebexSimulator(options);
  const app = express();
  app.disable('x-powered-by');
  app.use('/v1', sim.router);
  const server = await listenOnLoopback(app, options.port ?? 0);
  return { url: `${server.origin}/v1/`, sim, close: () => server.close() };
}
