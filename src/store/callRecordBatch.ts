/**
 * Call records in batches (group commit): `record` queues and returns at once to the
 * caller that does not wait (the request path), its promise resolving once the batch
 * is written; counts write what is queued first, so a reader always sees every record.
 */
import { BatchWriter } from './batchWriter.js';
import type { CallRecord, CallRecordRepository, StoreOptions } from './types.js';

/** The repository with its queue: the store's close() calls close(). */
export interface BatchedCallRecords extends CallRecordRepository {
  /** Writes what is queued and refuses more (store close, shutdown). */
  close(): Promise<void>;
}

/** Wraps a dialect's multi-row insert and count query. */
export function batchedCallRecords(deps: {
  /** Inserts many records in one statement (one round trip). */
  insertMany(calls: CallRecord[]): Promise<void>;
  countByDay: CallRecordRepository['countByDay'];
  options: StoreOptions;
}): BatchedCallRecords {
  const { onError, onCallRecordBatch } = deps.options;
  const queue = new BatchWriter<CallRecord>({
    write: (calls) => deps.insertMany(calls),
    onError: (error) => onError?.(error instanceof Error ? error : new Error(String(error))),
    ...(onCallRecordBatch ? { onBatch: onCallRecordBatch } : {}),
  });
  return {
    record: (call) => queue.add(call),
    pending: () => queue.pending,
    async countByDay(org, options) {
      await queue.flush();
      return deps.countByDay(org, options);
    },
    close: () => queue.close(),
  };
}
