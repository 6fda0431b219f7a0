/**
 * A BigBlueButton server simulator: a real HTTP API that checks checksums exactly as BBB
 * does (sim/checksum.ts) and answers BBB 2.4–3.0's XML (sim/calls.ts), for tests and for
 * local mode (SPEC §8). Failures are injected with the shared fault queue.
 */
import express, { Router } from 'express';
import { FaultQueue, sleep } from '../../../local/simulators/faults.js';
import { listenOnLoopback } from '../../../local/simulators/loopback.js';
import { BBB_CHECKSUM_ALGORITHMS } from '../settings.js';
import { createCallHandlers } from './calls.js';
import { checkChecksum, rawQueryOf } from './checksum.js';
import type {
  BigBlueButtonSimulator,
  BigBlueButtonSimulatorOptions,
  BigBlueButtonSimulatorState,
  SimulatedFailure,
  SimulatedMeeting,
  SimulatedRequest,
} from './types.js';
import { sendFailure, sendXml } from './xml.js';

/** Creates a simulator; mount its router at the path BBB's API lives under (`/bigbluebutton`). */
export function createBigBlueButtonSimulator(options: BigBlueButtonSimulatorOptions): BigBlueButtonSimulator {
  const now = options.now ?? Date.now;
  const injections = new FaultQueue<SimulatedFailure>();
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
      injections.add(failure, {
        ...(injectOptions.call !== undefined ? { endpoint: injectOptions.call } : {}),
        times: injectOptions.times ?? Infinity,
      });
    },
    clearInjections() {
      injections.clear();
    },
    requestsOf(call) {
      return requests.filter((request) => request.call === call);
    },
    reset() {
      requests.length = 0;
      meetings.clear();
      injections.clear();
    },
  };

  const { create, join, getMeetings } = createCallHandlers(meetings, now);

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
    let failure = injections.take(call);
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
  const server = await listenOnLoopback(app);
  return { url: `${server.origin}/bigbluebutton/`, sim, close: () => server.close() };
}
