/**
 * Wiring: builds every service from the config and the store. The app and the CLI both
 * start here; tests pass their own config, store and logger. Providers come from the
 * config's modules; the core knows their capabilities, never their names.
 */
import { createIdentityVerifier, type IdentityVerifier } from './auth/identity.js';
import { createCallService } from './calls/createCall.js';
import { createCallRateLimiter } from './calls/rateLimit.js';
import type { Config } from './config/index.js';
import { createTokenCipher } from './crypto/tokenCipher.js';
import type { RouteEntry } from './http/route.js';
import type { Logger } from './log.js';
import { createMetrics, type Metrics } from './metrics.js';
import { OrgSettingsService } from './orgs/orgSettings.js';
import { buildModules } from './providers/buildModules.js';
import { ProviderRegistry } from './providers/registry.js';
import type { Store } from './store/types.js';
import { createLegacyUserAuth } from './userAuth/legacyBridge.js';

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
  /** Routes the provider modules and the user-authorization service contribute. */
  providerRoutes: RouteEntry[];
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
  const { config, store, logger } = options;
  const now = options.now ?? Date.now;
  const metrics = options.metrics ?? createMetrics();
  const tokenCipher = createTokenCipher(config.tokenEncryption);
  const userAuth = createLegacyUserAuth({
    store,
    cipher: tokenCipher,
    publicUrl: config.publicUrl,
    hostOrigin: config.hostOrigin,
    upstreamTimeoutMs: config.upstreamTimeoutMs,
    logger: logger.child({ module: 'user-authorization' }),
    now,
  });
  const built = buildModules(config, {
    publicUrl: config.publicUrl,
    hostOrigin: config.hostOrigin,
    mode: config.mode,
    upstreamTimeoutMs: config.upstreamTimeoutMs,
    now,
    logger,
    metrics,
    signingSecret: config.signingSecret,
    tokenCipher,
    userTokens: (spec) => userAuth.userTokens(spec),
  });
  const registry = new ProviderRegistry(built.providers);
  const orgSettings = new OrgSettingsService({ store, registry, fields: built.orgSettingFields, now });
  return {
    config,
    store,
    logger,
    metrics,
    verifier: createIdentityVerifier(config.auth, now),
    registry,
    orgSettings,
    calls: createCallService({
      store,
      registry,
      orgSettings,
      metrics,
      now,
      rateLimiter: createCallRateLimiter({ store, perMinute: config.callsPerMinute, now }),
    }),
    providerRoutes: [...built.routes, ...userAuth.routes()],
    now,
  };
}
