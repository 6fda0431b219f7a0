/**
 * The storage contract. Two implementations (SQLite for one process, PostgreSQL for
 * replicas) pass the same contract tests in `test/store.contract.test.ts`.
 * Times are milliseconds since the epoch.
 */
import type { ProviderId } from '../providers/ids.js';

/** An organization's stored settings. */
export interface OrgSettingsRecord {
  org: string;
  videoChatProvider: ProviderId;
  /** Org override of the Jitsi server; null uses the server's. */
  jitsiServerUrl: string | null;
  updatedAt: number;
}

/** One change of an organization's settings. */
export interface AuditEntry {
  id: number;
  org: string;
  actorUserId: string;
  actorName: string;
  action: string;
  changes: Record<string, { from: unknown; to: unknown }>;
  createdAt: number;
}

/** What is written to the audit log; id and time are the store's. */
export type NewAuditEntry = Omit<AuditEntry, 'id' | 'createdAt'>;

/** A created call, kept for statistics. */
export interface CallRecord {
  org: string;
  userId: string;
  provider: ProviderId;
  isVideoCall: boolean;
  createdAt: number;
}

/** Calls per provider on one UTC day (`YYYY-MM-DD`). */
export interface DailyCallCount {
  day: string;
  provider: string;
  count: number;
}

/** A pending OAuth redirect: single-use, bound to org and user. */
export interface OAuthStateRecord {
  state: string;
  org: string;
  userId: string;
  codeVerifier: string;
  expiresAt: number;
}

/** A user's Zoom tokens, encrypted (the ciphertext holds access and refresh token). */
export interface StoredZoomToken {
  org: string;
  userId: string;
  zoomUserId: string | null;
  zoomAccountId: string | null;
  keyId: string;
  ciphertext: string;
  /** When the access token expires. */
  expiresAt: number;
  updatedAt: number;
}

/** Writes allowed while a user's Zoom token row is locked. */
export interface ZoomTokenTransaction {
  save(token: StoredZoomToken): Promise<void>;
  delete(): Promise<void>;
}

/** Options of every store. */
export interface StoreOptions {
  /** Pool size (PostgreSQL); each in-flight Zoom refresh holds one connection. */
  maxConnections?: number;
  /** Called on a background database error: an idle connection dropped, a batch not written (it is retried). */
  onError?: (error: Error) => void;
  /** Called after each batch of call records is written, with its size. */
  onCallRecordBatch?: (size: number) => void;
}

/** The storage contract. */
export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  /** Resolves when the database answers. */
  ping(): Promise<void>;
  close(): Promise<void>;

  getOrgSettings(org: string): Promise<OrgSettingsRecord | null>;
  /** Saves settings and their audit entry atomically. */
  saveOrgSettings(settings: OrgSettingsRecord, audit: NewAuditEntry): Promise<void>;
  /** Newest first; `beforeId` pages backwards. */
  listAuditLog(org: string, options: { limit: number; beforeId?: number }): Promise<AuditEntry[]>;

  /**
   * Queues a call record: records go to the database in batches (group commit within a few
   * milliseconds); the promise resolves once it is written. Reads of call counts and
   * close() write what is queued first.
   */
  recordCall(call: CallRecord): Promise<void>;
  /** Call records queued and not yet written. */
  pendingCallRecords(): number;
  countCallsByDay(org: string, options: { since: number }): Promise<DailyCallCount[]>;

  saveOAuthState(record: OAuthStateRecord): Promise<void>;
  /** Removes and returns a state: a second take of the same state returns null. */
  takeOAuthState(state: string): Promise<OAuthStateRecord | null>;
  deleteExpiredOAuthStates(now: number): Promise<number>;

  getZoomToken(org: string, userId: string): Promise<StoredZoomToken | null>;
  saveZoomToken(token: StoredZoomToken): Promise<void>;
  deleteZoomToken(org: string, userId: string): Promise<boolean>;
  deleteZoomTokensOfZoomUser(zoomUserId: string, zoomAccountId: string | null): Promise<number>;
  listZoomTokens(): Promise<StoredZoomToken[]>;
  /**
   * Runs `fn` while holding the user's token row exclusively (across processes on
   * PostgreSQL), handing it the row as re-read under the lock.
   */
  withZoomTokenLock<T>(
    org: string,
    userId: string,
    fn: (current: StoredZoomToken | null, tx: ZoomTokenTransaction) => Promise<T>,
  ): Promise<T>;

  /**
   * Adds one hit to a fixed-window counter and returns the window's count so far
   * (atomic across processes); windows older than `windowStart` are dropped.
   */
  incrementCounter(key: string, windowStart: number): Promise<number>;
  /** Adds `amount` to a fixed-window counter and returns its value after (atomic across processes). */
  addToCounter(key: string, windowStart: number, amount: number): Promise<number>;
  /** Subtracts amounts from several counters of one window, in one statement. */
  releaseCounters(windowStart: number, amounts: ReadonlyMap<string, number>): Promise<void>;
  /** Drops the counters of windows that started before `windowStart`. */
  sweepCounters(windowStart: number): Promise<void>;

  /** Calls `listener` when any process changes an organization's settings. */
  onOrgSettingsChanged(listener: (org: string) => void): void;
}
