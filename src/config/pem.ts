/** The host's public key file (AUTH_JWT_PUBLIC_KEY_FILE), checked to be a public key only. */
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { readPem } from './fields.js';

/**
 * Reads a PEM public key. A private key is refused: Node would quietly derive its public
 * half, but callgate must never hold the key that can mint identities.
 */
export function readPublicKey(path: string): string {
  const text = readPem(path, 'PUBLIC KEY');
  if (parses(() => createPrivateKey(text))) {
    throw new Error(`${path} holds a private key; give only the public key (openssl pkey -in key.pem -pubout)`);
  }
  if (!parses(() => createPublicKey(text))) throw new Error(`${path} is not a PEM public key`);
  return text;
}

function parses(fn: () => unknown): boolean {
  try {
    fn();
    return true;
  } catch {
    return false;
  }
}
