/**
 * Constructor Groups' API authentication: `Authorization: Bearer AK|<hex sha256 of "AK|SK">`.
 * The secret key itself never travels; the server recomputes the digest from the access key
 * it knows. The digest is the same on every request (no nonce or timestamp), so it is as
 * sensitive as the secret key and is redacted wherever a body is quoted.
 */
import { createHash } from 'node:crypto';

/** The hex SHA-256 of `AK|SK` (UTF-8). */
export function constructorKeyDigest(accessKey: string, secretKey: string): string {
  return createHash('sha256').update(`${accessKey}|${secretKey}`, 'utf8').digest('hex');
}

/** The Authorization header value for a key pair. */
export function constructorAuthorization(accessKey: string, secretKey: string): string {
  return `Bearer ${accessKey}|${constructorKeyDigest(accessKey, secretKey)}`;
}
