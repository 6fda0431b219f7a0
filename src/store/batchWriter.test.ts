import { afterEach, beforeEach, describe, expect, jest, test } from '@jest/globals';
import { BatchWriter } from './batchWriter.js';

/** A sink whose writes the test completes or fails by hand. */
function manualSink(): {
  write(items: number[]): Promise<void>;
  calls: number[][];
  written: number[];
  settle(outcome?: Error): Promise<void>;
} {
  const waiting: Array<{ items: number[]; resolve(): void; reject(error: Error): void }> = [];
  const sink = {
    calls: [] as number[][],
    written: [] as number[],
    write(items: number[]): Promise<void> {
      sink.calls.push([...items]);
      return new Promise<void>((resolve, reject) => waiting.push({ items, resolve, reject }));
    },
    async settle(outcome?: Error): Promise<void> {
      const next = waiting.shift();
      if (!next) throw new Error('no write is waiting');
      if (outcome) next.reject(outcome);
      else {
        sink.written.push(...next.items);
        next.resolve();
      }
      // Let the writer's continuations run.
      for (let i = 0; i < 5; i++) await Promise.resolve();
    },
  };
  return sink;
}

describe('BatchWriter', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  test('when fewer than a batch are queued, then nothing is written until the delay has passed, then all in one write', async () => {
    const sink = manualSink();
    const writer = new BatchWriter<number>({ write: (items) => sink.write(items), maxBatch: 10, maxDelayMs: 5 });
    void writer.add(1);
    void writer.add(2);
    jest.advanceTimersByTime(4);
    expect(sink.calls).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(sink.calls).toEqual([[1, 2]]);
    await sink.settle();
    expect(writer.pending).toBe(0);
  });

  test('when a batch fills, then it is written at once; items arriving meanwhile form the next batch', async () => {
    const sink = manualSink();
    const writer = new BatchWriter<number>({ write: (items) => sink.write(items), maxBatch: 3, maxDelayMs: 1000 });
    for (const item of [1, 2, 3]) void writer.add(item);
    expect(sink.calls).toEqual([[1, 2, 3]]);
    for (const item of [4, 5, 6, 7]) void writer.add(item);
    // One batch at a time: the second waits for the first.
    expect(sink.calls).toHaveLength(1);
    await sink.settle();
    jest.advanceTimersByTime(0);
    expect(sink.calls).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    await sink.settle();
    jest.advanceTimersByTime(1000);
    expect(sink.calls[2]).toEqual([7]);
    await sink.settle();
    expect(sink.written).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  test('when a write fails, then its items stay queued, are retried after a backoff and written once', async () => {
    const sink = manualSink();
    const errors: unknown[] = [];
    const writer = new BatchWriter<number>({
      write: (items) => sink.write(items),
      maxBatch: 10,
      maxDelayMs: 5,
      onError: (error) => errors.push(error),
    });
    void writer.add(1);
    jest.advanceTimersByTime(5);
    await sink.settle(new Error('database down'));
    expect(errors).toHaveLength(1);
    expect(writer.pending).toBe(1);
    void writer.add(2);
    jest.advanceTimersByTime(49);
    expect(sink.calls).toHaveLength(1);
    jest.advanceTimersByTime(1);
    expect(sink.calls[1]).toEqual([1, 2]);
    await sink.settle();
    expect(sink.written).toEqual([1, 2]);
    expect(writer.pending).toBe(0);
  });

  test('when flushed or closed, then everything queued is written without waiting for the delay, and close refuses more', async () => {
    const written: number[] = [];
    const writer = new BatchWriter<number>({
      write: async (items) => {
        written.push(...items);
      },
      maxBatch: 2,
      maxDelayMs: 60_000,
    });
    for (const item of [1, 2, 3, 4, 5]) void writer.add(item);
    await writer.flush();
    expect(written).toEqual([1, 2, 3, 4, 5]);
    void writer.add(6);
    await writer.close();
    expect(written).toEqual([1, 2, 3, 4, 5, 6]);
    await expect(writer.add(7)).rejects.toThrow('closed');
  });

  test('when a flush cannot write, then it rejects and the items stay queued for the next attempt', async () => {
    let failing = true;
    const written: number[] = [];
    const writer = new BatchWriter<number>({
      write: async (items) => {
        if (failing) throw new Error('database down');
        written.push(...items);
      },
      maxDelayMs: 60_000,
    });
    const first = writer.add(1);
    await expect(writer.flush()).rejects.toThrow('database down');
    expect(writer.pending).toBe(1);
    failing = false;
    await writer.flush();
    await first;
    expect(written).toEqual([1]);
  });

  test('when the database stays down past maxPending items, then the oldest are dropped, reported and their promises rejected', async () => {
    const reports: Array<{ pending: number; dropped: number }> = [];
    const writer = new BatchWriter<number>({
      write: () => new Promise<void>(() => undefined),
      maxBatch: 2,
      maxPending: 3,
      onError: (_error, context) => reports.push(context),
    });
    // The first two go out (and never return); the queue then holds at most 3.
    const outcomes: string[] = [];
    for (const item of [1, 2, 3, 4, 5, 6, 7]) {
      writer.add(item).then(
        () => (outcomes[item] = 'written'),
        (error: Error) => (outcomes[item] = error.message),
      );
    }
    expect(writer.pending).toBe(3);
    expect(reports).toEqual([
      { pending: 3, dropped: 1 },
      { pending: 3, dropped: 1 },
    ]);
    for (let i = 0; i < 5; i++) await Promise.resolve();
    // 1 and 2 are out, 3 and 4 were dropped, 5 to 7 wait.
    expect(outcomes).toEqual([undefined, undefined, undefined, 'dropped 1 queued items', 'dropped 1 queued items']);
  });

  test('when an item is queued, then its promise resolves once its batch is written, not before', async () => {
    const sink = manualSink();
    const writer = new BatchWriter<number>({ write: (items) => sink.write(items), maxBatch: 2 });
    let written = false;
    const queued = writer.add(1).then(() => (written = true));
    void writer.add(2);
    await Promise.resolve();
    expect(written).toBe(false);
    await sink.settle();
    await queued;
    expect(written).toBe(true);
  });
});
