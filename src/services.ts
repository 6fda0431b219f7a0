/**
 * Wiring: builds every service from the config and the store. The app and the CLI both
 * start here; tests pass their own config, store and logger.
 */
import { createIdentityVerifier, type IdentityVerifier } from './auth/identity.js';
import { createCallService } from './calls/createCall.js';
import { createCallRateLimiter } from './calls/rateLimit.js';
import type { Config } from './config/index.js';
import type { Logger } from './log.js';
import { createMetrics, type Metrics } from './metrics.js';
import { OrgSettingsService } from './orgs/orgSettings.js';
import { createJitsiJoinLinks, type JitsiJoinLinks } from './providers/jitsi/joinLink.js';
import { createBigBlueButtonJoin, type BigBlueButtonJoin } from './providers/bigbluebutton/bigBlueButtonProvider.js';
import { bigBlueButtonDeps, createProviders } from './providers/index.js';
import { ProviderRegistry } from './providers/registry.js';
import type { Store } from './store/types.js';
import { createTokenCipher } from './crypto/tokenCipher.js';
import { createUserAuthService, type UserAuthService } from './userAuth/service.js';

/** Everything a request handler may use. */
export interface Services {
  config: Config;
  store: Store;
  logger: Logger;
  metrics: Metrics;
  verifier: IdentityVerifier;
  registry: ProviderRegistry;
  orgSettings: OrgSettingsService;
  calls: ReturnType<typeof createCallService>;
  /** Jitsi join links (token authentication). */
  jitsi: JitsiJoinLinks;
  /** The join step of BigBlueButton links (`GET /calls/bigbluebutton/join`). */
  bigBlueButton: BigBlueButtonJoin;
  /** Per-user authorization (SPEC §5): every OAuth provider's flow, tokens and connections. */
  userAuth: UserAuthService;
  now: () => number;
}

/** Options of createServices. */
export interface ServiceOptions {
  config: Config;
  store: Store;
  logger: Logger;
  metrics?: Metrics;
  /** Clock; tests move it instead of sleeping. */
  now?: () => number;
}

/** Builds the services. */
export function createServices(options: ServiceOptions): Services {
  const now = options.now ?? Date.now;
  const metrics = options.metrics ?? createMetrics();
  const { config, store } = options;
  const userAuth = createUserAuthService({
    oauthStates: store.oauthStates,
    userTokens: store.userTokens,
    cipher: createTokenCipher(config.tokenEncryption),
    publicUrl: config.publicUrl,
    timeoutMs: config.upstreamTimeoutMs,
    logger: options.logger,
    now,
  });
  const registry = new ProviderRegistry(
    createProviders({ config, now, userTokens: (spec) => userAuth.register(spec) }),
  );
  const orgSettings = new OrgSettingsService({ store: store.orgSettings, registry, now });
  return {
    config: options.config,
    store: options.store,
    logger: options.logger,
    metrics,
    verifier: createIdentityVerifier(options.config.auth, now),
    registry,
    orgSettings,
    calls: createCallService({
      callRecords: store.callRecords,
      registry,
      orgSettings,
      metrics,
      now,
      rateLimiter: createCallRateLimiter({ counters: store.counters, perMinute: options.config.callsPerMinute, now }),
    }),
    jitsi: createJitsiJoinLinks({ config: options.config, now }),
    bigBlueButton: createBigBlueButtonJoin(bigBlueButtonDeps(options.config)),
    userAuth,
    now,
  };
}
