/**
 * Microsoft Teams' settings (SPEC §4a) and when the provider is available. The client is an
 * app registration in Microsoft Entra ID ("Accounts in any organizational directory", or one
 * tenant) with a Web redirect URI and a client secret:
 * https://learn.microsoft.com/entra/identity-platform/quickstart-register-app
 */
import { z } from 'zod';
import type { Availability } from '../types.js';
import { optionalChoice, optionalText, serverUrl } from '../shared/settingsFields.js';

/** The provider id, also the path of `/calls/microsoft_teams/register|complete`. */
export const MICROSOFT_TEAMS_ID = 'microsoft_teams';
/** The name used in every text. */
export const MICROSOFT_TEAMS_NAME = 'Microsoft Teams';
/** SPEC §2 wording when the settings are incomplete. */
export const MICROSOFT_TEAMS_NOT_CONFIGURED = 'Microsoft Teams credentials have not been configured';

/**
 * Who skips the lobby: https://learn.microsoft.com/graph/api/resources/lobbybypasssettings
 * (`unknownFutureValue` is Graph's enum sentinel, not a choice).
 */
export const LOBBY_BYPASS_SCOPES = [
  'organizer',
  'organization',
  'organizationAndFederated',
  'organizationExcludingGuests',
  'everyone',
  'invited',
] as const;
/** One lobby bypass scope. */
export type LobbyBypassScope = (typeof LOBBY_BYPASS_SCOPES)[number];

/**
 * A tenant segment of the login URL: `organizations`, `common`, a tenant id (GUID) or a
 * verified domain. `consumers` is refused: personal accounts cannot create Teams meetings
 * through Graph's onlineMeetings API.
 */
const tenant = z
  .string()
  .optional()
  .transform((value, context) => {
    const text = value === undefined || value.trim() === '' ? 'organizations' : value.trim();
    if (text.toLowerCase() === 'consumers') {
      context.addIssue({
        code: 'custom',
        message: 'personal Microsoft accounts cannot create Teams meetings; use organizations or your tenant id',
      });
      return z.NEVER;
    }
    if (!/^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$/.test(text)) {
      context.addIssue({ code: 'custom', message: 'must be organizations, common, a tenant id or a domain name' });
      return z.NEVER;
    }
    return text;
  });

/** Names of the secrets this provider reads from the secrets file. */
export const MICROSOFT_TEAMS_SECRETS = ['video_microsoft_client_secret'] as const;

/** The environment settings and the secret (a SettingsSource), as SPEC §4a and §7 name them. */
export const microsoftTeamsSettingsSchema = z
  .object({
    env: z.object({
      VIDEO_MICROSOFT_CLIENT_ID: optionalText,
      VIDEO_MICROSOFT_TENANT: tenant,
      VIDEO_MICROSOFT_LOGIN_URL: serverUrl('https://login.microsoftonline.com'),
      VIDEO_MICROSOFT_GRAPH_URL: serverUrl('https://graph.microsoft.com'),
      VIDEO_MICROSOFT_LOBBY_BYPASS: optionalChoice(LOBBY_BYPASS_SCOPES),
    }),
    secrets: z.object({ video_microsoft_client_secret: optionalText }),
  })
  .transform(({ env, secrets }) => ({
    clientId: env.VIDEO_MICROSOFT_CLIENT_ID,
    clientSecret: secrets.video_microsoft_client_secret,
    tenant: env.VIDEO_MICROSOFT_TENANT,
    loginUrl: env.VIDEO_MICROSOFT_LOGIN_URL,
    graphUrl: env.VIDEO_MICROSOFT_GRAPH_URL,
    // SPEC §4a: people of the organization skip the lobby unless the operator says otherwise.
    lobbyBypass: env.VIDEO_MICROSOFT_LOBBY_BYPASS ?? ('organization' as LobbyBypassScope),
  }));

/** Microsoft Teams' settings, typed. */
export type MicrosoftTeamsSettings = z.output<typeof microsoftTeamsSettingsSchema>;

/** Available when the client id and secret are set (tenant and URLs have defaults). */
export function microsoftTeamsAvailability(settings: MicrosoftTeamsSettings): Availability {
  if (!settings.clientId || !settings.clientSecret) {
    return { available: false, reason: MICROSOFT_TEAMS_NOT_CONFIGURED };
  }
  return { available: true };
}
