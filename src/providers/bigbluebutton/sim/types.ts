/** The BigBlueButton simulator's types: injectable failures, requests, meetings and state. */
import type { Router } from 'express';
import type { BbbChecksumAlgorithm } from '../settings.js';

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
