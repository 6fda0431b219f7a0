/** Checks the configuration and prints what is available: `npm run check-config`. */
import { ConfigError, loadConfig, moduleSettings } from '../config/index.js';
import { createLogger } from '../log.js';
import { createServices } from '../services.js';
import { openStore } from '../store/index.js';

try {
  const { config, warnings } = loadConfig();
  for (const warning of warnings) process.stdout.write(`warning: ${warning}\n`);
  const store = await openStore(config.databaseUrl);
  const services = createServices({ config, store, logger: createLogger({ level: 'silent' }) });
  process.stdout.write(`mode: ${config.mode}\ndatabase: ${store.kind}\npublic URL: ${config.publicUrl}\nproviders:\n`);
  for (const provider of services.registry.describe({ org: 'example', fields: {} })) {
    process.stdout.write(
      `  ${provider.id.padEnd(22)} ${provider.available ? 'available' : `unavailable: ${provider.reason}`}\n`,
    );
  }
  for (const module of config.modules) {
    for (const line of module.configLines?.(moduleSettings(config, module)) ?? []) {
      process.stdout.write(`  ${line.label}: ${line.value}\n`);
    }
  }
  await store.close();
  process.stdout.write('configuration OK\n');
} catch (error) {
  process.stderr.write(`configuration error: ${error instanceof ConfigError ? error.message : String(error)}\n`);
  process.exit(1);
}
