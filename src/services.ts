/**
 * Wiring: builds every service from the config and the store. The app and the CLI both
 * start here; tests pass their own config, store and logger.
 */
import { createIdentityVerifier, type IdentityVerifier } from './auth/identity.js';
import { createCallService } from './calls/createCall.js';
import { createCallRateLimiter, memoryCounters, type CallRateLimiter, type SharedCounters } from './calls/rateLimit.js';
import type { Config } from './config/index.js';
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
}

/** Builds the services. */
export function createServices(options: ServiceOptions): Services {
  const now = options.now ?? Date.now;
  const metrics = options.metrics ?? createMetrics();
  const zoom = createZoomUserApp({ config: options.config, store: options.store, logger: options.logger, now });
  const registry = new ProviderRegistry(createProviders({ config: options.config, now, zoomUserApp: zoom }));
  const orgSettings = new OrgSettingsService({ store: options.store, registry, now });
  const store = options.store;
  // Replicas share PostgreSQL's counters; SQLite serves one process, which counts in memory.
  const counters: SharedCounters =
    store.kind === 'postgres'
      ? {
          add: (key, windowStart, amount) => store.addToCounter(key, windowStart, amount),
          release: (windowStart, amounts) => store.releaseCounters(windowStart, amounts),
          sweep: (windowStart) => store.sweepCounters(windowStart),
        }
      : memoryCounters();
  const rateLimiter: CallRateLimiter = createCallRateLimiter({
    perMinute: options.config.callsPerMinute,
    counters,
    now,
    onError: (error) => options.logger.warn({ err: error }, 'rate-limit reconciliation failed; retrying'),
  });
  return {
    config: options.config,
    store: options.store,
    logger: options.logger,
    metrics,
    verifier: createIdentityVerifier(options.config.auth, now),
    registry,
    orgSettings,
    calls: createCallService({
      store: options.store,
      registry,
      orgSettings,
      metrics,
      now,
      rateLimiter,
    }),
    jitsi: createJitsiJoinLinks({ config: options.config, now }),
    bigBlueButton: createBigBlueButtonJoin(bigBlueButtonDeps(options.config)),
    zoom,
    now,
    close: () => rateLimiter.close(),
  };
}
