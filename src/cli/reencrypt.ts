/**
 * Re-encrypts every stored user token (every provider) under the current `token_encryption_key`:
 *   npm run re-encrypt
 * Run it after moving the old key to `token_encryption_key_previous`; once it reports
 * every row moved, the previous key can be removed from the secrets file.
 */
import { loadConfig } from '../config/index.js';
import { createTokenCipher } from '../crypto/tokenCipher.js';
import { openStore } from '../store/index.js';
import { reencryptUserTokens } from '../userAuth/vault.js';
import { runCommand } from './command.js';

const HELP = `
Usage: npm run re-encrypt

Rewrites every stored secret (users' provider tokens) under the current
token_encryption_key. Rotate a key by moving the old one to
token_encryption_key_previous, setting a new token_encryption_key, and running this;
once it reports every row moved, drop the previous key.
`;

await runCommand({ name: 're-encrypt', help: HELP, options: {} }, async () => {
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
});
