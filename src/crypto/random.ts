import { randomBytes } from 'node:crypto';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
// 252 is the largest multiple of 36 below 256: bytes at or above it are dropped so every
// character is equally likely (no modulo bias).
const UNBIASED_LIMIT = 252;
// One randomBytes call serves about 200 room names of 20 characters: the call itself (not
// the bytes) is what cost 7% of CPU when made once per name.
const POOL_BYTES = 4096;

/**
 * Maps random bytes to `[a-z0-9]` characters without bias, starting at `offset`: a byte
 * below 252 gives `ALPHABET[byte % 36]` (each character from exactly 7 byte values), a byte
 * at or above 252 is skipped. Stops after `length` characters or at the end of `bytes`.
 */
export function charactersFromBytes(bytes: Uint8Array, offset: number, length: number): { text: string; next: number } {
  let text = '';
  let index = offset;
  while (text.length < length && index < bytes.length) {
    const byte = bytes[index++] as number;
    if (byte < UNBIASED_LIMIT) text += ALPHABET[byte % 36];
  }
  return { text, next: index };
}

/** A source of random bytes; the crypto RNG unless a test counts the calls. */
export type ByteSource = (size: number) => Uint8Array;

/**
 * A pool of random bytes, refilled from `source` once used up. Each byte is handed out once,
 * so names drawn from one pool are as independent as separate randomBytes calls.
 */
export function createNamePool(source: ByteSource = randomBytes, poolBytes = POOL_BYTES): (length: number) => string {
  let pool: Uint8Array = new Uint8Array(0);
  let offset = 0;
  return (length) => {
    let name = '';
    while (name.length < length) {
      if (offset >= pool.length) {
        pool = source(poolBytes);
        offset = 0;
      }
      const drawn = charactersFromBytes(pool, offset, length - name.length);
      name += drawn.text;
      offset = drawn.next;
    }
    return name;
  };
}

const sharedPool = createNamePool();

/**
 * A random name of `length` characters from `[a-z0-9]`, from the crypto RNG.
 * 20 characters carry 20 × log2(36) ≈ 103 bits.
 */
export function randomName(length = 20): string {
  return sharedPool(length);
}

/** A random URL-safe token of `bytes` bytes. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}
