/**
 * Encrypted storage of user tokens: the cipher (`src/crypto/tokenCipher.ts`) with
 * associated data binding provider, org and user, so a ciphertext copied to another row
 * does not decrypt. The associated data is `["<provider>_tokens", org, user]`: for Zoom
 * that is exactly what the old `zoom_tokens` rows were sealed with, which is why migration
 * 3 could move them without re-encrypting and without anyone authorizing again.
 */
import { z } from 'zod';
import type { TokenCipher } from '../crypto/tokenCipher.js';
import type { StoredUserToken, UserTokenRepository } from '../store/types.js';

/** A user's tokens in the clear; only ever held in memory. */
export interface PlainTokens {
  accessToken: string;
  /** Absent when the provider never issued one: the user authorizes again once the access token expires. */
  refreshToken?: string;
}

const sealedSchema = z.object({ access_token: z.string(), refresh_token: z.string().optional() });

/** The associated data of a row. */
export function tokenAssociatedData(provider: string, org: string, userId: string): string {
  return JSON.stringify([`${provider}_tokens`, org, userId]);
}

/** Decrypts a stored row. */
export function openTokens(cipher: TokenCipher, row: StoredUserToken): PlainTokens {
  const plain = cipher.open(
    { keyId: row.keyId, ciphertext: row.ciphertext },
    tokenAssociatedData(row.provider, row.org, row.userId),
  );
  const parsed = sealedSchema.parse(JSON.parse(plain));
  return parsed.refresh_token === undefined
    ? { accessToken: parsed.access_token }
    : { accessToken: parsed.access_token, refreshToken: parsed.refresh_token };
}

/** Encrypts tokens into a row (account ids and expiry as given). */
export function sealTokens(
  cipher: TokenCipher,
  row: Omit<StoredUserToken, 'keyId' | 'ciphertext' | 'updatedAt'>,
  tokens: PlainTokens,
  now: number,
): StoredUserToken {
  const sealed = cipher.seal(
    JSON.stringify({ access_token: tokens.accessToken, refresh_token: tokens.refreshToken }),
    tokenAssociatedData(row.provider, row.org, row.userId),
  );
  return { ...row, keyId: sealed.keyId, ciphertext: sealed.ciphertext, updatedAt: now };
}

/**
 * Re-encrypts every stored token of every provider under the current key, each under its
 * row lock so it cannot overwrite a refresh in progress. Returns how many rows moved.
 */
export async function reencryptUserTokens(
  tokens: UserTokenRepository,
  cipher: TokenCipher,
  now: () => number,
): Promise<number> {
  let moved = 0;
  for (const listed of await tokens.list()) {
    if (listed.keyId === cipher.currentKeyId) continue;
    moved += await tokens.withLock(listed.provider, listed.org, listed.userId, async (current, tx) => {
      if (!current || current.keyId === cipher.currentKeyId) return 0;
      await tx.save(sealTokens(cipher, current, openTokens(cipher, current), now()));
      return 1;
    });
  }
  return moved;
}
