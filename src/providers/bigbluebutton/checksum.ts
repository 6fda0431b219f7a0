/**
 * BigBlueButton API checksums (https://docs.bigbluebutton.org/development/api/#api-security-model):
 * `checksum = hex(hash(<call> + <query string> + <shared secret>))`, appended as the last
 * parameter. The hash covers exactly the query bytes sent, so the query is built once and
 * the same string is both hashed and put on the wire.
 */
import { createHash } from 'node:crypto';
import type { BbbChecksumAlgorithm } from './settings.js';

/** Hex length of each algorithm's checksum: BBB picks the algorithm from this length. */
export const CHECKSUM_HEX_LENGTH: Readonly<Record<BbbChecksumAlgorithm, number>> = {
  sha1: 40,
  sha256: 64,
  sha384: 96,
  sha512: 128,
};

/** The algorithm a checksum of this length was made with, as BBB's GetChecksumValidator decides it. */
export function algorithmForChecksumLength(length: number): BbbChecksumAlgorithm | null {
  for (const [algorithm, hexLength] of Object.entries(CHECKSUM_HEX_LENGTH)) {
    if (hexLength === length) return algorithm as BbbChecksumAlgorithm;
  }
  return null;
}

/** The checksum of one API call: lowercase hex of hash(call + query + secret). */
export function bbbChecksum(options: {
  algorithm: BbbChecksumAlgorithm;
  call: string;
  query: string;
  secret: string;
}): string {
  return createHash(options.algorithm).update(`${options.call}${options.query}${options.secret}`, 'utf8').digest('hex');
}

/**
 * Encodes API parameters as a query string, in the given order.
 *
 * BBB checks the checksum over the raw query string it received minus `&checksum=…`
 * (bbb-common-web `GetChecksum.removeChecksumFromQueryString`), so any encoding works as long
 * as the same bytes are hashed and sent. One generation of that class instead parsed the query
 * with Apache HttpClient's `URLEncodedUtils.parse` and hashed `URLEncodedUtils.format(...)` of
 * it: a re-encoding. Our bytes survive that only if they already are in its canonical form,
 * which is `java.net.URLEncoder`'s: `[A-Za-z0-9.*_-]` kept, space as `+`, every other UTF-8 byte
 * as uppercase `%XX`. WHATWG `URLSearchParams` serialises exactly so: `*` is kept, `~` `'` `(`
 * `)` `!` become `%7E %27 %28 %29 %21` in both, and both use uppercase hex. The one input they
 * could disagree on, a lone UTF-16 surrogate (Java writes `?`), never reaches the wire:
 * URLSearchParams turns it into U+FFFD first, whose `%EF%BF%BD` Java re-encodes unchanged.
 * `;`, which URLEncodedUtils.parse also treats as a separator, is always sent as `%3B`.
 */
export function encodeBbbQuery(params: ReadonlyArray<readonly [string, string]>): string {
  return new URLSearchParams(params.map(([name, value]) => [name, value])).toString();
}

/** The query string of a signed call: the encoded parameters, then `checksum=<hex>` last. */
export function signBbbQuery(options: {
  algorithm: BbbChecksumAlgorithm;
  call: string;
  params: ReadonlyArray<readonly [string, string]>;
  secret: string;
}): string {
  const query = encodeBbbQuery(options.params);
  const checksum = bbbChecksum({ algorithm: options.algorithm, call: options.call, query, secret: options.secret });
  return query === '' ? `checksum=${checksum}` : `${query}&checksum=${checksum}`;
}
