/**
 * The Zoom module: two providers from one set of settings — the general OAuth app `zoom`
 * (per-user tokens through the generic authorization service) and `zoom_server_to_server`
 * (one account token) — the deauthorization webhook, and the local simulator.
 */
import { defineProviderModule } from '../module.js';
import { zoomUserAppAvailability } from './availability.js';
import { zoomRoutes } from './routes.js';
import { zoomSettingsSchema } from './settings.js';
import { createZoomProvider, zoomOAuthSpec } from './zoomProvider.js';
import { createZoomServerToServerProvider } from './zoomServerToServerProvider.js';

/** Zoom. */
export const zoomModule = defineProviderModule({
  key: 'zoom',
  ids: ['zoom', 'zoom_server_to_server'],
  secretNames: ['video_zoom_client_secret', 'video_zoom_webhook_secret'],
  localSecretNames: ['video_zoom_client_secret', 'video_zoom_webhook_secret'],
  settings: zoomSettingsSchema,
  create(settings, core) {
    const oauth = zoomOAuthSpec(settings, core.upstreamTimeoutMs);
    const tokens = core.userTokens(oauth);
    return {
      providers: [
        createZoomProvider({ config: settings, timeoutMs: core.upstreamTimeoutMs, oauth, tokens }),
        createZoomServerToServerProvider({ config: settings, timeoutMs: core.upstreamTimeoutMs, now: core.now }),
      ],
      routes: zoomRoutes({
        webhookSecret: settings.webhookSecret,
        tokens,
        deliveries: core.deliveries,
        logger: core.logger,
        now: core.now,
      }),
    };
  },
  configLines(settings) {
    const app = settings.accountId
      ? 'server-to-server'
      : zoomUserAppAvailability(settings).available
        ? 'general OAuth'
        : 'not set';
    return [
      { label: 'Zoom app', value: app },
      { label: 'Zoom webhook', value: settings.webhookSecret ? 'configured' : 'not set' },
    ];
  },
  simulator: () => import('./simulator.js'),
});
