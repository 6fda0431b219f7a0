/**
 * Google Meet's settings (SPEC §4a) and when the provider is available. The OAuth client is a
 * "Web application" client of a Google Cloud project with the Meet REST API enabled:
 * https://developers.google.com/identity/protocols/oauth2/web-server
 */
import { z } from 'zod';
import type { Availability } from '../types.js';
import { optionalChoice, optionalText, serverUrl } from '../shared/settingsFields.js';

/** The provider id, also the path of `/calls/google_meet/register|complete`. */
export const GOOGLE_MEET_ID = 'google_meet';
/** The name used in every text. */
export const GOOGLE_MEET_NAME = 'Google Meet';
/** SPEC §2 wording when the settings are incomplete. */
export const GOOGLE_MEET_NOT_CONFIGURED = 'Google Meet credentials have not been configured';

/** Who may join a created space without asking: https://developers.google.com/workspace/meet/api/reference/rest/v2/spaces#accesstype */
export const GOOGLE_MEET_ACCESS_TYPES = ['OPEN', 'TRUSTED', 'RESTRICTED'] as const;
/** One Meet access type. */
export type GoogleMeetAccessType = (typeof GOOGLE_MEET_ACCESS_TYPES)[number];

/** Names of the secrets this provider reads from the secrets file. */
export const GOOGLE_MEET_SECRETS = ['video_google_client_secret'] as const;

/** The environment settings and the secret (a SettingsSource), as SPEC §4a and §7 name them. */
export const googleMeetSettingsSchema = z
  .object({
    env: z.object({
      VIDEO_GOOGLE_CLIENT_ID: optionalText,
      VIDEO_GOOGLE_OAUTH_URL: serverUrl('https://accounts.google.com'),
      VIDEO_GOOGLE_TOKEN_URL: serverUrl('https://oauth2.googleapis.com'),
      VIDEO_GOOGLE_MEET_API_URL: serverUrl('https://meet.googleapis.com'),
      VIDEO_GOOGLE_MEET_ACCESS_TYPE: optionalChoice(GOOGLE_MEET_ACCESS_TYPES),
    }),
    secrets: z.object({ video_google_client_secret: optionalText }),
  })
  .transform(({ env, secrets }) => ({
    clientId: env.VIDEO_GOOGLE_CLIENT_ID,
    clientSecret: secrets.video_google_client_secret,
    oauthUrl: env.VIDEO_GOOGLE_OAUTH_URL,
    tokenUrl: env.VIDEO_GOOGLE_TOKEN_URL,
    apiUrl: env.VIDEO_GOOGLE_MEET_API_URL,
    accessType: env.VIDEO_GOOGLE_MEET_ACCESS_TYPE,
  }));

/** Google Meet's settings, typed. */
export type GoogleMeetSettings = z.output<typeof googleMeetSettingsSchema>;

/** Available when the client id and secret are set (the URLs have defaults). */
export function googleMeetAvailability(settings: GoogleMeetSettings): Availability {
  if (!settings.clientId || !settings.clientSecret) return { available: false, reason: GOOGLE_MEET_NOT_CONFIGURED };
  return { available: true };
}
