/**
 * The one configuration module: the only reader of `process.env` and of the secrets file.
 * It composes the core's settings schema with every provider module's, so `Config` is
 * inferred from the schemas; a bad value throws a ConfigError whose message is one line
 * naming the setting.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { z } from 'zod';
import type { ProviderModule, SettingsOf } from '../providers/module.js';
import { PROVIDER_MODULES } from '../providers/modules.js';
import { coreSettingsSchema, type CoreConfig } from './core.js';
import { prepareLocalSecrets } from './localSecrets.js';
import { readSecretsFile, type Secrets } from './secrets.js';
import { isLoopbackHost } from './urls.js';

export { encryptionKeyId, type EncryptionKey } from './core.js';

/** A start-up problem; its message is one line that names the setting. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** The built-in modules' settings, each under its module's key. */
export type ModuleSettings = {
  [M in (typeof PROVIDER_MODULES)[number] as M['key']]: SettingsOf<M>;
};

/** The service's settings, typed and validated: the core's and every module's. */
export type Config = CoreConfig &
  ModuleSettings & {
    /** The modules this config was composed from; their settings are under their keys. */
    readonly modules: readonly ProviderModule[];
  };

/** The outcome of loading: the config and what start-up should warn about. */
export interface LoadedConfig {
  config: Config;
  warnings: string[];
}

/** Environment variables callgate reads. */
export type Env = Record<string, string | undefined>;

/** Options of loadConfig besides the environment. */
export interface LoadOptions {
  /** The provider modules; the built-in list by default (tests add their own). */
  modules?: readonly ProviderModule[];
}

/**
 * Loads the configuration from the environment and the secrets file.
 * With no secrets file, local mode generates development secrets under the data directory.
 */
export function loadConfig(
  env: Env = process.env,
  cwd: string = process.cwd(),
  options: LoadOptions = {},
): LoadedConfig {
  const modules = options.modules ?? PROVIDER_MODULES;
  const warnings: string[] = [];
  const dataDir = resolve(cwd, env['DATA_DIR'] || './data');
  const secretsPath = resolve(cwd, env['SECRETS_FILE'] || './secrets.conf');
  let secrets: Secrets;
  let mode: Config['mode'];
  if (existsSync(secretsPath)) {
    const file = wrap('SECRETS_FILE', () => readSecretsFile(secretsPath, modules));
    secrets = file.secrets;
    warnings.push(...file.warnings);
    mode = 'production';
  } else if (env['SECRETS_FILE']) {
    throw new ConfigError(`SECRETS_FILE: ${secretsPath} does not exist`);
  } else {
    if (env['NODE_ENV'] === 'production') {
      throw new ConfigError(
        `secrets file ${secretsPath} not found, and local mode refuses to run with NODE_ENV=production; create it from secrets.example.conf`,
      );
    }
    // Local mode's demo sign-in mints an owner token for anyone who asks (SPEC §8, §9).
    if (env['HOST'] && !isLoopbackHost(env['HOST'])) {
      throw new ConfigError(
        `HOST: local mode listens on loopback only, since its demo sign-in lets anyone act as any user; use HOST=127.0.0.1, or create ${secretsPath} for production mode`,
      );
    }
    secrets = prepareLocalSecrets(dataDir, modules);
    mode = 'local';
    warnings.push(
      `LOCAL MODE: no secrets file at ${secretsPath}; using development secrets from ${dataDir}. NOT FOR PRODUCTION.`,
    );
  }
  const config = buildConfig({ env, secrets, mode, cwd, dataDir, modules });
  return { config, warnings };
}

/** Options of buildConfig: everything it reads, passed in so tests need no files. */
export interface BuildConfigOptions {
  env: Env;
  secrets: Secrets;
  mode?: Config['mode'];
  cwd?: string;
  dataDir?: string;
  /** The provider modules; the built-in list by default. */
  modules?: readonly ProviderModule[];
}

/** Validates settings and secrets into a Config; throws ConfigError naming the first bad one. */
export function buildConfig(options: BuildConfigOptions): Config {
  const cwd = options.cwd ?? process.cwd();
  const mode = options.mode ?? 'production';
  const modules = options.modules ?? PROVIDER_MODULES;
  const core = parseSettings(coreSettingsSchema, {
    env: options.env,
    secrets: options.secrets,
    cwd,
    dataDir: options.dataDir ?? resolve(cwd, './data'),
    mode,
  });
  const composed: Record<string, unknown> = { ...core, modules };
  for (const module of modules) {
    if (module.key in composed) throw new Error(`provider module key ${module.key} is taken`);
    const secrets = Object.fromEntries(module.secretNames.map((name) => [name, options.secrets[name]]));
    composed[module.key] = parseSettings(module.settings, { env: options.env, secrets, cwd, mode });
  }
  // The loop above filled exactly the keys ModuleSettings names, from the same modules' schemas.
  return composed as Config;
}

/** A module's settings in a config (unknown: the module's own `create` knows their type). */
export function moduleSettings(config: Config, module: ProviderModule): unknown {
  return (config as unknown as Record<string, unknown>)[module.key];
}

/** A copy of the config with one module's settings replaced (local mode's simulators). */
export function withModuleSettings(config: Config, module: ProviderModule, settings: unknown): Config {
  return { ...config, [module.key]: settings } as Config;
}

/** Parses a settings source; the first problem becomes a one-line ConfigError naming the setting. */
function parseSettings<S extends z.ZodType>(schema: S, source: unknown): z.output<S> {
  const result = schema.safeParse(source);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const name = issue?.path.at(-1);
  const message = (issue?.message ?? 'invalid').replace(/\s*\n\s*/g, ' ');
  throw new ConfigError(`${name === undefined ? 'configuration' : String(name)}: ${message}`);
}

function wrap<T>(name: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError(`${name}: ${reason}`);
  }
}
