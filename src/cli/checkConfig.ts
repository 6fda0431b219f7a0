/** Checks the configuration and prints what is available: `npm run check-config`. */
import { loadConfig, moduleSettings } from '../config/index.js';
import { createLogger } from '../log.js';
import { createServices } from '../services.js';
import { openStore } from '../store/index.js';
import { runCommand } from './command.js';

const HELP = `
Usage: npm run check-config

Reads the environment and the secrets file exactly as \`npm start\` would, reports every
problem as one line naming the setting, and lists which providers are available and why
the others are not. Exits 1 when the configuration would not start.
`;

await runCommand({ name: 'check-config', help: HELP, options: {} }, async () => {
  const loaded = loadConfig();
  let config = loaded.config;
  for (const warning of loaded.warnings) process.stdout.write(`warning: ${warning}\n`);
  // Local mode serves providers without settings from its simulators: say so, as the
  // running server would offer them.
  let simulated: string[] = [];
  if (config.mode === 'local') {
    const { localSimulators } = await import('../local/simulators/index.js');
    ({ config, simulated } = await localSimulators(config));
  }
  const store = await openStore(config.databaseUrl);
  try {
    const services = createServices({ config, store, logger: createLogger({ level: 'silent' }) });
    process.stdout.write(
      `mode: ${config.mode}\ndatabase: ${store.kind}\npublic URL: ${config.publicUrl}\nproviders:\n`,
    );
    for (const provider of services.registry.describe({ org: 'example', fields: {} })) {
      process.stdout.write(
        `  ${provider.id.padEnd(22)} ${provider.available ? `available${simulated.includes(provider.id) ? ' (simulated in local mode)' : ''}` : `unavailable: ${provider.reason}`}\n`,
      );
    }
    for (const module of config.modules) {
      for (const line of module.configLines?.(moduleSettings(config, module)) ?? []) {
        process.stdout.write(`  ${line.label}: ${line.value}\n`);
      }
    }
  } finally {
    await store.close();
  }
  process.stdout.write('configuration OK\n');
});
