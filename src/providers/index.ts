/** Builds every provider from the config. */
import type { Config } from '../config/index.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/types.js';
import { createBigBlueButtonProvider, type BigBlueButtonDeps } from './bigbluebutton/bigBlueButtonProvider.js';
import { createJitsiProvider } from './jitsi/jitsiProvider.js';
import { pendingProvider } from './pending.js';
import type { ProviderMap } from './registry.js';
import { zoomServerToServerAvailability, zoomUserAppAvailability } from './zoom/availability.js';

/** What providers are built from. */
export interface ProviderDeps {
  config: Config;
  store: Store;
  logger: Logger;
  now: () => number;
}

/** What the BigBlueButton provider and its join route are built from. */
export function bigBlueButtonDeps(config: Config): BigBlueButtonDeps {
  return {
    config: config.bigBlueButton,
    signingSecret: config.signingSecret,
    publicUrl: config.publicUrl,
    upstreamTimeoutMs: config.upstreamTimeoutMs,
  };
}

/** Creates the provider map. */
export function createProviders(deps: ProviderDeps): ProviderMap {
  const { config } = deps;
  return {
    jitsi_meet: createJitsiProvider({ config, now: deps.now }),
    zoom: pendingProvider('zoom', 'Zoom', () => zoomUserAppAvailability(config.zoom)),
    zoom_server_to_server: pendingProvider('zoom_server_to_server', 'Zoom (server-to-server)', () =>
      zoomServerToServerAvailability(config.zoom),
    ),
    big_blue_button: createBigBlueButtonProvider(bigBlueButtonDeps(config)),
  };
}
