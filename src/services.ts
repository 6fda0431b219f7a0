/**
 * Wiring: builds every service from the config and the store. The app and the CLI both
 * start here; tests pass their own config, store and logger. Providers come from the
 * config's modules; the core knows their capabilities, never their names.
 */
import { createIdentityVerifier, type Identity, type IdentityVerifier } from './auth/identity.js';
import { createSessionTickets, type SessionTickets } from './auth/sessionTickets.js';
import { createPageTokens, type PageTokens } from './auth/pageToken.js';
import { createCallService } from './calls/createCall.js';
import { createCallRateLimiter, createRateLimiter, memoryCounters, type RateLimiter } from './calls/rateLimit.js';
import type { Config } from './config/index.js';
import { createTokenCipher } from './crypto/tokenCipher.js';
import { createAddressPolicy, type AddressPolicy, type Resolver } from './http/addressPolicy.js';
import { createDeliveryGuard } from './http/deliveryGuard.js';
import type { RouteEntry } from './http/route.js';
import type { Logger } from './log.js';
import { createMetrics, type Metrics } from './metrics.js';
import { OrgCredentialsService } from './orgs/orgCredentials.js';
import { orgContext, OrgSettingsService } from './orgs/orgSettings.js';
import { buildModules } from './providers/buildModules.js';
import { ProviderRegistry } from './providers/registry.js';
import type { Store } from './store/types.js';
import { createUserAuth, type UserAuth } from './userAuth/index.js';

/** Everything a request handler may use. */
export interface Services {
  config: Config;
  store: Store;
  logger: Logger;
  metrics: Metrics;
  verifier: IdentityVerifier;
  /** One-time tickets that stand in for the session cookie across sites (SPEC §1). */
  tickets: SessionTickets;
  /** The admin page's short-lived, page-only credential (SPEC §9). */
  pageTokens: PageTokens;
  registry: ProviderRegistry;
  orgSettings: OrgSettingsService;
  /** Organizations' own provider credentials (SPEC §10); null when `ORG_CREDENTIALS=off`. */
  orgCredentials: OrgCredentialsService | null;
  calls: ReturnType<typeof createCallService>;
  /** Routes the provider modules and the user-authorization service contribute. */
  providerRoutes: RouteEntry[];
  /** Per-user authorization (SPEC §5): every OAuth provider's flow, tokens and connections. */
  userAuth: UserAuth;
  /** Where organization-set addresses may lead (SPEC §9). */
  addressPolicy: AddressPolicy;
  /** Per-user limit of connection checks (SPEC §9); authorization starts are userAuth's. */
  checkLimiter: RateLimiter;
  now: () => number;
  /** Stops background work (rate-limit reconciliation) and gives back what it holds; the store stays open. */
  close(): Promise<void>;
}

/** Options of createServices. */
export interface ServiceOptions {
  config: Config;
  store: Store;
  logger: Logger;
  metrics?: Metrics;
  /** Clock; tests move it instead of sleeping. */
  now?: () => number;
  /** Resolves organization-set host names; tests pass a fake so nothing leaves the machine. */
  resolve?: Resolver;
}

/** Builds the services. */
export function createServices(options: ServiceOptions): Services {
  const { config, store, logger } = options;
  const now = options.now ?? Date.now;
  const metrics = options.metrics ?? createMetrics();
  const tokenCipher = createTokenCipher(config.tokenEncryption);
  const addressPolicy = createAddressPolicy({
    allowed: config.allowedPrivateUpstreamHosts,
    allowLoopback: config.mode === 'local',
    ...(options.resolve ? { resolve: options.resolve } : {}),
  });
  const userAuth = createUserAuth({
    store,
    cipher: tokenCipher,
    publicUrl: config.publicUrl,
    hostOrigin: config.hostOrigin,
    upstreamTimeoutMs: config.upstreamTimeoutMs,
    startsPerMinute: config.callsPerMinute,
    logger: logger.child({ module: 'user-authorization' }),
    now,
    // Local mode's simulators show the signed-in user on their consent pages.
    loginHint: config.mode === 'local',
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
    userTokens: userAuth.userTokens,
    // Runs per request, long after the org settings below exist.
    async orgContextOf(org: string) {
      return orgContext(await orgSettings.get(org));
    },
    deliveries: createDeliveryGuard({ deliveries: store.webhookDeliveries, now }),
    addressPolicy,
  });
  const registry = new ProviderRegistry(built.providers);
  const orgCredentials = config.orgCredentials
    ? new OrgCredentialsService({
        repository: store.orgCredentials,
        cipher: tokenCipher,
        // Only providers this server built take them (a module may be listed without its provider).
        specs: config.modules
          .flatMap((module) => module.orgCredentials ?? [])
          .filter((spec) => registry.has(spec.providerId)),
        // URLs in credentials are addresses an organization sets (SPEC §9).
        addressRefusal: (url) => addressPolicy.refusalOf(url),
        logger: logger.child({ module: 'org-credentials' }),
        now,
      })
    : null;
  const orgSettings = new OrgSettingsService({
    store: store.orgSettings,
    registry,
    fields: built.orgSettingFields,
    credentials: orgCredentials,
    now,
  });
  const rateLimiter = createCallRateLimiter({
    perMinute: config.callsPerMinute,
    // Replicas share PostgreSQL's counters; SQLite serves one process, which counts in memory.
    counters: store.kind === 'postgres' ? store.counters : memoryCounters(),
    now,
    onError: (error) => logger.warn({ err: error }, 'rate-limit reconciliation failed; retrying'),
  });
  return {
    config,
    store,
    logger,
    metrics,
    verifier: createIdentityVerifier(config.auth, now),
    tickets: createSessionTickets({
      store,
      cipher: tokenCipher,
      now,
      onCleanupError: (error) => logger.warn({ err: error }, 'expired tickets not deleted'),
    }),
    pageTokens: createPageTokens(config.signingSecret, now),
    registry,
    orgSettings,
    orgCredentials,
    calls: createCallService({
      callRecords: store.callRecords,
      registry,
      orgSettings,
      metrics,
      now,
      rateLimiter,
    }),
    providerRoutes: [...built.routes, ...userAuth.routes()],
    userAuth,
    addressPolicy,
    checkLimiter: createRateLimiter({
      counters: store.counters,
      perMinute: config.callsPerMinute,
      now,
      counter: 'checks',
      what: 'connection checks',
    }),
    now,
    close: () => rateLimiter.close(),
  };
}
