/** Start-up: config → store → app → listen; graceful shutdown on SIGTERM/SIGINT. */
import type { Server } from 'node:http';
import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './config/index.js';
import { createLogger } from './log.js';
import { createMetrics } from './metrics.js';
import { localModeBanner } from './local/index.js';
import { createServices } from './services.js';
import { openStore } from './store/index.js';

async function main(): Promise<void> {
  let loaded;
  try {
    loaded = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`callgate: configuration error: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const { config, warnings } = loaded;
  const logger = createLogger({ level: config.logLevel });
  for (const warning of warnings) logger.warn(warning);
  if (config.mode === 'local') {
    process.stderr.write(
      '\n*** callgate is running in LOCAL MODE with generated development secrets. NOT FOR PRODUCTION. ***\n\n',
    );
  }

  const store = await openStore(config.databaseUrl, {
    onError: (error) => logger.error({ err: error }, 'database connection error'),
  });
  const services = createServices({ config, store, logger, metrics: createMetrics({ defaultMetrics: true }) });
  const app = buildApp(services);
  const server: Server = app.listen(config.port, config.host, () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    logger.info({ port, host: config.host, mode: config.mode, database: store.kind }, 'callgate listening');
    process.stdout.write(`callgate listening on http://${config.host}:${port} (${config.mode} mode)\n`);
    if (config.mode === 'local') {
      // With PORT=0 the public URL cannot know the port; the bound address can.
      const hostPart = config.host.includes(':') ? `[${config.host}]` : config.host;
      process.stdout.write(localModeBanner(config.port === 0 ? `http://${hostPart}:${port}` : config.publicUrl));
    }
  });
  server.keepAliveTimeout = 65_000;

  const shutdown = (signal: string): void => {
    logger.info({ signal }, 'shutting down');
    server.close(() => {
      void store.close().finally(() => process.exit(0));
    });
    setTimeout(() => process.exit(0), 10_000).unref();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`callgate: failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
