/**
 * Local mode's provider simulators (SPEC §8): every provider without real settings is
 * pointed at an in-process simulator mounted on callgate itself, so a fresh checkout can
 * complete a call with each provider without any account anywhere.
 */
import type { Config } from '../../config/index.js';
import type { LocalRouter } from '../index.js';
import { createBigBlueButtonSimulator } from './bigbluebutton.js';
import { createZoomSimulator } from './zoom.js';

/** Where the simulators are mounted on callgate. */
export const SIMULATORS_PATH = '/_simulators';

/** The config with simulator settings filled in, and the routers to mount. */
export interface LocalSimulators {
  config: Config;
  routers: LocalRouter[];
  /** Provider ids now served by a simulator. */
  simulated: string[];
}

/** Fills in simulator settings for providers that have none; only ever called in local mode. */
export function localSimulators(config: Config): LocalSimulators {
  if (config.mode !== 'local') throw new Error('simulators run in local mode only');
  const routers: LocalRouter[] = [];
  const simulated: string[] = [];
  let bigBlueButton = config.bigBlueButton;
  if (!bigBlueButton.url || !bigBlueButton.secret) {
    const secret = bigBlueButton.secret ?? 'local-bigbluebutton-secret';
    const path = `${SIMULATORS_PATH}/bigbluebutton`;
    routers.push({ path, router: createBigBlueButtonSimulator({ secret }).router });
    bigBlueButton = { ...bigBlueButton, url: `${config.publicUrl}${path}/`, secret };
    simulated.push('big_blue_button');
  }
  let zoom = config.zoom;
  if (!zoom.clientId || !zoom.clientSecret) {
    // The general OAuth app: the one with the authorization popup, the interesting path to try.
    const clientId = 'callgate-local';
    const clientSecret = zoom.clientSecret ?? 'local-zoom-client-secret';
    const path = `${SIMULATORS_PATH}/zoom`;
    const simulator = createZoomSimulator({
      clientId,
      clientSecret,
      redirectUris: [`${config.publicUrl}/calls/zoom/complete`],
      ...(zoom.webhookSecret ? { webhookSecret: zoom.webhookSecret } : {}),
    });
    routers.push({ path, router: simulator.router });
    const base = `${config.publicUrl}${path}`;
    zoom = { ...zoom, clientId, clientSecret, accountId: null, apiUrl: base, oauthUrl: base };
    simulated.push('zoom');
  }
  return { config: { ...config, bigBlueButton, zoom }, routers, simulated };
}
