/** Starts a simulator's Express app on 127.0.0.1 (tests and tools run simulators this way). */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express, type Router } from 'express';

/** A server listening on loopback. */
export interface LoopbackServer {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1 at `port` (0: any free port). */
export async function listenOnLoopback(app: Express, port = 0): Promise<LoopbackServer> {
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(port, '127.0.0.1', () => resolve(listening));
  });
  const address = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${address.port}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A simulator router served on its own port. */
export interface ServedRouter {
  /** `http://127.0.0.1:<port>`, the simulator's base URL. */
  url: string;
  close(): Promise<void>;
}

/** Serves `router` on 127.0.0.1 at an ephemeral port (tests and the bench). */
export async function serveOnLoopback(router: Router): Promise<ServedRouter> {
  const app = express();
  app.disable('x-powered-by');
  app.use(router);
  const server = await listenOnLoopback(app);
  return { url: server.origin, close: () => server.close() };
}

/**
 * Serves `router` under `mountPath` (a server with a path) on 127.0.0.1 at an ephemeral port;
 * unmatched requests fail loudly with a 404 naming the simulator. `url` ends with `mountPath/`.
 */
export async function serveUnderPath(name: string, mountPath: string, router: Router): Promise<ServedRouter> {
  const app = express();
  app.disable('x-powered-by');
  app.use(mountPath, router);
  app.use((req, res) => {
    res.status(404).type('text/plain').send(`${name}: no route for ${req.method} ${req.path}`);
  });
  const server = await listenOnLoopback(app);
  return { url: `${server.origin}${mountPath}/`, close: () => server.close() };
}
