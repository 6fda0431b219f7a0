/**
 * callgate's own signed tokens, used in join links (BigBlueButton, Jitsi with tokens):
 * `<base64url JSON payload>.<base64url HMAC-SHA256>` under `signing_secret`, with a purpose
 * mixed into the MAC so a token for one kind of link is never accepted by another.
 * A token has exactly one valid spelling (SPEC §9): the signature is compared as the
 * canonical unpadded base64url text, so padding, stray characters or different trailing
 * bits (which Node's base64url decoder would silently ignore) are refused.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { z } from 'zod';
import { CallgateError } from '../errors.js';

/** Unpadded base64url, the only alphabet a token's parts are issued in. */
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** Signs and verifies tokens for one purpose. */
export interface TokenSigner {
  /** Signs a JSON payload. */
  sign(payload: object): string;
  /** Verifies a token and returns its payload; throws INVALID_SIGNATURE when altered. */
  verify(token: string): unknown;
  /**
   * Verifies a token and parses its payload with `schema`. Only callgate can sign, so a
   * well-signed payload of another shape was never made by this code: INVALID_SIGNATURE too.
   */
  verifyAs<S extends z.ZodType>(token: string, schema: S): z.infer<S>;
}

/** Creates a signer for tokens of one purpose, e.g. `bigbluebutton`. */
export function createTokenSigner(secret: string, purpose: string): TokenSigner {
  const mac = (body: string): Buffer => createHmac('sha256', secret).update(`${purpose}.${body}`).digest();
  const signer: TokenSigner = {
    sign(payload) {
      const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
      return `${body}.${mac(body).toString('base64url')}`;
    },
    verify(token) {
      const invalid = new CallgateError('INVALID_SIGNATURE', 'Invalid signature.');
      const parts = token.split('.');
      if (parts.length !== 2 || !parts[0] || !parts[1]) throw invalid;
      const [body, signature] = parts as [string, string];
      if (!BASE64URL.test(body)) throw invalid;
      const given = Buffer.from(signature, 'utf8');
      const expected = Buffer.from(mac(body).toString('base64url'), 'utf8');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid;
      try {
        return JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as unknown;
      } catch (cause) {
        throw new CallgateError('INVALID_SIGNATURE', 'Invalid signature.', { cause });
      }
    },
    verifyAs(token, schema) {
      const parsed = schema.safeParse(signer.verify(token));
      if (!parsed.success) throw new CallgateError('INVALID_SIGNATURE', 'Invalid signature.', { cause: parsed.error });
      return parsed.data;
    },
  };
  return signer;
}
