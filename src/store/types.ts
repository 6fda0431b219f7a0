/**
 * The storage contract, split by concern: each consumer gets the one narrow repository it
 * needs. Two implementations (SQLite for one process, PostgreSQL for replicas) pass the same
 * contract tests in `test/store.contract.test.ts`. Times are milliseconds since the epoch.
 * Nothing here knows a provider: providers are ids, their org settings a string map.
 */

/** An organization's stored settings. */
export interface OrgSettingsRecord {
  org: string;
  videoChatProvider: string;
  /** Provider settings the org overrides (e.g. a server URL); absent keys use the server's. */
  providerSettings: Record<string, string>;
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
  provider: string;
  isVideoCall: boolean;
  createdAt: number;
}

/** Calls per provider on one UTC day (`YYYY-MM-DD`). */
export interface DailyCallCount {
  day: string;
  provider: string;
  count: number;
}

/** A pending OAuth redirect: single-use, bound to provider, org and user. */
export interface OAuthStateRecord {
  state: string;
  provider: string;
  org: string;
  userId: string;
  codeVerifier: string;
  expiresAt: number;
}

/** A user's tokens at one provider, encrypted (the ciphertext holds access and refresh token). */
export interface StoredUserToken {
  provider: string;
  org: string;
  userId: string;
  /** The provider's id of the user, when the provider said (deauthorization webhooks use it). */
  accountUserId: string | null;
  /** The provider's id of the user's account or tenant, when known. */
  accountId: string | null;
  keyId: string;
  ciphertext: string;
  /** When the access token expires. */
  expiresAt: number;
  updatedAt: number;
}

/**
 * An organization's own credentials for one provider (SPEC §10), encrypted: the ciphertext
 * holds every field, secret or not. A row without ciphertext marks credentials the owner
 * removed while the provider was selected: the server's account is then not used instead.
 */
export interface StoredOrgCredentials {
  org: string;
  provider: string;
  /** Null together with `ciphertext` on a removal mark. */
  keyId: string | null;
  ciphertext: string | null;
  updatedAt: number;
  updatedByUserId: string;
  updatedByName: string;
}

/** Writes allowed while a user's token row is locked. */
export interface UserTokenTransaction {
  save(token: StoredUserToken): Promise<void>;
  delete(): Promise<void>;
}

/** Org settings, saved together with their audit entry; changes are announced to every process. */
export interface OrgSettingsRepository {
  get(org: string): Promise<OrgSettingsRecord | null>;
  /** Saves settings and their audit entry atomically. */
  save(settings: OrgSettingsRecord, audit: NewAuditEntry): Promise<void>;
  /** Calls `listener` when any process changes an organization's settings (`*`: maybe all). */
  onChanged(listener: (org: string) => void): void;
}

/** The settings audit log (written by OrgSettingsRepository.save). */
export interface AuditLogRepository {
  /** Newest first; `beforeId` pages backwards. */
  list(org: string, options: { limit: number; beforeId?: number }): Promise<AuditEntry[]>;
}

/** Created calls, for statistics. */
export interface CallRecordRepository {
  /**
   * Queues a call record: records go to the database in batches (group commit within a few
   * milliseconds); the promise resolves once it is written. Counts and the store's close()
   * write what is queued first.
   */
  record(call: CallRecord): Promise<void>;
  /** Records queued and not yet written. */
  pending(): number;
  countByDay(org: string, options: { since: number }): Promise<DailyCallCount[]>;
}

/** Pending OAuth redirects. */
export interface OAuthStateRepository {
  save(record: OAuthStateRecord): Promise<void>;
  /** Removes and returns a state: a second take of the same state returns null. */
  take(state: string): Promise<OAuthStateRecord | null>;
  deleteExpired(now: number): Promise<number>;
  /** Keeps only the `keep` newest pending states of one user (any provider); returns how many went. */
  keepNewest(org: string, userId: string, keep: number): Promise<number>;
}

/** Per-user provider tokens, keyed by provider, org and user. */
export interface UserTokenRepository {
  get(provider: string, org: string, userId: string): Promise<StoredUserToken | null>;
  save(token: StoredUserToken): Promise<void>;
  delete(provider: string, org: string, userId: string): Promise<boolean>;
  /** Deletes every token of one provider account (`accountId` null: any account). */
  deleteOfAccount(provider: string, accountUserId: string, accountId: string | null): Promise<number>;
  /** Every token, of one provider or of all. */
  list(provider?: string): Promise<StoredUserToken[]>;
  /**
   * Runs `fn` while holding the user's token row exclusively (across processes on
   * PostgreSQL), handing it the row as re-read under the lock.
   */
  withLock<T>(
    provider: string,
    org: string,
    userId: string,
    fn: (current: StoredUserToken | null, tx: UserTokenTransaction) => Promise<T>,
  ): Promise<T>;
}

/** Organizations' own provider credentials; every change is audited and announced to every process. */
export interface OrgCredentialsRepository {
  /** Every row of one organization (credentials and removal marks). */
  listOf(org: string): Promise<StoredOrgCredentials[]>;
  /** Every row of every organization, for re-encryption and check-config. */
  list(): Promise<StoredOrgCredentials[]>;
  /** Writes a row (credentials or removal mark) and its audit entry atomically. */
  save(row: StoredOrgCredentials, audit: NewAuditEntry): Promise<void>;
  /** Deletes a row and writes its audit entry (at `at`) atomically; false (and no entry) when there was none. */
  delete(org: string, provider: string, audit: NewAuditEntry, at: number): Promise<boolean>;
  /**
   * Replaces the ciphertext of a row only if it still holds `expected` (compare-and-set, so
   * a re-encryption never overwrites a change made meanwhile); announces nothing, since the
   * plaintext is unchanged. True when replaced.
   */
  reseal(
    org: string,
    provider: string,
    expected: string,
    sealed: { keyId: string; ciphertext: string },
  ): Promise<boolean>;
  /** Calls `listener` when any process changes an organization's credentials (`*`: maybe all). */
  onChanged(listener: (org: string) => void): void;
}

/** Fixed-window counters (rate limits). */
export interface CounterRepository {
  /**
   * Adds one hit to a fixed-window counter and returns the window's count so far
   * (atomic across processes); windows older than `windowStart` are dropped.
   */
  increment(key: string, windowStart: number): Promise<number>;
  /** Adds `amount` to a fixed-window counter and returns its value after (atomic across processes). */
  add(key: string, windowStart: number, amount: number): Promise<number>;
  /** Subtracts amounts from several counters of one window, in one statement. */
  release(windowStart: number, amounts: ReadonlyMap<string, number>): Promise<void>;
  /** Drops the counters of windows that started before `windowStart`. */
  sweep(windowStart: number): Promise<void>;
}

/** Options of every store. */
export interface StoreOptions {
  /** Pool size (PostgreSQL); each in-flight token refresh holds one connection. */
  maxConnections?: number;
  /** Called on a background database error: an idle connection dropped, a batch not written (it is retried). */
  onError?: (error: Error) => void;
  /** Called after each batch of call records is written, with its size. */
  onCallRecordBatch?: (size: number) => void;
}

/** Signed webhook deliveries already acted on, so a replay is acted on never (SPEC §9). */
export interface WebhookDeliveryRepository {
  /**
   * Claims a delivery: true for the first claim of `key` (across processes), false while
   * an earlier claim lasts. Claims past their `expiresAt` are swept.
   */
  claim(key: string, expiresAt: number, now: number): Promise<boolean>;
  /** Gives a claim back, e.g. when acting on the delivery failed and a retry should act. */
  release(key: string): Promise<void>;
}

/** An open database: its repositories, a health check and close. */
export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  /** Resolves when the database answers. */
  ping(): Promise<void>;
  close(): Promise<void>;
  readonly orgSettings: OrgSettingsRepository;
  readonly auditLog: AuditLogRepository;
  readonly callRecords: CallRecordRepository;
  readonly oauthStates: OAuthStateRepository;
  readonly userTokens: UserTokenRepository;
  readonly counters: CounterRepository;
  readonly orgCredentials: OrgCredentialsRepository;
  readonly webhookDeliveries: WebhookDeliveryRepository;
}
