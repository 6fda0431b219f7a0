/** PEM key files named by settings (AUTH_JWT_PUBLIC_KEY_FILE, JITSI_JAAS_PRIVATE_KEY_FILE). */
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** Reads a PEM file and checks that it looks like the expected kind of key. */
export function readPem(path: string, kind: string): string {
  const text = readFileSync(path, 'utf8');
  if (!text.includes(`-----BEGIN`) || !text.includes(kind.split(' ').pop() ?? kind)) {
    throw new Error(`${path} is not a PEM ${kind}`);
  }
  return text;
}

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
