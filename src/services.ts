/**
 * Wiring: builds every service from the config and the store. The app and the CLI both
 * start here; tests pass their own config, store and logger.
 */
import { createIdentityVerifier, type IdentityVerifier } from './auth/identity.js';
import { createPageTokens, type PageTokens } from './auth/pageToken.js';
import { createCallService } from './calls/createCall.js';
import { createCallRateLimiter, createRateLimiter, type RateLimiter } from './calls/rateLimit.js';
import type { Config } from './config/index.js';
import { createAddressPolicy, type AddressPolicy, type Resolver } from './http/addressPolicy.js';
import type { Logger } from './log.js';
import { createMetrics, type Metrics } from './metrics.js';
import { OrgSettingsService } from './orgs/orgSettings.js';
import { createJitsiJoinLinks, type JitsiJoinLinks } from './providers/jitsi/joinLink.js';
import { createBigBlueButtonJoin, type BigBlueButtonJoin } from './providers/bigbluebutton/bigBlueButtonProvider.js';
import { bigBlueButtonDeps, createProviders } from './providers/index.js';
import { ProviderRegistry } from './providers/registry.js';
import { createZoomUserApp, type ZoomUserApp } from './providers/zoom/wiring.js';
import type { Store } from './store/types.js';

/** Everything a request handler may use. */
export interface Services {
  config: Config;
  store: Store;
  logger: Logger;
  metrics: Metrics;
  verifier: IdentityVerifier;
  /** The admin page's short-lived, page-only credential (SPEC §9). */
  pageTokens: PageTokens;
  registry: ProviderRegistry;
  orgSettings: OrgSettingsService;
  calls: ReturnType<typeof createCallService>;
  /** Jitsi join links (token authentication). */
  jitsi: JitsiJoinLinks;
  /** The join step of BigBlueButton links (`GET /calls/bigbluebutton/join`). */
  bigBlueButton: BigBlueButtonJoin;
  /** The general Zoom OAuth app: authorization, user tokens, disconnection. */
  zoom: ZoomUserApp;
  /** Where organization-set addresses may lead (SPEC §9). */
  addressPolicy: AddressPolicy;
  /** Per-user limits besides call creation (SPEC §9). */
  limits: { checks: RateLimiter; authorizationStarts: RateLimiter };
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
  /** Resolves organization-set host names; tests pass a fake so nothing leaves the machine. */
  resolve?: Resolver;
}

/** Builds the services. */
export function createServices(options: ServiceOptions): Services {
  const now = options.now ?? Date.now;
  const metrics = options.metrics ?? createMetrics();
  const zoom = createZoomUserApp({ config: options.config, store: options.store, logger: options.logger, now });
  const addressPolicy = createAddressPolicy({
    allowed: options.config.allowedPrivateUpstreamHosts,
    allowLoopback: options.config.mode === 'local',
    ...(options.resolve ? { resolve: options.resolve } : {}),
  });
  const registry = new ProviderRegistry(
    createProviders({ config: options.config, now, zoomUserApp: zoom, addressPolicy }),
  );
  const limit = (counter: string, what: string): RateLimiter =>
    createRateLimiter({ store: options.store, perMinute: options.config.callsPerMinute, now, counter, what });
  const orgSettings = new OrgSettingsService({ store: options.store, registry, now });
  return {
    config: options.config,
    store: options.store,
    logger: options.logger,
    metrics,
    verifier: createIdentityVerifier(options.config.auth, now),
    pageTokens: createPageTokens(options.config.signingSecret, now),
    registry,
    orgSettings,
    calls: createCallService({
      store: options.store,
      registry,
      orgSettings,
      metrics,
      now,
      rateLimiter: createCallRateLimiter({ store: options.store, perMinute: options.config.callsPerMinute, now }),
    }),
    jitsi: createJitsiJoinLinks({ config: options.config, now }),
    bigBlueButton: createBigBlueButtonJoin(bigBlueButtonDeps(options.config)),
    zoom,
    addressPolicy,
    limits: {
      checks: limit('checks', 'connection checks'),
      authorizationStarts: limit('authorize', 'authorization starts'),
    },
    now,
  };
}
