/**
 * Wiring: builds every service from the config and the store. The app and the CLI both
 * start here; tests pass their own config, store and logger.
 */
import { createIdentityVerifier, type IdentityVerifier } from './auth/identity.js';
import { createSessionTickets, type SessionTickets } from './auth/sessionTickets.js';
import { createCallService } from './calls/createCall.js';
import { createCallRateLimiter } from './calls/rateLimit.js';
import type { Config } from './config/index.js';
import { createTokenCipher } from './crypto/tokenCipher.js';
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
  /** One-time tickets that stand in for the session cookie across sites (SPEC §1). */
  tickets: SessionTickets;
  registry: ProviderRegistry;
  orgSettings: OrgSettingsService;
  calls: ReturnType<typeof createCallService>;
  /** Jitsi join links (token authentication). */
  jitsi: JitsiJoinLinks;
  /** The join step of BigBlueButton links (`GET /calls/bigbluebutton/join`). */
  bigBlueButton: BigBlueButtonJoin;
  /** The general Zoom OAuth app: authorization, user tokens, disconnection. */
  zoom: ZoomUserApp;
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
  const zoom = createZoomUserApp({ config: options.config, store: options.store, logger: options.logger, now });
  const registry = new ProviderRegistry(createProviders({ config: options.config, now, zoomUserApp: zoom }));
  const orgSettings = new OrgSettingsService({ store: options.store, registry, now });
  return {
    config: options.config,
    store: options.store,
    logger: options.logger,
    metrics,
    verifier: createIdentityVerifier(options.config.auth, now),
    tickets: createSessionTickets({
      store: options.store,
      cipher: createTokenCipher(options.config.tokenEncryption),
      now,
      onCleanupError: (error) => options.logger.warn({ err: error }, 'expired tickets not deleted'),
    }),
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
    now,
  };
}
