/** Builds the Zoom user-token service and OAuth client from the config; shared by providers and routes. */
import type { Config } from '../../config/index.js';
import { createTokenCipher } from '../../crypto/tokenCipher.js';
import type { Logger } from '../../log.js';
import { zoomUserAppAvailability } from './availability.js';
import { createZoomOAuthClient, type ZoomOAuthClient } from './oauthClient.js';
import { createZoomUserTokens, type ZoomTokenStore, type ZoomUserTokens } from './userTokens.js';
import { getCurrentUser } from './zoomApi.js';

/** The general OAuth app's pieces. */
export interface ZoomUserApp {
  /** Null unless the general OAuth app is configured (SPEC §3). */
  oauth: ZoomOAuthClient | null;
  tokens: ZoomUserTokens;
}

/** Creates the general OAuth app's client and token service. */
export function createZoomUserApp(deps: {
  config: Config;
  store: ZoomTokenStore;
  logger: Logger;
  now: () => number;
}): ZoomUserApp {
  const { config } = deps;
  const zoom = config.zoom;
  const endpoints = { apiUrl: zoom.apiUrl, oauthUrl: zoom.oauthUrl, timeoutMs: config.upstreamTimeoutMs };
  const oauth =
    zoomUserAppAvailability(zoom).available && zoom.clientId && zoom.clientSecret
      ? createZoomOAuthClient({
          oauthUrl: zoom.oauthUrl,
          clientId: zoom.clientId,
          clientSecret: zoom.clientSecret,
          redirectUri: `${config.publicUrl}/calls/zoom/complete`,
          timeoutMs: config.upstreamTimeoutMs,
        })
      : null;
  const tokens = createZoomUserTokens({
    oauth,
    store: deps.store,
    cipher: createTokenCipher(config.tokenEncryption),
    publicUrl: config.publicUrl,
    logger: deps.logger,
    now: deps.now,
    lookUpZoomUser: (accessToken) => getCurrentUser(endpoints, accessToken),
  });
  return { oauth, tokens };
}
