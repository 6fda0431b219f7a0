/** Zoom's server settings and secrets (SPEC §4, §5, §7) as a zod schema. */
import { z } from 'zod';
import { optionalSecret, optionalSetting, stripSlash, urlSetting } from '../../config/fields.js';

/** Zoom's settings schema: one app (general OAuth or server-to-server) plus the webhook secret. */
export const zoomSettingsSchema = z
  .object({
    env: z.object({
      VIDEO_ZOOM_CLIENT_ID: optionalSetting(),
      VIDEO_ZOOM_SERVER_TO_SERVER_ACCOUNT_ID: optionalSetting(),
      VIDEO_ZOOM_API_URL: urlSetting(),
      VIDEO_ZOOM_OAUTH_URL: urlSetting(),
    }),
    secrets: z.object({
      video_zoom_client_secret: optionalSecret(),
      video_zoom_webhook_secret: optionalSecret(),
    }),
  })
  .transform(({ env, secrets }) => ({
    clientId: env.VIDEO_ZOOM_CLIENT_ID,
    clientSecret: secrets.video_zoom_client_secret,
    /** Set for a server-to-server app; the general OAuth app is then unavailable. */
    accountId: env.VIDEO_ZOOM_SERVER_TO_SERVER_ACCOUNT_ID,
    webhookSecret: secrets.video_zoom_webhook_secret,
    apiUrl: stripSlash(env.VIDEO_ZOOM_API_URL ?? 'https://api.zoom.us'),
    oauthUrl: stripSlash(env.VIDEO_ZOOM_OAUTH_URL ?? 'https://zoom.us'),
  }));

/** Zoom's settings. */
export type ZoomSettings = z.output<typeof zoomSettingsSchema>;
