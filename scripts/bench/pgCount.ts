/**
 * A TCP proxy in front of PostgreSQL that counts round trips: every simple Query ('Q') and
 * every Sync ('S', the end of an extended-protocol query) a client sends is one request the
 * client then waits for. Used by `npm run bench` to measure round trips per call.
 */
import net from 'node:net';

/** A running counting proxy. */
export interface PgCountingProxy {
  port: number;
  /** Round trips since start or the last reset. */
  roundTrips(): number;
  reset(): void;
  close(): Promise<void>;
}

/** Counts the round trips in one client's byte stream (after the startup message). */
function clientCounter(onRoundTrip: () => void): (chunk: Buffer) => void {
  let buffered = Buffer.alloc(0);
  let startupDone = false;
  return (chunk) => {
    buffered = Buffer.concat([buffered, chunk]);
    for (;;) {
      if (!startupDone) {
        // The startup message (and an SSL request) has a length but no type byte.
        if (buffered.length < 4) return;
        const length = buffered.readInt32BE(0);
        if (buffered.length < length) return;
        const code = buffered.readInt32BE(4);
        buffered = buffered.subarray(length);
        if (code !== 80877103) startupDone = true;
        continue;
      }
      if (buffered.length < 5) return;
      const type = String.fromCharCode(buffered[0] ?? 0);
      const length = buffered.readInt32BE(1);
      if (buffered.length < 1 + length) return;
      if (type === 'Q' || type === 'S') onRoundTrip();
      buffered = buffered.subarray(1 + length);
    }
  };
}

/** Starts the proxy on 127.0.0.1:0 in front of `target`. */
export async function startPgCountingProxy(target: { host: string; port: number }): Promise<PgCountingProxy> {
  let count = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    const counter = clientCounter(() => count++);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.on('data', (chunk: Buffer) => {
      counter(chunk);
      upstream.write(chunk);
    });
    client.on('end', () => upstream.end());
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    roundTrips: () => count,
    reset() {
      count = 0;
    },
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** The same database URL, reached through the proxy. */
export function throughProxy(databaseUrl: string, port: number): string {
  const url = new URL(databaseUrl);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  return url.toString();
}
