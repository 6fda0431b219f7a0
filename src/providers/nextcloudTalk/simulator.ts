/**
 * A Nextcloud Talk simulator for local mode (SPEC §8) and tests: a real HTTP API that checks
 * what Nextcloud checks and answers OCS envelopes as Nextcloud 27+ with Talk does.
 *
 * - `POST /ocs/v2.php/apps/spreed/api/v4/room`: Basic auth (401 OCS "Current user is not
 *   logged in" otherwise), the `OCS-APIRequest: true` header (without it Nextcloud runs its
 *   CSRF check and answers 412), `roomType` 1–4 and a `roomName` of at most 255 characters
 *   (400 OCS otherwise); answers 201 with the conversation.
 * - `GET /ocs/v2.php/cloud/user` and `GET /ocs/v2.php/cloud/capabilities` (the connection check).
 * - `GET /index.php/call/{token}`: a page standing in for Talk's call view.
 * OCS answers are JSON when `Accept` asks for it, XML otherwise, as Nextcloud does.
 */
import { randomInt, timingSafeEqual } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { Router, type Request, type Response } from 'express';
import { applyFault, SimFaults } from '../../local/simulators/jsonApiFaults.js';
import { escapeHtml, renderPage } from '../../web/html.js';
import type { Simulated } from '../module.js';
import type { NextcloudTalkSettings } from './settings.js';

/** The simulated endpoints, as counted and as faults target them. */
export type NextcloudSimEndpoint = 'room' | 'user' | 'capabilities' | 'call';

/** One request the simulator received. */
export interface NextcloudSimRequest {
  endpoint: NextcloudSimEndpoint;
  /** Whether the Basic credentials matched. */
  authorized: boolean;
  /** The `OCS-APIRequest` header as sent. */
  ocsApiRequest: string | undefined;
  accept: string | undefined;
  body: unknown;
}

/** A conversation the simulator holds. */
export interface NextcloudSimRoom {
  token: string;
  name: string;
  type: number;
  owner: string;
}

/** Options of the simulator. */
export interface NextcloudSimulatorOptions {
  username: string;
  password: string;
  /** Whether Talk is enabled for the account (the capabilities list `spreed`); default true. */
  talkEnabled?: boolean;
  /** Delay before every answer (the bench's stand-in for a real server's time). */
  delayMs?: number;
}

/** The simulator's state; tests read and change it. */
export interface NextcloudSimState {
  username: string;
  password: string;
  talkEnabled: boolean;
  delayMs: number;
  readonly requests: NextcloudSimRequest[];
  readonly rooms: Map<string, NextcloudSimRoom>;
  readonly faults: SimFaults<NextcloudSimEndpoint>;
  /** Requests of one endpoint. */
  requestsOf(endpoint: NextcloudSimEndpoint): NextcloudSimRequest[];
  /** Forgets requests, rooms and faults. */
  reset(): void;
}

/** A simulator: its router (mount it where Nextcloud's root would be) and state. */
export interface NextcloudSimulator {
  router: Router;
  state: NextcloudSimState;
}

/** Talk's token alphabet and length (lowercase letters and digits, 8 characters). */
const TOKEN_ALPHABET = 'abcdefghijkmnopqrstuvwxyz23456789';
const TOKEN_LENGTH = 8;

/** Creates a simulator. */
export function createNextcloudTalkSimulator(options: NextcloudSimulatorOptions): NextcloudSimulator {
  const requests: NextcloudSimRequest[] = [];
  const rooms = new Map<string, NextcloudSimRoom>();
  const faults = new SimFaults<NextcloudSimEndpoint>();
  const state: NextcloudSimState = {
    username: options.username,
    password: options.password,
    talkEnabled: options.talkEnabled ?? true,
    delayMs: options.delayMs ?? 0,
    requests,
    rooms,
    faults,
    requestsOf: (endpoint) => requests.filter((request) => request.endpoint === endpoint),
    reset() {
      requests.length = 0;
      rooms.clear();
      faults.clear();
    },
  };

  /** Records the request and applies any fault; true when the handler must stop. */
  const begin = async (endpoint: NextcloudSimEndpoint, req: Request, res: Response): Promise<boolean> => {
    requests.push({
      endpoint,
      authorized: checkBasic(state, req.get('authorization')),
      ocsApiRequest: req.get('ocs-apirequest'),
      accept: req.get('accept'),
      body: req.body as unknown,
    });
    if (state.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, state.delayMs));
    return applyFault(faults.take(endpoint), req, res);
  };

  const router = Router();
  router.use(express.json({ limit: '64kb' }));

  router.post('/ocs/v2.php/apps/spreed/api/v4/room', async (req, res) => {
    if (await begin('room', req, res)) return;
    if (!ocsPreconditions(state, req, res)) return;
    const body = (req.body ?? {}) as { roomType?: unknown; roomName?: unknown };
    const type = body.roomType;
    const name = typeof body.roomName === 'string' ? body.roomName.trim() : '';
    if (typeof type !== 'number' || ![1, 2, 3, 4].includes(type)) {
      sendOcs(req, res, 400, 'failure', { error: 'type' });
      return;
    }
    if (name === '' || name.length > 255) {
      sendOcs(req, res, 400, 'failure', { error: 'name' });
      return;
    }
    let token = newToken();
    while (rooms.has(token)) token = newToken();
    const room: NextcloudSimRoom = { token, name, type, owner: state.username };
    rooms.set(token, room);
    sendOcs(req, res, 201, 'ok', roomData(room, rooms.size));
  });

  router.get('/ocs/v2.php/cloud/user', async (req, res) => {
    if (await begin('user', req, res)) return;
    if (!ocsPreconditions(state, req, res)) return;
    sendOcs(req, res, 200, 'ok', { id: state.username, displayname: `${state.username} (simulated)`, enabled: true });
  });

  router.get('/ocs/v2.php/cloud/capabilities', async (req, res) => {
    if (await begin('capabilities', req, res)) return;
    // Public on a real Nextcloud too: anonymous callers get the public capabilities.
    const authorized = checkBasic(state, req.get('authorization'));
    const capabilities: Record<string, unknown> = { core: { pollinterval: 60, 'webdav-root': 'remote.php/webdav' } };
    if (authorized && state.talkEnabled) capabilities['spreed'] = { features: ['audio', 'video', 'chat-v2'] };
    sendOcs(req, res, 200, 'ok', { version: { major: 29, string: '29.0.0 (simulated)' }, capabilities });
  });

  router.get('/index.php/call/:token', async (req, res) => {
    if (await begin('call', req, res)) return;
    const room = rooms.get(String(req.params['token']));
    if (!room) {
      res
        .status(404)
        .type('html')
        .send(renderPage({ title: 'Conversation not found', paragraphs: [] }));
      return;
    }
    res.type('html').send(
      renderPage({
        title: `Nextcloud Talk: ${room.name}`,
        paragraphs: [
          `Conversation: ${room.name}`,
          `Token: ${room.token}`,
          'Public conversation: anyone with the link may join.',
        ],
        trustedHtml: `<p data-testid="simulator">Nextcloud Talk simulator · ${escapeHtml(room.owner)}</p>`,
      }),
    );
  });

  return { router, state };
}

function newToken(): string {
  let token = '';
  for (let i = 0; i < TOKEN_LENGTH; i += 1) token += TOKEN_ALPHABET[randomInt(TOKEN_ALPHABET.length)];
  return token;
}

function roomData(room: NextcloudSimRoom, id: number): Record<string, unknown> {
  return {
    id,
    token: room.token,
    type: room.type,
    name: room.name,
    displayName: room.name,
    participantType: 1,
    actorType: 'users',
    actorId: room.owner,
    hasPassword: false,
    hasCall: false,
    readOnly: 0,
    lobbyState: 0,
  };
}

/** Whether an Authorization header carries the account's Basic credentials. */
function checkBasic(state: NextcloudSimState, header: string | undefined): boolean {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header ?? '');
  if (!match?.[1]) return false;
  const expected = Buffer.from(`${state.username}:${state.password}`, 'utf8');
  const given = Buffer.from(match[1], 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Nextcloud's checks before any OCS controller runs: CSRF (the header) and login. */
function ocsPreconditions(state: NextcloudSimState, req: Request, res: Response): boolean {
  if (req.get('ocs-apirequest') !== 'true') {
    res
      .status(412)
      .type('application/json')
      .send(JSON.stringify({ message: 'CSRF check failed' }));
    return false;
  }
  if (!checkBasic(state, req.get('authorization'))) {
    sendOcs(req, res, 401, 'failure', [], 'Current user is not logged in');
    return false;
  }
  return true;
}

/** An OCS v2 envelope: HTTP status and statuscode agree; JSON when asked for, else XML. */
function sendOcs(
  req: Request,
  res: Response,
  status: number,
  outcome: 'ok' | 'failure',
  data: unknown,
  message = '',
): void {
  const meta = { status: outcome, statuscode: status, message: message || (outcome === 'ok' ? 'OK' : '') };
  if ((req.get('accept') ?? '').includes('application/json')) {
    res
      .status(status)
      .type('application/json')
      .send(JSON.stringify({ ocs: { meta, data } }));
    return;
  }
  res
    .status(status)
    .type('text/xml')
    .send(
      `<?xml version="1.0"?>\n<ocs><meta><status>${meta.status}</status><statuscode>${status}</statuscode><message>${escapeHtml(meta.message)}</message></meta><data/></ocs>`,
    );
}

/** A simulator listening on its own port. */
export interface RunningNextcloudSimulator {
  /** The server address to configure as NEXTCLOUD_SERVER, e.g. `http://127.0.0.1:41234/nextcloud/`. */
  url: string;
  sim: NextcloudSimulator;
  close(): Promise<void>;
}

/** Starts a simulator on 127.0.0.1 at a free port, under `/nextcloud` (a server with a path). */
export async function startNextcloudTalkSimulator(
  options: NextcloudSimulatorOptions,
): Promise<RunningNextcloudSimulator> {
  const sim = createNextcloudTalkSimulator(options);
  const app = express();
  app.disable('x-powered-by');
  app.use('/nextcloud', sim.router);
  app.use((req, res) => {
    // Unmatched requests fail loudly.
    res.status(404).type('text/plain').send(`Nextcloud simulator: no route for ${req.method} ${req.path}`);
  });
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/nextcloud/`,
    sim,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Local mode: the simulator stands in for whatever is not configured (SPEC §8). */
export function simulate(
  settings: NextcloudTalkSettings,
  where: { mountPath: string; baseUrl: string },
): Simulated<NextcloudTalkSettings> | null {
  if (settings.server && settings.username && settings.password) return null;
  const username = settings.username ?? 'callgate';
  const password = settings.password ?? 'local-nextcloud-app-password';
  const simulator = createNextcloudTalkSimulator({ username, password });
  return {
    settings: { server: `${where.baseUrl.replace(/\/+$/, '')}/`, username, password },
    router: simulator.router,
    providerIds: ['nextcloud_talk'],
  };
}
