/**
 * Webex settings (SPEC §4a): `VIDEO_WEBEX_CLIENT_ID`, `VIDEO_WEBEX_API_URL` and the secret
 * `video_webex_client_secret`, parsed once at start-up; availability and check-config lines.
 * Integrations are registered at https://developer.webex.com/my-apps (an "Integration").
 */
import { z } from 'zod';
import { parseServerUrl } from '../../config/urls.js';
import type { Availability } from '../types.js';

/** Webex's public API, where integrations authorize, get tokens and create meetings. */
export const DEFAULT_WEBEX_API_URL = 'https://webexapis.com/v1/';

/** Zulip's words when Webex lacks settings. */
export const WEBEX_NOT_CONFIGURED = 'Webex credentials have not been configured';

/** The name of the client secret in the `[secrets]` section. */
export const WEBEX_SECRET_NAME = 'video_webex_client_secret';

/** Webex settings, typed. */
export interface WebexSettings {
  clientId: string | null;
  clientSecret: string | null;
  /** Base URL ending in `/`, e.g. `https://webexapis.com/v1/`; relative paths are joined to it. */
  apiUrl: string;
}

/** Settings with both credentials present: what the provider is built from. */
export type ConfiguredWebex = WebexSettings & { clientId: string; clientSecret: string };

/** An unset or blank value is absent; a secret pasted with spaces around it keeps working. */
const optionalText = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? null : value.trim()));

/**
 * The API base URL: https (http only on loopback), its path kept and a trailing slash
 * added, so `{base}rooms` stays under `/v1/` (SPEC §4a: base URLs keep their path).
 */
export const webexApiUrlSchema = z
  .string()
  .optional()
  .transform((raw, context) => {
    if (raw === undefined || raw.trim() === '') return DEFAULT_WEBEX_API_URL;
    try {
      return `${parseServerUrl(raw)}/`;
    } catch (error) {
      context.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) });
      return z.NEVER;
    }
  });

/** Parses the module's part of the environment and the `[secrets]` section. */
export const webexSettingsSchema = z
  .object({
    env: z.object({
      VIDEO_WEBEX_CLIENT_ID: optionalText,
      VIDEO_WEBEX_API_URL: webexApiUrlSchema,
    }),
    secrets: z.object({ [WEBEX_SECRET_NAME]: optionalText }),
  })
  .transform(({ env, secrets }): WebexSettings => ({
    clientId: env.VIDEO_WEBEX_CLIENT_ID,
    clientSecret: secrets[WEBEX_SECRET_NAME],
    apiUrl: env.VIDEO_WEBEX_API_URL,
  }));

/** Whether both credentials are set. */
export function isConfigured(settings: WebexSettings): settings is ConfiguredWebex {
  return settings.clientId !== null && settings.clientSecret !== null;
}

/** Available when the client id and secret are set (SPEC §3); the reason names what is missing. */
export function webexAvailability(settings: WebexSettings): Availability {
  if (isConfigured(settings)) return { available: true };
  return { available: false, reason: WEBEX_NOT_CONFIGURED };
}

/** What `npm run check-config` prints for Webex, beside availability; never a secret. */
export function webexConfigLines(settings: WebexSettings): Array<{ label: string; value: string }> {
  const missing = [
    ...(settings.clientId ? [] : ['VIDEO_WEBEX_CLIENT_ID']),
    ...(settings.clientSecret ? [] : [WEBEX_SECRET_NAME]),
  ];
  return [
    { label: 'Webex API URL', value: settings.apiUrl },
    { label: 'Webex integration', value: missing.length === 0 ? 'configured' : `missing ${missing.join(', ')}` },
    // The public URL is printed above; this shows the path to append to it.
    { label: 'Webex redirect URL', value: webexRedirectUri('{PUBLIC_URL}') },
  ];
}

/** The redirect URL an operator registers with the Webex integration (SPEC §5). */
export function webexRedirectUri(publicUrl: string): string {
  return `${publicUrl}/calls/webex/complete`;
}
