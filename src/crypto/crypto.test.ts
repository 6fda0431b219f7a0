import { describe, expect, test } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { encryptionKeyId } from '../config/index.js';
import { CallgateError } from '../errors.js';
import { charactersFromBytes, createNamePool, randomName } from './random.js';
import { createTokenSigner } from './signedToken.js';
import { createTokenCipher } from './tokenCipher.js';

const key = (): { id: string; key: Buffer } => {
  const bytes = randomBytes(32);
  return { id: encryptionKeyId(bytes), key: bytes };
};

describe('randomName', () => {
  test('when names are drawn, then they use [a-z0-9] only, are 20 long and do not repeat', () => {
    const names = new Set(Array.from({ length: 5000 }, () => randomName()));
    expect(names.size).toBe(5000);
    for (const name of names) expect(name).toMatch(/^[a-z0-9]{20}$/);
  });

  test('when many characters are drawn, then every one of the 36 appears with about equal frequency', () => {
    const counts = new Map<string, number>();
    for (const char of Array.from({ length: 2000 }, () => randomName(36)).join('')) {
      counts.set(char, (counts.get(char) ?? 0) + 1);
    }
    expect(counts.size).toBe(36);
    const expected = (2000 * 36) / 36;
    for (const count of counts.values()) expect(Math.abs(count - expected) / expected).toBeLessThan(0.15);
  });

  test('when every byte value is mapped once, then each of the 36 characters comes from exactly 7 values and 252..255 give none', () => {
    const all = Uint8Array.from({ length: 256 }, (_, byte) => byte);
    const { text, next } = charactersFromBytes(all, 0, 1000);
    expect(next).toBe(256);
    expect(text).toHaveLength(252);
    const counts = new Map<string, number>();
    for (const char of text) counts.set(char, (counts.get(char) ?? 0) + 1);
    expect(counts.size).toBe(36);
    expect(new Set(counts.values())).toEqual(new Set([7]));
    expect(charactersFromBytes(Uint8Array.from([252, 253, 254, 255]), 0, 4)).toEqual({ text: '', next: 4 });
  });

  test('when names are drawn from a pool, then the source is asked once per pool and no byte is used twice', () => {
    const requested: number[] = [];
    let counter = 0;
    // Bytes 0..251 in order, so the characters show which bytes were used.
    const source = (size: number): Uint8Array => {
      requested.push(size);
      return Uint8Array.from({ length: size }, () => counter++ % 252);
    };
    const draw = createNamePool(source, 100);
    const names = Array.from({ length: 20 }, () => draw(20));
    expect(requested).toEqual([100, 100, 100, 100]);
    const expected = Array.from({ length: 400 }, (_, i) => 'abcdefghijklmnopqrstuvwxyz0123456789'[(i % 252) % 36]).join(
      '',
    );
    expect(names.join('')).toBe(expected);
  });

  test('when a pool ends inside a name, then the name continues from the next pool and skipped bytes are not counted', () => {
    const pools = [Uint8Array.from([0, 255, 1]), Uint8Array.from([253, 2, 3])];
    const draw = createNamePool(() => pools.shift() ?? new Uint8Array(0), 3);
    expect(draw(4)).toBe('abcd');
  });
});

describe('signed tokens', () => {
  const signer = createTokenSigner('s'.repeat(32), 'bigbluebutton');

  test('when a token is signed, then it verifies to the same payload', () => {
    expect(signer.verify(signer.sign({ a: 1, b: 'x' }))).toEqual({ a: 1, b: 'x' });
  });

  test.each([
    ['a flipped payload', (t: string) => `${Buffer.from('{"a":2}').toString('base64url')}.${t.split('.')[1]}`],
    ['a truncated signature', (t: string) => t.slice(0, -2)],
    ['no signature', (t: string) => t.split('.')[0] ?? ''],
    ['an extra part', (t: string) => `${t}.x`],
    ['garbage', () => '%%%'],
  ])('when a token has %s, then INVALID_SIGNATURE', (_name, alter) => {
    const token = alter(signer.sign({ a: 1 }));
    expect(() => signer.verify(token)).toThrow(new CallgateError('INVALID_SIGNATURE', 'Invalid signature.'));
  });

  test('when a token signed for one purpose is checked for another, then it is refused', () => {
    const jitsi = createTokenSigner('s'.repeat(32), 'jitsi');
    expect(() => jitsi.verify(signer.sign({ a: 1 }))).toThrow('Invalid signature.');
  });
});

describe('token cipher', () => {
  test('when a token is sealed, then the ciphertext hides it and opens only with the same associated data', () => {
    const cipher = createTokenCipher({ current: key(), previous: [] });
    const sealed = cipher.seal('access-token-123', 'acme/42');
    expect(sealed.ciphertext).not.toContain('access-token-123');
    expect(sealed.keyId).toBe(cipher.currentKeyId);
    expect(cipher.open(sealed, 'acme/42')).toBe('access-token-123');
    expect(() => cipher.open(sealed, 'acme/43')).toThrow();
  });

  test('when the key was rotated, then old ciphertexts open with the previous key, and unknown keys fail', () => {
    const oldKey = key();
    const sealed = createTokenCipher({ current: oldKey, previous: [] }).seal('x', 'ad');
    const rotated = createTokenCipher({ current: key(), previous: [oldKey] });
    expect(rotated.open(sealed, 'ad')).toBe('x');
    expect(() => createTokenCipher({ current: key(), previous: [] }).open(sealed, 'ad')).toThrow(/no encryption key/);
  });

  test('when a ciphertext is altered, then it does not open', () => {
    const cipher = createTokenCipher({ current: key(), previous: [] });
    const sealed = cipher.seal('secret', 'ad');
    const raw = Buffer.from(sealed.ciphertext, 'base64url');
    raw[14] = (raw[14] ?? 0) ^ 1;
    expect(() => cipher.open({ ...sealed, ciphertext: raw.toString('base64url') }, 'ad')).toThrow();
  });
});
