/**
 * The admin page's own credential (SPEC §9: no page embeds a credential accepted beyond what
 * that page needs, or for longer than 15 minutes). The page used to embed the session JWT,
 * which turned the HttpOnly cookie back into something any script on the page could carry
 * off and use anywhere. Instead it gets a token signed by callgate under its own purpose: it
 * names one user of one org, lives at most 15 minutes (never past the session), and is
 * accepted only by the routes the admin page calls (see `requireBearer`'s `pageTokens`).
 */
import { z } from 'zod';
import { createTokenSigner } from '../crypto/signedToken.js';
import { CallgateError } from '../errors.js';
import { ORG_ID_PATTERN, ROLES, type Identity } from './identity.js';

/** The longest life of a page token, in seconds. */
export const PAGE_TOKEN_TTL_SECONDS = 15 * 60;

const payloadSchema = z.object({
  sub: z.string().min(1).max(128),
  org: z.string().regex(ORG_ID_PATTERN),
  name: z.string().min(1).max(200),
  email: z.string().max(254),
  role: z.enum(ROLES),
  exp: z.number().int(),
});

/** Mints and verifies the admin page's tokens. */
export interface PageTokens {
  /** A token for the page, for this identity; expires with the session if that is sooner. */
  mint(identity: Identity): string;
  /** The identity a page token names; throws UNAUTHORIZED when it is not a valid one. */
  verify(token: string): Identity;
}

/** Creates the admin page's token signer from callgate's signing secret. */
export function createPageTokens(signingSecret: string, now: () => number): PageTokens {
  const signer = createTokenSigner(signingSecret, 'admin-page');
  return {
    mint(identity) {
      const exp = Math.min(identity.exp, Math.floor(now() / 1000) + PAGE_TOKEN_TTL_SECONDS);
      return signer.sign({
        sub: identity.userId,
        org: identity.org,
        name: identity.name,
        email: identity.email,
        role: identity.role,
        exp,
      });
    },
    verify(token) {
      let payload: z.infer<typeof payloadSchema>;
      try {
        payload = signer.verifyAs(token, payloadSchema);
      } catch (cause) {
        throw new CallgateError('UNAUTHORIZED', 'Invalid token', { cause });
      }
      if (payload.exp <= Math.floor(now() / 1000)) {
        throw new CallgateError('UNAUTHORIZED', 'Token expired; reload the page');
      }
      return {
        userId: payload.sub,
        org: payload.org,
        name: payload.name,
        email: payload.email,
        role: payload.role,
        exp: payload.exp,
      };
    },
  };
}

/** Whether a Bearer token has a page token's shape (two parts; a JWT has three). */
export function isPageTokenShape(token: string): boolean {
  return token.split('.').length === 2;
}
