/**
 * A Constructor Groups simulator for local mode (SPEC §8) and tests: a real HTTP API that
 * checks the hashed key as the service does and keeps one room per creator.
 *
 * - `POST /room/default`: `Authorization: Bearer AK|<hex sha256 of "AK|SK">` with the known
 *   key pair (401 JSON otherwise, before the body is looked at); a body with
 *   `creator_email`, `name` and `fallback_name` (422 JSON otherwise); answers the creator's
 *   room, creating it on first use (201) and returning it afterwards (200).
 * - `GET /groups/room/{id}`: a page standing in for the room.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { Router, type Request, type Response } from 'express';
import { applyFault, SimFaults } from '../../local/simulators/jsonApiFaults.js';
import { escapeHtml, renderPage } from '../../web/html.js';
import type { Simulated } from '../module.js';
import { constructorKeyDigest } from './auth.js';
import type { ConstructorGroupsSettings } from './settings.js';

/** The simulated endpoints, as counted and as faults target them. */
export type ConstructorSimEndpoint = 'room' | 'page';

/** One request the simulator received. */
export interface ConstructorSimRequest {
  endpoint: ConstructorSimEndpoint;
  /** Whether the Bearer header carried the right access key and digest. */
  authorized: boolean;
  body: unknown;
}

/** A room the simulator holds. */
export interface ConstructorSimRoom {
  id: string;
  creatorEmail: string;
  name: string;
  fallbackName: string;
}

/** Options of the simulator. */
export interface ConstructorSimulatorOptions {
  accessKey: string;
  secretKey: string;
  /** Delay before every answer (the bench's stand-in for a real server's time). */
  delayMs?: number;
}

/** The simulator's state; tests read and change it. */
export interface ConstructorSimState {
  accessKey: string;
  secretKey: string;
  delayMs: number;
  readonly requests: ConstructorSimRequest[];
  /** Rooms by creator email. */
  readonly rooms: Map<string, ConstructorSimRoom>;
  readonly faults: SimFaults<ConstructorSimEndpoint>;
  /** Requests of one endpoint. */
  requestsOf(endpoint: ConstructorSimEndpoint): ConstructorSimRequest[];
  /** Forgets requests, rooms and faults. */
  reset(): void;
}

/** A simulator: its router (mount it at the API base) and state. */
export interface ConstructorSimulator {
  router: Router;
  state: ConstructorSimState;
}

/** Creates a simulator. */
export function createConstructorGroupsSimulator(options: ConstructorSimulatorOptions): ConstructorSimulator {
  const requests: ConstructorSimRequest[] = [];
  const rooms = new Map<string, ConstructorSimRoom>();
  const faults = new SimFaults<ConstructorSimEndpoint>();
  const state: ConstructorSimState = {
    accessKey: options.accessKey,
    secretKey: options.secretKey,
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

  const begin = async (endpoint: ConstructorSimEndpoint, req: Request, res: Response): Promise<boolean> => {
    requests.push({ endpoint, authorized: checkBearer(state, req.get('authorization')), body: req.body as unknown });
    if (state.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, state.delayMs));
    return applyFault(faults.take(endpoint), req, res);
  };

  const router = Router();
  router.use(express.json({ limit: '64kb' }));

  router.post('/room/default', async (req, res) => {
    if (await begin('room', req, res)) return;
    if (!checkBearer(state, req.get('authorization'))) {
      res.status(401).json({ detail: 'Invalid API key' });
      return;
    }
    const body = (req.body ?? {}) as Record<string, unknown>;
    const invalid = ['creator_email', 'name', 'fallback_name'].filter(
      (field) => typeof body[field] !== 'string' || String(body[field]).trim() === '',
    );
    if (typeof body['creator_email'] === 'string' && !body['creator_email'].includes('@'))
      invalid.push('creator_email');
    if (invalid.length > 0) {
      res.status(422).json({ detail: invalid.map((field) => ({ loc: ['body', field], msg: 'field required' })) });
      return;
    }
    const email = String(body['creator_email']).toLowerCase();
    let room = rooms.get(email);
    const created = room === undefined;
    if (!room) {
      room = {
        id: randomBytes(8).toString('hex'),
        creatorEmail: email,
        name: String(body['name']),
        fallbackName: String(body['fallback_name']),
      };
      rooms.set(email, room);
    }
    const base = `${req.protocol}://${req.get('host') ?? 'localhost'}${req.baseUrl}`;
    res.status(created ? 201 : 200).json({ id: room.id, name: room.name, url: `${base}/groups/room/${room.id}` });
  });

  router.get('/groups/room/:id', async (req, res) => {
    if (await begin('page', req, res)) return;
    const room = [...rooms.values()].find((candidate) => candidate.id === req.params['id']);
    if (!room) {
      res
        .status(404)
        .type('html')
        .send(renderPage({ title: 'Room not found', paragraphs: [] }));
      return;
    }
    res.type('html').send(
      renderPage({
        title: `Constructor Groups: ${room.name}`,
        paragraphs: [`Room: ${room.name}`, `Creator: ${room.fallbackName}`],
        trustedHtml: `<p data-testid="simulator">Constructor Groups simulator · ${escapeHtml(room.creatorEmail)}</p>`,
      }),
    );
  });

  return { router, state };
}

/** Whether an Authorization header is `Bearer AK|<digest>` for the known key pair. */
function checkBearer(state: ConstructorSimState, header: string | undefined): boolean {
  const match = /^Bearer ([^|\s]+)\|([0-9a-f]{64})$/.exec(header ?? '');
  if (!match?.[1] || !match[2] || match[1] !== state.accessKey) return false;
  const expected = Buffer.from(constructorKeyDigest(state.accessKey, state.secretKey), 'hex');
  const given = Buffer.from(match[2], 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** A simulator listening on its own port. */
export interface RunningConstructorSimulator {
  /** The API base to configure as CONSTRUCTOR_GROUPS_URL, e.g. `http://127.0.0.1:41234/api/v1/`. */
  url: string;
  sim: ConstructorSimulator;
  close(): Promise<void>;
}

/** Starts a simulator on 127.0.0.1 at a free port, under `/api/v1` (a base URL with a path). */
export async function startConstructorGroupsSimulator(
  options: ConstructorSimulatorOptions,
): Promise<RunningConstructorSimulator> {
  const sim = createConstructorGroupsSimulator(options);
  const app = express();
  app.disable('x-powered-by');
  app.use('/api/v1', sim.router);
  app.use((req, res) => {
    // Unmatched requests fail loudly.
    res.status(404).type('text/plain').send(`Constructor Groups simulator: no route for ${req.method} ${req.path}`);
  });
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/api/v1/`,
    sim,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Local mode: the simulator stands in for whatever is not configured (SPEC §8). */
export function simulate(
  settings: ConstructorGroupsSettings,
  where: { mountPath: string; baseUrl: string },
): Simulated<ConstructorGroupsSettings> | null {
  if (settings.url && settings.accessKey && settings.secretKey) return null;
  const accessKey = settings.accessKey ?? 'local-constructor-access-key';
  const secretKey = settings.secretKey ?? 'local-constructor-secret-key';
  const simulator = createConstructorGroupsSimulator({ accessKey, secretKey });
  return {
    settings: { url: `${where.baseUrl.replace(/\/+$/, '')}/`, accessKey, secretKey },
    router: simulator.router,
    providerIds: ['constructor_groups'],
  };
}
