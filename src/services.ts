/**
 * Wiring: builds every service from the config and the store. The app and the CLI both
 * start here; tests pass their own config, store and logger.
 */
import { createIdentityVerifier, type Identity, type IdentityVerifier } from './auth/identity.js';
import { createCallService } from './calls/createCall.js';
import { createCallRateLimiter } from './calls/rateLimit.js';
import type { Config } from './config/index.js';
import type { Logger } from './log.js';
import { createMetrics, type Metrics } from './metrics.js';
import { orgContext, OrgSettingsService } from './orgs/orgSettings.js';
import { createJitsiJoinLinks, type JitsiJoinLinks } from './providers/jitsi/joinLink.js';
import { createBigBlueButtonJoin, type BigBlueButtonJoin } from './providers/bigbluebutton/bigBlueButtonProvider.js';
import { bigBlueButtonDeps, createProviders } from './providers/index.js';
import { ProviderRegistry } from './providers/registry.js';
import type { Store } from './store/types.js';
import { createTokenCipher } from './crypto/tokenCipher.js';
import { createUserAuth, type UserAuth } from './userAuth/index.js';

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
  userAuth: UserAuth;
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
  const userAuth = createUserAuth({
    store,
    cipher: createTokenCipher(config.tokenEncryption),
    publicUrl: config.publicUrl,
    hostOrigin: config.hostOrigin,
    upstreamTimeoutMs: config.upstreamTimeoutMs,
    logger: options.logger,
    now,
    // Runs per request, long after the registry and org settings below exist.
    async availableProviders(identity: Identity) {
      const context = orgContext(await orgSettings.get(identity.org));
      // A provider's own availability decides; a spec without a provider counts when configured.
      return userAuth.service
        .entries()
        .filter(({ spec, client }) =>
          registry.has(spec.providerId) ? registry.availability(spec.providerId, context).available : client !== null,
        )
        .map((entry) => entry.spec.providerId);
    },
  });
  const registry = new ProviderRegistry(createProviders({ config, now, userTokens: userAuth.userTokens }));
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
