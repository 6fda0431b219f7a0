/**
 * Re-encrypts every stored user token (every provider) under the current `token_encryption_key`:
 *   npm run re-encrypt
 * Run it after moving the old key to `token_encryption_key_previous`; once it reports
 * every row moved, the previous key can be removed from the secrets file.
 */
import { ConfigError, loadConfig } from '../config/index.js';
import { createTokenCipher } from '../crypto/tokenCipher.js';
import { openStore } from '../store/index.js';
import { reencryptUserTokens } from '../userAuth/vault.js';

try {
  const { config } = loadConfig();
  const store = await openStore(config.databaseUrl);
  try {
    const cipher = createTokenCipher(config.tokenEncryption);
    const total = (await store.userTokens.list()).length;
    const moved = await reencryptUserTokens(store.userTokens, cipher, Date.now);
    process.stdout.write(`re-encrypt: ${moved} of ${total} user tokens moved to key ${cipher.currentKeyId}\n`);
  } finally {
    await store.close();
  }
} catch (error) {
  process.stderr.write(`re-encrypt: ${error instanceof ConfigError ? error.message : String(error)}\n`);
  process.exit(1);
}
