import { readFileSync, statSync } from 'node:fs';
import { parse } from 'ini';
import type { ProviderModule } from '../providers/module.js';
import { PROVIDER_MODULES } from '../providers/modules.js';
import { CORE_SECRET_NAMES } from './core.js';

/** Names of every secret the `[secrets]` section may hold (SPEC §7): the core's and the modules'. */
export function secretNames(modules: readonly ProviderModule[] = PROVIDER_MODULES): string[] {
  return [...CORE_SECRET_NAMES, ...modules.flatMap((module) => module.secretNames)];
}

/** One secret's name: the core's and the built-in modules' (SPEC §7). */
export type SecretName = (typeof CORE_SECRET_NAMES)[number] | (typeof PROVIDER_MODULES)[number]['secretNames'][number];

/** The secrets as read: a name maps to its trimmed, non-empty value (modules added in tests may have more). */
export type Secrets = Partial<Record<SecretName, string>> & { [name: string]: string | undefined };

/** A secrets file that was read, with what is worth warning about. */
export interface SecretsFile {
  secrets: Secrets;
  warnings: string[];
}

/** Reads an INI secrets file; unknown keys are refused so that a typo is not silently ignored. */
export function readSecretsFile(path: string, modules: readonly ProviderModule[] = PROVIDER_MODULES): SecretsFile {
  const warnings: string[] = [];
  // Group and other read bits both matter: a secret readable by anyone but the service is exposed.
  if ((statSync(path).mode & 0o044) !== 0) {
    warnings.push(`secrets file ${path} is readable by other users; run: chmod 600 ${path}`);
  }
  return { secrets: parseSecrets(readFileSync(path, 'utf8'), path, modules), warnings };
}

/** Parses the text of a secrets file. */
export function parseSecrets(
  text: string,
  source: string,
  modules: readonly ProviderModule[] = PROVIDER_MODULES,
): Secrets {
  const known = secretNames(modules);
  const parsed = parse(text) as Record<string, unknown>;
  const section = parsed['secrets'];
  if (section === undefined || typeof section !== 'object' || section === null) {
    throw new Error(`${source}: no [secrets] section`);
  }
  const secrets: Secrets = {};
  for (const [name, value] of Object.entries(section as Record<string, unknown>)) {
    if (!known.includes(name)) {
      throw new Error(`${source}: unknown secret "${name}"`);
    }
    if (typeof value !== 'string') {
      throw new Error(`${source}: secret "${name}" must be a single value`);
    }
    const trimmed = value.trim();
    if (trimmed !== '') secrets[name] = trimmed;
  }
  return secrets;
}

/** Renders secrets as INI text, as local mode writes them. */
export function formatSecrets(secrets: Secrets, modules: readonly ProviderModule[] = PROVIDER_MODULES): string {
  const lines = ['[secrets]'];
  for (const name of secretNames(modules)) {
    const value = secrets[name];
    if (value !== undefined) lines.push(`${name} = ${value}`);
  }
  return `${lines.join('\n')}\n`;
}
