/**
 * Group commit for writes nobody waits for (call records): items queue in memory and go
 * to the database in one statement per batch, when `maxBatch` are waiting or `maxDelayMs`
 * after the first one queued, whichever comes first. One batch is written at a time, so
 * while it is out the next one fills (the busier the service, the bigger the batches).
 *
 * What a crash can lose: what is queued and not yet written (at most `maxDelayMs` of calls,
 * and no more than `maxBatch` plus what arrives while one batch is being written); the
 * bench measures it. A clean shutdown calls `close()`, which writes everything queued.
 * A failed write keeps its items and is retried with backoff; past `maxPending` queued
 * items the oldest are dropped (and reported) so a database outage cannot exhaust memory.
 */

/** Options of a BatchWriter. */
export interface BatchWriterOptions<T> {
  /** Writes one batch in one statement; rejects when nothing was written. */
  write(items: T[]): Promise<void>;
  /** Largest batch, and the queue length that starts a write at once. Default 500. */
  maxBatch?: number;
  /** Longest an item waits before its batch is written. Default 5 ms. */
  maxDelayMs?: number;
  /** Most items kept while the database fails; older ones are dropped beyond it. Default 100,000. */
  maxPending?: number;
  /** Called when a write fails (it will be retried) or items had to be dropped. */
  onError?(error: unknown, context: { pending: number; dropped: number }): void;
  /** Called after each successful batch, e.g. to count batches. */
  onBatch?(size: number): void;
}

/** An item and the promise of its caller. */
interface Queued<T> {
  item: T;
  written(): void;
  dropped(error: Error): void;
}

const RETRY_FIRST_MS = 50;
const RETRY_MAX_MS = 2000;

/** Queues items and writes them in batches; see the module comment. */
export class BatchWriter<T> {
  private queue: Array<Queued<T>> = [];
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> | undefined;
  private retryMs = 0;
  private closed = false;
  private readonly maxBatch: number;
  private readonly maxDelayMs: number;
  private readonly maxPending: number;

  constructor(private readonly options: BatchWriterOptions<T>) {
    this.maxBatch = options.maxBatch ?? 500;
    this.maxDelayMs = options.maxDelayMs ?? 5;
    this.maxPending = options.maxPending ?? 100_000;
  }

  /** Items queued and not yet written. */
  get pending(): number {
    return this.queue.length;
  }

  /**
   * Queues one item; it is written within `maxDelayMs` unless the database fails. The promise
   * resolves once it is written (nobody on the request path waits for it), and rejects only
   * if the item had to be dropped.
   */
  add(item: T): Promise<void> {
    if (this.closed) return Promise.reject(new Error('batch writer is closed'));
    const promise = new Promise<void>((written, dropped) => this.queue.push({ item, written, dropped }));
    if (this.queue.length > this.maxPending) {
      const count = this.queue.length - this.maxPending;
      const error = new Error(`dropped ${count} queued items`);
      for (const queued of this.queue.splice(0, count)) queued.dropped(error);
      this.options.onError?.(error, { pending: this.queue.length, dropped: count });
    }
    if (!this.writing) {
      if (this.queue.length >= this.maxBatch) void this.startWriting();
      else this.schedule(this.maxDelayMs);
    }
    return promise;
  }

  /** Resolves once every item queued before the call is written; rejects if a write fails. */
  async flush(): Promise<void> {
    while (this.queue.length > 0 || this.writing) {
      if (this.writing) {
        // A batch is out (or was started by the timer): wait for it, then look again.
        await this.writing;
        continue;
      }
      // Write now, without waiting for the delay or a retry backoff; a failure is the caller's.
      await this.startWriting(true);
    }
  }

  /** Writes everything queued and refuses further items (graceful shutdown). */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
  }

  /** Starts writing the head of the queue; only one batch is out at a time. */
  private startWriting(rethrow = false): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.writing || this.queue.length === 0) return this.writing ?? Promise.resolve();
    const attempt = this.writeBatch(rethrow);
    this.writing = attempt
      .catch(() => undefined)
      .finally(() => {
        this.writing = undefined;
        if (this.queue.length === 0) return;
        // After a failure, wait out the backoff; else the next batch goes at once when
        // full, or after the delay.
        const delay = this.retryMs > 0 ? this.retryMs : this.queue.length >= this.maxBatch ? 0 : this.maxDelayMs;
        this.schedule(delay);
      });
    return attempt;
  }

  private schedule(delay: number): void {
    if (this.timer) return;
    this.timer = setTimeout(() => void this.startWriting(), delay);
    // Pending writes never keep a process alive on their own: shutdown calls close().
    this.timer.unref();
  }

  /** Writes the head of the queue; a failure puts the items back (rethrown when `rethrow`). */
  private async writeBatch(rethrow: boolean): Promise<void> {
    const batch = this.queue.splice(0, this.maxBatch);
    if (batch.length === 0) return;
    try {
      await this.options.write(batch.map((queued) => queued.item));
      this.retryMs = 0;
      this.options.onBatch?.(batch.length);
      for (const queued of batch) queued.written();
    } catch (error) {
      this.queue.unshift(...batch);
      this.retryMs = Math.min(RETRY_MAX_MS, this.retryMs === 0 ? RETRY_FIRST_MS : this.retryMs * 2);
      this.options.onError?.(error, { pending: this.queue.length, dropped: 0 });
      if (rethrow) throw error;
    }
  }
}
