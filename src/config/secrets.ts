import { readFileSync, statSync } from 'node:fs';
import { parse } from 'ini';

/** Names of every secret the `[secrets]` section may hold (SPEC §7). */
export const SECRET_NAMES = [
  'auth_jwt_secret',
  'signing_secret',
  'token_encryption_key',
  'token_encryption_key_previous',
  'video_zoom_client_secret',
  'video_zoom_webhook_secret',
  'big_blue_button_secret',
  'jitsi_jwt_app_secret',
] as const;

/** One secret's name. */
export type SecretName = (typeof SECRET_NAMES)[number];

/** The secrets as read: a name maps to its trimmed, non-empty value. */
export type Secrets = Partial<Record<SecretName, string>>;

/** A secrets file that was read, with what is worth warning about. */
export interface SecretsFile {
  secrets: Secrets;
  warnings: string[];
}

/** Reads an INI secrets file; unknown keys are refused so that a typo is not silently ignored. */
export function readSecretsFile(path: string): SecretsFile {
  const warnings: string[] = [];
  // Group and other read bits both matter: a secret readable by anyone but the service is exposed.
  if ((statSync(path).mode & 0o044) !== 0) {
    warnings.push(`secrets file ${path} is readable by other users; run: chmod 600 ${path}`);
  }
  return { secrets: parseSecrets(readFileSync(path, 'utf8'), path), warnings };
}

/** Parses the text of a secrets file. */
export function parseSecrets(text: string, source: string): Secrets {
  const parsed = parse(text) as Record<string, unknown>;
  const section = parsed['secrets'];
  if (section === undefined || typeof section !== 'object' || section === null) {
    throw new Error(`${source}: no [secrets] section`);
  }
  const secrets: Secrets = {};
  for (const [name, value] of Object.entries(section as Record<string, unknown>)) {
    if (!(SECRET_NAMES as readonly string[]).includes(name)) {
      throw new Error(`${source}: unknown secret "${name}"`);
    }
    if (typeof value !== 'string') {
      throw new Error(`${source}: secret "${name}" must be a single value`);
    }
    const trimmed = value.trim();
    if (trimmed !== '') secrets[name as SecretName] = trimmed;
  }
  return secrets;
}

/** Renders secrets as INI text, as local mode writes them. */
export function formatSecrets(secrets: Secrets): string {
  const lines = ['[secrets]'];
  for (const name of SECRET_NAMES) {
    const value = secrets[name];
    if (value !== undefined) lines.push(`${name} = ${value}`);
  }
  return `${lines.join('\n')}\n`;
}
