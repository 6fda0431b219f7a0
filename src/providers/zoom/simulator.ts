/**
 * Zoom in local mode (SPEC §8): when the general OAuth app has no real settings, it is
 * pointed at the in-process simulator. Loaded with a dynamic `import()` in local mode only.
 */
import type { Simulated } from '../module.js';
import type { ZoomSettings } from './settings.js';
import { createZoomSimulator } from './sim/zoomSimulator.js';

export { createZoomSimulator, startZoomSimulator, type RunningZoomSimulator } from './sim/zoomSimulator.js';
export type * from './sim/types.js';

/** Points Zoom at a simulator unless a client id and secret are configured. */
export function simulate(
  settings: ZoomSettings,
  where: { baseUrl: string; publicUrl: string },
): Simulated<ZoomSettings> | null {
  if (settings.clientId && settings.clientSecret) return null;
  // The general OAuth app: the one with the authorization popup, the interesting path to try.
  const clientId = 'callgate-local';
  const clientSecret = settings.clientSecret ?? 'local-zoom-client-secret';
  const simulator = createZoomSimulator({
    clientId,
    clientSecret,
    // Like a real Zoom app, it sends codes only to callgate's registered redirect URL.
    redirectUris: [`${where.publicUrl}/calls/zoom/complete`],
    ...(settings.webhookSecret ? { webhookSecret: settings.webhookSecret } : {}),
  });
  return {
    settings: { ...settings, clientId, clientSecret, accountId: null, apiUrl: where.baseUrl, oauthUrl: where.baseUrl },
    router: simulator.router,
    providerIds: ['zoom'],
  };
}
