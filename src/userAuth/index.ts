/**
 * Per-user authorization (SPEC §5) in one call, for the wiring: the service, the handle a
 * provider module gets for its spec (`CoreContext.userTokens`), and the route entries.
 * Same dependencies and shape as R1's temporary `legacyBridge.ts`, which this replaces.
 */
import type { Identity } from '../auth/identity.js';
import { createRateLimiter } from '../calls/rateLimit.js';
import type { TokenCipher } from '../crypto/tokenCipher.js';
import type { RouteEntry } from '../http/route.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/types.js';
import { userAuthRouteEntries } from './routes.js';
import { createUserAuthService, type UserAuthService } from './service.js';
import type { OAuthSpec, UserTokens } from './types.js';

export type { OAuthSpec, UserTokens } from './types.js';
export type { UserAuthService } from './service.js';

/** The wired per-user authorization. */
export interface UserAuth {
  service: UserAuthService;
  /** Registers a provider's spec and returns its token handle. */
  userTokens(spec: OAuthSpec): UserTokens;
  /** The route entries of every spec registered so far (call after the modules are built). */
  routes(): RouteEntry[];
}

/** Builds the service and its routes. */
export function createUserAuth(deps: {
  store: Pick<Store, 'oauthStates' | 'userTokens' | 'counters'>;
  cipher: TokenCipher;
  publicUrl: string;
  hostOrigin: string | null;
  upstreamTimeoutMs: number;
  logger: Logger;
  now: () => number;
  /** Authorization starts a user may make per minute; 0: no limit (SPEC §9). */
  startsPerMinute: number;
  /**
   * Ids of the registered providers available to the caller's organization (listed by
   * `GET /api/v1/me`); by default every configured one.
   */
  availableProviders?: (identity: Identity) => Promise<string[]>;
}): UserAuth {
  const service = createUserAuthService({
    oauthStates: deps.store.oauthStates,
    userTokens: deps.store.userTokens,
    cipher: deps.cipher,
    publicUrl: deps.publicUrl,
    timeoutMs: deps.upstreamTimeoutMs,
    logger: deps.logger,
    now: deps.now,
    startLimiter: createRateLimiter({
      counters: deps.store.counters,
      perMinute: deps.startsPerMinute,
      now: deps.now,
      counter: 'authorize',
      what: 'authorization starts',
    }),
  });
  const configured = async (): Promise<string[]> =>
    service
      .entries()
      .filter((entry) => entry.client !== null)
      .map((entry) => entry.spec.providerId);
  return {
    service,
    userTokens: (spec) => service.register(spec),
    routes: () =>
      userAuthRouteEntries({
        userAuth: service,
        publicUrl: deps.publicUrl,
        hostOrigin: deps.hostOrigin,
        logger: deps.logger,
        availableProviders: deps.availableProviders ?? configured,
      }),
  };
}
