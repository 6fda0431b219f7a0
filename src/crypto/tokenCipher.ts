/**
 * Encryption of stored provider tokens: AES-256-GCM under `token_encryption_key`.
 * Each ciphertext is stored beside the id of its key, so keys listed in
 * `token_encryption_key_previous` still decrypt after a rotation, and `re-encrypt`
 * can move everything to the current key.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { EncryptionKey } from '../config/index.js';

/** A ciphertext and the id of the key that made it. */
export interface Sealed {
  keyId: string;
  /** base64url of iv ‖ ciphertext ‖ tag. */
  ciphertext: string;
}

/** Encrypts with the current key and decrypts with any known key. */
export interface TokenCipher {
  /** Id of the key new ciphertexts use. */
  readonly currentKeyId: string;
  seal(plaintext: string, associatedData: string): Sealed;
  open(sealed: Sealed, associatedData: string): string;
}

const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Creates the cipher. `associatedData` binds a ciphertext to its row (org and user),
 * so a ciphertext copied to another user's row does not decrypt.
 */
export function createTokenCipher(keys: { current: EncryptionKey; previous: EncryptionKey[] }): TokenCipher {
  const byId = new Map<string, Buffer>();
  for (const key of [keys.current, ...keys.previous]) byId.set(key.id, key.key);
  return {
    currentKeyId: keys.current.id,
    seal(plaintext, associatedData) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', keys.current.key, iv);
      cipher.setAAD(Buffer.from(associatedData));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return {
        keyId: keys.current.id,
        ciphertext: Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url'),
      };
    },
    open(sealed, associatedData) {
      const key = byId.get(sealed.keyId);
      if (!key) throw new Error(`no encryption key with id ${sealed.keyId}`);
      const raw = Buffer.from(sealed.ciphertext, 'base64url');
      const iv = raw.subarray(0, IV_BYTES);
      const tag = raw.subarray(raw.length - TAG_BYTES);
      const decipher = createDecipheriv('aes-256-gcm', key, iv);
      decipher.setAAD(Buffer.from(associatedData));
      decipher.setAuthTag(tag);
      return Buffer.concat([
        decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)),
        decipher.final(),
      ]).toString('utf8');
    },
  };
}
