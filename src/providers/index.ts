/** Builds every provider from the config. */
import type { Config } from '../config/index.js';
import { createBigBlueButtonProvider, type BigBlueButtonDeps } from './bigbluebutton/bigBlueButtonProvider.js';
import { createJitsiProvider } from './jitsi/jitsiProvider.js';
import type { Provider } from './types.js';
import type { OAuthSpec, UserTokens } from '../userAuth/types.js';
import { zoomOAuthSpec } from './zoom/wiring.js';
import { createZoomProvider } from './zoom/zoomProvider.js';
import { createZoomServerToServerProvider } from './zoom/zoomServerToServerProvider.js';

/** What providers are built from. */
export interface ProviderDeps {
  config: Config;
  now: () => number;
  /** Per-user OAuth tokens for a provider's spec (the generic service, SPEC §5). */
  userTokens(spec: OAuthSpec): UserTokens;
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
export function createProviders(deps: ProviderDeps): Provider[] {
  const { config } = deps;
  return Object.values({
    jitsi_meet: createJitsiProvider({ config, now: deps.now }),
    zoom: createZoomProvider({
      config: config.zoom,
      timeoutMs: config.upstreamTimeoutMs,
      tokens: deps.userTokens(zoomOAuthSpec(config.zoom, config.upstreamTimeoutMs)),
    }),
    zoom_server_to_server: createZoomServerToServerProvider({
      config: config.zoom,
      timeoutMs: config.upstreamTimeoutMs,
      now: deps.now,
    }),
    big_blue_button: createBigBlueButtonProvider(bigBlueButtonDeps(config)),
  });
}
