/**
 * The host's JWTs (SPEC §1): verified once, then the result is reused until the token
 * expires. `jsonwebtoken.verify` costs ~300 µs here, so verifying on every request would
 * cap the service far below Express's own throughput; the cache is keyed by the whole token.
 */
import jwt from 'jsonwebtoken';
import { z } from 'zod';
import type { Config } from '../config/index.js';
import { CallgateError } from '../errors.js';

/** Organization ids: lowercase, DNS-label-like. */
export const ORG_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** Roles a host may give a user. */
export const ROLES = ['owner', 'admin', 'member', 'guest'] as const;
/** One role. */
export type Role = (typeof ROLES)[number];

/** Who is calling, as the host vouched for it. */
export interface Identity {
  userId: string;
  org: string;
  name: string;
  email: string;
  role: Role;
  /** Expiry, seconds since the epoch. */
  exp: number;
}

const claimsSchema = z.object({
  sub: z.string().min(1).max(128),
  org: z.string().regex(ORG_ID_PATTERN),
  name: z.string().min(1).max(200),
  email: z.string().max(254),
  role: z.enum(ROLES),
  exp: z.number().int(),
  iat: z.number().optional(),
});

/** Verifies bearer tokens and caches the result per token until it expires. */
export interface IdentityVerifier {
  verify(token: string): Identity;
}

const CACHE_LIMIT = 10_000;

/** Creates the verifier from the auth settings. */
export function createIdentityVerifier(auth: Config['auth'], now: () => number = Date.now): IdentityVerifier {
  const key = auth.jwtPublicKey ?? auth.jwtSecret;
  if (key === null) throw new Error('no JWT key configured');
  // Asymmetric keys accept only RS256/ES256 and HS256 needs the secret: the `alg` header
  // never chooses the key type, which rules out `none` and RS/HS confusion.
  const algorithms: jwt.Algorithm[] = auth.jwtPublicKey ? ['RS256', 'ES256'] : ['HS256'];
  const cache = new Map<string, Identity>();

  const unauthorized = (reason: string, cause?: unknown): CallgateError =>
    new CallgateError('UNAUTHORIZED', reason, { cause });

  return {
    verify(token) {
      const seconds = Math.floor(now() / 1000);
      const cached = cache.get(token);
      if (cached) {
        if (cached.exp > seconds) return cached;
        cache.delete(token);
      }
      let payload: unknown;
      try {
        payload = jwt.verify(token, key, {
          algorithms,
          audience: auth.audience,
          ...(auth.issuer ? { issuer: auth.issuer } : {}),
          clockTimestamp: seconds,
        });
      } catch (error) {
        const expired = error instanceof jwt.TokenExpiredError;
        throw unauthorized(expired ? 'Token expired' : 'Invalid token', error);
      }
      const claims = claimsSchema.safeParse(payload);
      if (!claims.success) {
        throw unauthorized(`Invalid token claims: ${claims.error.issues[0]?.path.join('.') ?? ''}`);
      }
      const identity: Identity = {
        userId: claims.data.sub,
        org: claims.data.org,
        name: claims.data.name,
        email: claims.data.email,
        role: claims.data.role,
        exp: claims.data.exp,
      };
      if (cache.size >= CACHE_LIMIT) {
        // Oldest first: Map keeps insertion order.
        const oldest = cache.keys().next().value;
        if (oldest !== undefined) cache.delete(oldest);
      }
      cache.set(token, identity);
      return identity;
    },
  };
}

/** Whether a role may change organization settings. */
export function isAdmin(role: Role): boolean {
  return role === 'owner' || role === 'admin';
}

/** Options of mintToken. */
export interface MintOptions {
  userId: string;
  org: string;
  role: Role;
  name?: string;
  email?: string;
  ttlSeconds?: number;
  audience?: string;
  issuer?: string | null;
}

/** Signs an HS256 identity token, as a host would; for the CLI, local mode and tests. */
export function mintToken(secret: string, options: MintOptions): string {
  return jwt.sign(
    {
      sub: options.userId,
      org: options.org,
      role: options.role,
      name: options.name ?? `User ${options.userId}`,
      email: options.email ?? `user${options.userId}@${options.org}.example`,
    },
    secret,
    {
      algorithm: 'HS256',
      expiresIn: options.ttlSeconds ?? 3600,
      audience: options.audience ?? 'callgate',
      ...(options.issuer ? { issuer: options.issuer } : {}),
    },
  );
}
