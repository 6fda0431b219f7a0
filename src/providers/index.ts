/** Builds every provider from the config. */
import type { Config } from '../config/index.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/types.js';
import { bigBlueButtonAvailability } from './bigbluebutton/availability.js';
import { createJitsiProvider } from './jitsi/jitsiProvider.js';
import { pendingProvider } from './pending.js';
import type { ProviderMap } from './registry.js';
import type { ZoomUserApp } from './zoom/wiring.js';
import { createZoomProvider } from './zoom/zoomProvider.js';
import { createZoomServerToServerProvider } from './zoom/zoomServerToServerProvider.js';

/** What providers are built from. */
export interface ProviderDeps {
  config: Config;
  store: Store;
  logger: Logger;
  now: () => number;
  /** The general Zoom OAuth app, shared with the Zoom routes. */
  zoomUserApp: ZoomUserApp;
}

/** Creates the provider map. */
export function createProviders(deps: ProviderDeps): ProviderMap {
  const { config } = deps;
  return {
    jitsi_meet: createJitsiProvider({ config: config.jitsi }),
    zoom: createZoomProvider({
      config: config.zoom,
      timeoutMs: config.upstreamTimeoutMs,
      publicUrl: config.publicUrl,
      tokens: deps.zoomUserApp.tokens,
      oauth: deps.zoomUserApp.oauth,
    }),
    zoom_server_to_server: createZoomServerToServerProvider({
      config: config.zoom,
      timeoutMs: config.upstreamTimeoutMs,
      now: deps.now,
    }),
    big_blue_button: pendingProvider('big_blue_button', 'BigBlueButton', () =>
      bigBlueButtonAvailability(config.bigBlueButton),
    ),
  };
}
