import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ProviderModule } from '../providers/module.js';
import { formatSecrets, parseSecrets, type Secrets } from './secrets.js';

/** File under the data directory where local mode keeps its generated secrets. */
export const LOCAL_SECRETS_FILE = 'local-secrets.conf';

/**
 * Returns local mode's development secrets, generating them on first use so that
 * tokens and stored ciphertexts survive a restart. Never used in production mode.
 */
export function prepareLocalSecrets(dataDir: string, modules: readonly ProviderModule[]): Secrets {
  const path = join(dataDir, LOCAL_SECRETS_FILE);
  // The directory is local mode's own: only this user may list or read it.
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  chmodSync(dataDir, 0o700);
  if (existsSync(path)) return parseSecrets(readFileSync(path, 'utf8'), path, modules);
  const secrets: Secrets = {
    auth_jwt_secret: randomBytes(32).toString('base64url'),
    signing_secret: randomBytes(32).toString('base64url'),
    token_encryption_key: randomBytes(32).toString('base64'),
    ...Object.fromEntries(
      modules
        .flatMap((module) => module.localSecretNames ?? [])
        .map((name) => [name, randomBytes(24).toString('base64url')]),
    ),
  };
  writeFileSync(path, formatSecrets(secrets, modules), { mode: 0o600 });
  chmodSync(path, 0o600);
  return secrets;
}
