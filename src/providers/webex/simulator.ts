/**
 * Webex in local mode (SPEC §8): when the integration has no real settings, Webex is pointed
 * at the in-process simulator (`sim/`). Loaded with a dynamic `import()` in local mode only.
 */
import { randomBytes } from 'node:crypto';
import type { Simulated } from '../module.js';
import { isConfigured, webexRedirectUri, type WebexSettings } from './settings.js';
import { createWebexSimulator } from './sim/webexSimulator.js';

export {
  createWebexSimulator,
  startWebexSimulator,
  type RunningWebexSimulator,
  type WebexSimulator,
  type WebexSimulatorOptions,
  type WebexSimState,
} from './sim/webexSimulator.js';
export type { SimFailure } from './sim/faults.js';

/** Points Webex at a simulator unless a client id and secret are configured. */
export function simulate(
  settings: WebexSettings,
  where: { mountPath: string; baseUrl: string; publicUrl: string },
): Simulated<WebexSettings> | null {
  if (isConfigured(settings)) return null;
  const clientId = 'callgate-local-webex';
  const clientSecret = settings.clientSecret ?? randomBytes(24).toString('base64url');
  // Like a real Webex integration, it sends codes only to callgate's registered redirect URL.
  const simulator = createWebexSimulator({ clientId, clientSecret, redirectUris: [webexRedirectUri(where.publicUrl)] });
  return {
    settings: { clientId, clientSecret, apiUrl: `${where.baseUrl.replace(/\/+$/, '')}/` },
    router: simulator.router,
    providerIds: ['webex'],
  };
}
