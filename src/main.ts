/** Start-up: config → store → app → listen; graceful shutdown on SIGTERM/SIGINT. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildApp } from './app.js';
import { describeListenError } from './http/listenError.js';
import { ConfigError, loadConfig, type LoadedConfig } from './config/index.js';
import { localModeBanner, restrictLocalDatabase, type LocalRouter } from './local/index.js';
import { tuneHeap } from './heap.js';
import { createLogger } from './log.js';
import { createMetrics } from './metrics.js';
import { createServices } from './services.js';
import { openStore } from './store/index.js';

function configOrExit(env: NodeJS.ProcessEnv): LoadedConfig {
  try {
    return loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`callgate: configuration error: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

async function main(): Promise<void> {
  tuneHeap(process.execArgv, process.env['NODE_OPTIONS']);
  let loaded = configOrExit(process.env);
  // Bind first: with PORT=0 the default PUBLIC_URL (and the local simulators' URLs) can
  // only be known once the kernel has picked the port.
  const server: Server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) =>
      reject(new Error(describeListenError(error, loaded.config.host, loaded.config.port))),
    );
    server.listen(loaded.config.port, loaded.config.host, resolve);
  });
  const port = (server.address() as AddressInfo).port;
  if (loaded.config.port === 0) loaded = configOrExit({ ...process.env, PORT: String(port) });

  const warnings = [...loaded.warnings];
  let config = loaded.config;
  let localRouters: LocalRouter[] = [];
  if (config.mode === 'local') {
    restrictLocalDatabase(config.databaseUrl);
    // Loaded here, in local mode only: a production process never imports a simulator.
    const { localSimulators } = await import('./local/simulators/index.js');
    const simulators = await localSimulators(config);
    config = simulators.config;
    localRouters = simulators.routers;
    if (simulators.simulated.length > 0) {
      warnings.push(`LOCAL MODE: simulated providers (no real accounts): ${simulators.simulated.join(', ')}`);
    }
  }
  const logger = createLogger({ level: config.logLevel });
  for (const warning of warnings) logger.warn(warning);
  if (config.mode === 'local') {
    process.stderr.write(
      '\n*** callgate is running in LOCAL MODE with generated development secrets. NOT FOR PRODUCTION. ***\n\n',
    );
  }

  const metrics = createMetrics({ defaultMetrics: true });
  const store = await openStore(config.databaseUrl, {
    onError: (error) => logger.error({ err: error }, 'database error'),
    onCallRecordBatch: () => metrics.callRecordBatches.inc(),
  });
  const services = createServices({ config, store, logger, metrics });
  server.on('request', buildApp(services, { localRouters }));
  server.keepAliveTimeout = 65_000;
  logger.info({ port, host: config.host, mode: config.mode, database: store.kind }, 'callgate listening');
  const hostPart = config.host.includes(':') ? `[${config.host}]` : config.host;
  process.stdout.write(`callgate listening on http://${hostPart}:${port} (${config.mode} mode)\n`);
  if (config.mode === 'local') process.stdout.write(localModeBanner(config.publicUrl));

  let shuttingDown = false;
  const shutdown = (signal: string): void => {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.info({ signal }, 'shutting down');
    // Stop accepting, let requests in flight finish (10 s at most), then write the call
    // records still queued (they are batched) before exiting.
    const drained = new Promise<void>((resolve) => {
      server.close(() => resolve());
      setTimeout(resolve, 10_000).unref();
    });
    // A keep-alive connection turns idle once its last answer is sent: close those as they come.
    server.closeIdleConnections();
    const closeIdle = setInterval(() => server.closeIdleConnections(), 50);
    setTimeout(() => process.exit(1), 20_000).unref();
    void drained
      .then(async () => {
        clearInterval(closeIdle);
        server.closeAllConnections();
        await services.close();
        await store.close();
      })
      .then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error(
            { err: error, pending: store.callRecords.pending() },
            'shutdown: queued call records not written',
          );
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`callgate: failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
