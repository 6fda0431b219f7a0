/**
 * A BigBlueButton server simulator: a real HTTP API that checks checksums exactly as BBB
 * does and answers BBB 2.4–3.0's XML, for tests and for local mode (SPEC §8).
 *
 * Checksum check, after bbb-common-web's GetChecksum and GetChecksumValidator: the raw query
 * string minus `&checksum=<checksum>`, hashed as `<call> + query + secret` with the algorithm
 * the checksum's length names (40 sha1, 64 sha256, 96 sha384, 128 sha512), and only when that
 * algorithm is in `supportedChecksumAlgorithms`. Anything else answers FAILED/checksumError.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { Router, type Request, type Response } from 'express';
import { BBB_CHECKSUM_ALGORITHMS, type BbbChecksumAlgorithm } from '../../config/index.js';
import { algorithmForChecksumLength } from '../../providers/bigbluebutton/checksum.js';
import { escapeHtml, renderPage } from '../../web/html.js';

/** A failure the simulator can be told to produce instead of its normal answer. */
export type SimulatedFailure =
  /** Answer this status and body as text/plain (or as `headers` say, e.g. an HTML error page with Retry-After). */
  | { kind: 'status'; status: number; body: string; headers?: Record<string, string> }
  /** Never answer. */
  | { kind: 'hang' }
  /** Destroy the connection without an answer. */
  | { kind: 'reset' }
  /** Redirect (302) to this location, or to the request's own URL (a redirect loop). */
  | { kind: 'redirect'; location?: string }
  /** Promise an XML body, send its first bytes, then drop the connection. */
  | { kind: 'truncated' }
  /** Answer 200 with an HTML page, as a web server that is not BBB would. */
  | { kind: 'non_xml' }
  /** Answer SUCCESS without the call's fields (e.g. `create` without `createTime`). */
  | { kind: 'missing_fields' }
  /** Answer FAILED with this messageKey. */
  | { kind: 'failed'; messageKey: string; message?: string }
  /** Wait, then answer normally. */
  | { kind: 'delay'; ms: number };

/** Options of the simulator. */
export interface BigBlueButtonSimulatorOptions {
  /** The shared secret (`securitySalt`). */
  secret: string;
  /** Accepted checksum algorithms; BBB 2.6+ accepts all four by default. */
  algorithms?: readonly BbbChecksumAlgorithm[];
  /** Delay before every answer. */
  delayMs?: number;
  /** Clock for createTime. */
  now?: () => number;
  /**
   * What the checksum is computed over: `raw`, the query string as received (BBB's
   * GetChecksum in most releases), or `reencoded`, the query parsed and formatted again with
   * Apache URLEncodedUtils, i.e. `java.net.URLEncoder` (one generation of GetChecksum did so).
   */
  checksumQuery?: 'raw' | 'reencoded';
}

/** One request the simulator received. */
export interface SimulatedRequest {
  call: string;
  /** The raw query string, as received. */
  rawQuery: string;
  /** Decoded parameters (checksum excluded). */
  params: Record<string, string>;
  checksumValid: boolean;
}

/** A meeting the simulator holds. */
export interface SimulatedMeeting {
  meetingId: string;
  internalMeetingId: string;
  name: string;
  createTime: string;
  lockSettingsDisableCam: boolean;
  muteOnStart: boolean;
  attendees: { userId: string; fullName: string; role: string }[];
}

/** The simulator's state; tests read and change it. */
export interface BigBlueButtonSimulatorState {
  secret: string;
  algorithms: BbbChecksumAlgorithm[];
  delayMs: number;
  checksumQuery: 'raw' | 'reencoded';
  readonly requests: SimulatedRequest[];
  readonly meetings: Map<string, SimulatedMeeting>;
  /** Makes the next `times` requests (all, or of one call) fail this way; `times` defaults to every request. */
  inject(failure: SimulatedFailure, options?: { call?: string; times?: number }): void;
  /** Removes every injected failure. */
  clearInjections(): void;
  /** Requests of one call. */
  requestsOf(call: string): SimulatedRequest[];
  /** Forgets requests, meetings and injections. */
  reset(): void;
}

/** A simulator: its router (mounted at `/bigbluebutton`) and state. */
export interface BigBlueButtonSimulator {
  router: Router;
  state: BigBlueButtonSimulatorState;
}

interface Injection {
  failure: SimulatedFailure;
  call: string | undefined;
  remaining: number;
}

/** Creates a simulator; mount its router at the path BBB's API lives under (`/bigbluebutton`). */
export function createBigBlueButtonSimulator(options: BigBlueButtonSimulatorOptions): BigBlueButtonSimulator {
  const now = options.now ?? Date.now;
  const injections: Injection[] = [];
  const requests: SimulatedRequest[] = [];
  const meetings = new Map<string, SimulatedMeeting>();
  const state: BigBlueButtonSimulatorState = {
    secret: options.secret,
    algorithms: [...(options.algorithms ?? BBB_CHECKSUM_ALGORITHMS)],
    delayMs: options.delayMs ?? 0,
    checksumQuery: options.checksumQuery ?? 'raw',
    requests,
    meetings,
    inject(failure, injectOptions = {}) {
      injections.push({ failure, call: injectOptions.call, remaining: injectOptions.times ?? Infinity });
    },
    clearInjections() {
      injections.length = 0;
    },
    requestsOf(call) {
      return requests.filter((request) => request.call === call);
    },
    reset() {
      requests.length = 0;
      meetings.clear();
      injections.length = 0;
    },
  };

  const takeInjection = (call: string): SimulatedFailure | null => {
    const index = injections.findIndex((injection) => injection.call === undefined || injection.call === call);
    const injection = injections[index];
    if (!injection) return null;
    injection.remaining -= 1;
    if (injection.remaining <= 0) injections.splice(index, 1);
    return injection.failure;
  };

  const router = Router();
  router.get(['/api', '/api/'], (_req, res) => {
    sendXml(res, { returncode: 'SUCCESS', version: '2.0', apiVersion: '2.0', bbbVersion: '3.0.0-simulated' });
  });
  router.get('/api/:call', async (req, res) => {
    const call = String(req.params['call']);
    const rawQuery = rawQueryOf(req);
    const checked = checkChecksum(state, call, rawQuery);
    requests.push({ call, rawQuery, params: checked.params, checksumValid: checked.valid });

    if (state.delayMs > 0) await sleep(state.delayMs);
    let failure = takeInjection(call);
    if (failure?.kind === 'delay') {
      await sleep(failure.ms);
      failure = null;
    }
    if (failure && failure.kind !== 'missing_fields') {
      sendFailure(req, res, failure);
      return;
    }
    if (!checked.valid) {
      sendXml(res, {
        returncode: 'FAILED',
        messageKey: 'checksumError',
        message: 'You did not pass the checksum security check',
      });
      return;
    }
    const missingFields = failure?.kind === 'missing_fields';
    switch (call) {
      case 'create':
        create(res, checked.params, missingFields);
        return;
      case 'join':
        join(res, checked.params);
        return;
      case 'getMeetings':
        getMeetings(res);
        return;
      default:
        sendXml(res, {
          returncode: 'FAILED',
          messageKey: 'unsupportedRequest',
          message: 'This request is not supported.',
        });
    }
  });

  function create(res: Response, params: Record<string, string>, missingFields: boolean): void {
    const meetingId = params['meetingID'];
    if (!meetingId) {
      sendXml(res, {
        returncode: 'FAILED',
        messageKey: 'missingParamMeetingID',
        message: 'You must specify a meeting ID',
      });
      return;
    }
    if (missingFields) {
      sendXml(res, { returncode: 'SUCCESS', messageKey: '', message: '' });
      return;
    }
    // `create` on an existing meetingID answers the existing meeting (BBB: duplicateWarning).
    let meeting = meetings.get(meetingId);
    const duplicate = meeting !== undefined;
    if (!meeting) {
      const createTime = String(now());
      meeting = {
        meetingId,
        internalMeetingId: `${createHash('sha1').update(meetingId).digest('hex')}-${createTime}`,
        name: params['name'] ?? meetingId,
        createTime,
        lockSettingsDisableCam: params['lockSettingsDisableCam'] === 'true',
        muteOnStart: params['muteOnStart'] === 'true',
        attendees: [],
      };
      meetings.set(meetingId, meeting);
    }
    sendXml(res, {
      returncode: 'SUCCESS',
      meetingID: meeting.meetingId,
      internalMeetingID: meeting.internalMeetingId,
      parentMeetingID: 'bbb-none',
      createTime: meeting.createTime,
      voiceBridge: '70757',
      dialNumber: '613-555-1234',
      createDate: new Date(Number(meeting.createTime)).toUTCString(),
      hasUserJoined: String(meeting.attendees.length > 0),
      duration: '0',
      hasBeenForciblyEnded: 'false',
      messageKey: duplicate ? 'duplicateWarning' : '',
      message: duplicate ? 'This conference was already in existence and may currently be in progress.' : '',
    });
  }

  function join(res: Response, params: Record<string, string>): void {
    const meeting = meetings.get(params['meetingID'] ?? '');
    const fullName = params['fullName'];
    const role = params['role'];
    if (!meeting) {
      sendXml(res, {
        returncode: 'FAILED',
        messageKey: 'notFound',
        message: 'We could not find a meeting with that meeting ID',
      });
      return;
    }
    if (!fullName || (role !== 'MODERATOR' && role !== 'VIEWER')) {
      sendXml(res, { returncode: 'FAILED', messageKey: 'missingParam', message: 'You must specify fullName and role' });
      return;
    }
    if (params['createTime'] !== undefined && params['createTime'] !== meeting.createTime) {
      sendXml(res, {
        returncode: 'FAILED',
        messageKey: 'mismatchCreateTime',
        message: 'The createTime does not match',
      });
      return;
    }
    meeting.attendees.push({ userId: params['userID'] ?? '', fullName, role });
    res.type('html').send(
      renderPage({
        title: `Joined ${meeting.name}`,
        paragraphs: [
          `Meeting: ${meeting.name}`,
          `Meeting ID: ${meeting.meetingId}`,
          `Joined by: ${fullName}`,
          `Role: ${role}`,
          `Cameras: ${meeting.lockSettingsDisableCam ? 'locked (voice call)' : 'allowed'}`,
        ],
        trustedHtml: `<p data-testid="simulator">BigBlueButton simulator · user ${escapeHtml(params['userID'] ?? '')}</p>`,
      }),
    );
  }

  function getMeetings(res: Response): void {
    const list = [...meetings.values()];
    const inner = list
      .map(
        (meeting) =>
          `<meeting>${xmlFields({
            meetingName: meeting.name,
            meetingID: meeting.meetingId,
            internalMeetingID: meeting.internalMeetingId,
            createTime: meeting.createTime,
            participantCount: String(meeting.attendees.length),
            moderatorCount: String(meeting.attendees.filter((a) => a.role === 'MODERATOR').length),
          })}</meeting>`,
      )
      .join('');
    const extra =
      list.length === 0
        ? xmlFields({ messageKey: 'noMeetings', message: 'no meetings were found on this server' })
        : '';
    res
      .type('application/xml')
      .send(`<response><returncode>SUCCESS</returncode><meetings>${inner}</meetings>${extra}</response>`);
  }

  return { router, state };
}

/** A simulator listening on its own port. */
export interface RunningBigBlueButtonSimulator {
  /** The base URL to configure, ending with `/bigbluebutton/`. */
  url: string;
  sim: BigBlueButtonSimulator;
  close(): Promise<void>;
}

/** Starts a simulator on 127.0.0.1 at a free port. */
export async function startBigBlueButtonSimulator(
  options: BigBlueButtonSimulatorOptions,
): Promise<RunningBigBlueButtonSimulator> {
  const sim = createBigBlueButtonSimulator(options);
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use('/bigbluebutton', sim.router);
  app.use((req, res) => {
    // Unmatched requests fail loudly.
    res.status(404).type('text/plain').send(`BigBlueButton simulator: no route for ${req.method} ${req.path}`);
  });
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/bigbluebutton/`,
    sim,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The raw query string of a request, exactly as sent. */
function rawQueryOf(req: Request): string {
  const index = req.originalUrl.indexOf('?');
  return index < 0 ? '' : req.originalUrl.slice(index + 1);
}

/** Checks a request's checksum as BBB does; also returns the decoded parameters. */
function checkChecksum(
  state: BigBlueButtonSimulatorState,
  call: string,
  rawQuery: string,
): { valid: boolean; params: Record<string, string> } {
  const decoded = new URLSearchParams(rawQuery);
  const checksum = decoded.get('checksum') ?? '';
  const params: Record<string, string> = {};
  for (const [name, value] of decoded) if (name !== 'checksum') params[name] = value;
  if (checksum === '') return { valid: false, params };
  // bbb-common-web GetChecksum.removeChecksumFromQueryString: plain string replacement, or
  // (the re-encoding generation) URLEncodedUtils.parse on `&` and `;`, then format.
  const withoutChecksum =
    state.checksumQuery === 'raw'
      ? rawQuery
          .replace(`&checksum=${checksum}`, '')
          .replace(`checksum=${checksum}&`, '')
          .replace(`checksum=${checksum}`, '')
      : rawQuery
          .split(/[&;]/)
          .filter((pair) => pair !== '')
          .map((pair) => {
            const index = pair.indexOf('=');
            const name = formDecode(index < 0 ? pair : pair.slice(0, index));
            const value = index < 0 ? '' : formDecode(pair.slice(index + 1));
            return [name, value] as const;
          })
          .filter(([name]) => name !== 'checksum')
          .map(([name, value]) => `${javaUrlEncode(name)}=${javaUrlEncode(value)}`)
          .join('&');
  const algorithm = algorithmForChecksumLength(checksum.length);
  if (!algorithm || !state.algorithms.includes(algorithm)) return { valid: false, params };
  const expected = createHash(algorithm).update(`${call}${withoutChecksum}${state.secret}`, 'utf8').digest();
  const given = Buffer.from(checksum.toLowerCase(), 'hex');
  return { valid: given.length === expected.length && timingSafeEqual(given, expected), params };
}

/** Decodes one form-encoded component as URLEncodedUtils does (`+` is a space). */
function formDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

/** `java.net.URLEncoder.encode(text, UTF_8)`: `[A-Za-z0-9.*_-]` kept, space as `+`, other bytes `%XX`. */
export function javaUrlEncode(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const char = String.fromCharCode(byte);
    if (/[A-Za-z0-9.*_-]/.test(char)) out += char;
    else if (char === ' ') out += '+';
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function sendFailure(
  req: Request,
  res: Response,
  failure: Exclude<SimulatedFailure, { kind: 'missing_fields' | 'delay' }>,
): void {
  switch (failure.kind) {
    case 'status':
      res
        .status(failure.status)
        .type('text/plain')
        .set(failure.headers ?? {})
        .send(failure.body);
      return;
    case 'hang':
      return;
    case 'reset':
      req.socket.destroy();
      return;
    case 'redirect':
      res.redirect(302, failure.location ?? `${req.protocol}://${req.get('host') ?? 'localhost'}${req.originalUrl}`);
      return;
    case 'truncated':
      res.writeHead(200, { 'content-type': 'application/xml', 'content-length': '512' });
      res.write('<response><returncode>SUCCESS</returncode><meetingID>');
      setImmediate(() => req.socket.destroy());
      return;
    case 'non_xml':
      res.type('html').send('<!doctype html><html><body><h1>Welcome to nginx!</h1></body></html>');
      return;
    case 'failed':
      sendXml(res, {
        returncode: 'FAILED',
        messageKey: failure.messageKey,
        message: failure.message ?? failure.messageKey,
      });
      return;
  }
}

function sendXml(res: Response, fields: Record<string, string>): void {
  res.type('application/xml').send(`<response>${xmlFields(fields)}</response>`);
}

function xmlFields(fields: Record<string, string>): string {
  return Object.entries(fields)
    .map(([name, value]) => `<${name}>${escapeXml(value)}</${name}>`)
    .join('');
}

function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
