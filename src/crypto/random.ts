import { randomBytes } from 'node:crypto';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
// 252 is the largest multiple of 36 below 256: bytes at or above it are dropped so every
// character is equally likely (no modulo bias).
const UNBIASED_LIMIT = 252;

/**
 * A random name of `length` characters from `[a-z0-9]`, from the crypto RNG.
 * 20 characters carry 20 × log2(36) ≈ 103 bits.
 */
export function randomName(length = 20): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < UNBIASED_LIMIT) out += ALPHABET[byte % 36];
      if (out.length === length) break;
    }
  }
  return out;
}

/** A random URL-safe token of `bytes` bytes. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}
