/** Builds every provider from the config. */
import type { Config } from '../config/index.js';
import type { AddressPolicy } from '../http/addressPolicy.js';
import { createBigBlueButtonProvider, type BigBlueButtonDeps } from './bigbluebutton/bigBlueButtonProvider.js';
import { createJitsiProvider } from './jitsi/jitsiProvider.js';
import type { ProviderMap } from './registry.js';
import type { ZoomUserApp } from './zoom/wiring.js';
import { createZoomProvider } from './zoom/zoomProvider.js';
import { createZoomServerToServerProvider } from './zoom/zoomServerToServerProvider.js';

/** What providers are built from. */
export interface ProviderDeps {
  config: Config;
  now: () => number;
  /** The general Zoom OAuth app, shared with the Zoom routes. */
  zoomUserApp: ZoomUserApp;
  /** Where organization-set addresses may lead (SPEC §9). */
  addressPolicy: AddressPolicy;
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
    jitsi_meet: createJitsiProvider({ config, now: deps.now, addressPolicy: deps.addressPolicy }),
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
    big_blue_button: createBigBlueButtonProvider(bigBlueButtonDeps(config)),
  };
}
