/**
 * The secrets file (SPEC §7, §9): INI-shaped, read verbatim as Zulip reads its secrets. A
 * value runs from the first `=` to the end of its line, trimmed; `;` and `#` start a comment
 * only at the beginning of a line. A general INI parser would cut `a;b` or `a#b` to `a`
 * (inline comments) and unquote `"…"`, silently weakening a generated secret.
 */
import { readFileSync, statSync } from 'node:fs';
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

/** Parses the text of a secrets file; only the `[secrets]` section is read. */
export function parseSecrets(
  text: string,
  source: string,
  modules: readonly ProviderModule[] = PROVIDER_MODULES,
): Secrets {
  const known = secretNames(modules);
  const secrets: Secrets = {};
  let section: string | null = null;
  let sawSecrets = false;
  const lines = text.split(/\r?\n/);
  for (const [index, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith(';') || line.startsWith('#')) continue;
    const header = /^\[(.*)\]$/.exec(line);
    if (header) {
      section = (header[1] ?? '').trim();
      if (section === 'secrets') sawSecrets = true;
      continue;
    }
    if (section !== 'secrets') continue;
    const equals = line.indexOf('=');
    if (equals < 0) throw new Error(`${source}: line ${index + 1} is not "name = value"`);
    const name = line.slice(0, equals).trim();
    if (!known.includes(name)) throw new Error(`${source}: unknown secret "${name}"`);
    if (secrets[name] !== undefined) throw new Error(`${source}: secret "${name}" is set twice`);
    const value = line.slice(equals + 1).trim();
    if (value !== '') secrets[name] = value;
  }
  if (!sawSecrets) throw new Error(`${source}: no [secrets] section`);
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
