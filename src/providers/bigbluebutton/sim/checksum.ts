/**
 * The simulator's checksum check, after bbb-common-web's GetChecksum and
 * GetChecksumValidator: the raw query string minus `&checksum=<checksum>`, hashed as
 * `<call> + query + secret` with the algorithm the checksum's length names (40 sha1,
 * 64 sha256, 96 sha384, 128 sha512), and only when that algorithm is supported.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { algorithmForChecksumLength } from '../checksum.js';
import type { BigBlueButtonSimulatorState } from './types.js';

/** The raw query string of a request, exactly as sent. */
export function rawQueryOf(req: Request): string {
  const index = req.originalUrl.indexOf('?');
  return index < 0 ? '' : req.originalUrl.slice(index + 1);
}

/** Checks a request's checksum as BBB does; also returns the decoded parameters. */
export function checkChecksum(
  state: Pick<BigBlueButtonSimulatorState, 'checksumQuery' | 'algorithms' | 'secret'>,
  call: string,
  rawQuery: string,
): { valid: boolean; params: Record<string, string> } {
  const decoded = new URLSearchParams(rawQuery);
  const checksum = decoded.get('checksum') ?? '';
  const params: Record<string, string> = {};
  for (const [name, value] of decoded) if (name !== 'checksum') params[name] = value;
  if (checksum === '') return { valid: false, params };
  // bbb-common-web GetChecksum.removeChecksumFromQueryString: plain string replacement, or
  // (the re-encoding generation) URLEncodedUtils.parse on `&` and `;`, then format.
  const withoutChecksum =
    state.checksumQuery === 'raw'
      ? rawQuery
          .replace(`&checksum=${checksum}`, '')
          .replace(`checksum=${checksum}&`, '')
          .replace(`checksum=${checksum}`, '')
      : rawQuery
          .split(/[&;]/)
          .filter((pair) => pair !== '')
          .map((pair) => {
            const index = pair.indexOf('=');
            const name = formDecode(index < 0 ? pair : pair.slice(0, index));
            const value = index < 0 ? '' : formDecode(pair.slice(index + 1));
            return [name, value] as const;
          })
          .filter(([name]) => name !== 'checksum')
          .map(([name, value]) => `${javaUrlEncode(name)}=${javaUrlEncode(value)}`)
          .join('&');
  const algorithm = algorithmForChecksumLength(checksum.length);
  if (!algorithm || !state.algorithms.includes(algorithm)) return { valid: false, params };
  const expected = createHash(algorithm).update(`${call}${withoutChecksum}${state.secret}`, 'utf8').digest();
  const given = Buffer.from(checksum.toLowerCase(), 'hex');
  return { valid: given.length === expected.length && timingSafeEqual(given, expected), params };
}

/** Decodes one form-encoded component as URLEncodedUtils does (`+` is a space). */
function formDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

/** `java.net.URLEncoder.encode(text, UTF_8)`: `[A-Za-z0-9.*_-]` kept, space as `+`, other bytes `%XX`. */
export function javaUrlEncode(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const char = String.fromCharCode(byte);
    if (/[A-Za-z0-9.*_-]/.test(char)) out += char;
    else if (char === ' ') out += '+';
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}
