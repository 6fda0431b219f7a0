/**
 * Nextcloud Talk's settings (SPEC §4a): `NEXTCLOUD_SERVER`, `NEXTCLOUD_TALK_USERNAME` and the
 * secret `nextcloud_talk_password` (an app password of the service account, created under
 * Personal settings → Security → Devices & sessions). Available when all three are set.
 */
import { z } from 'zod';
import { parseProviderBaseUrl } from '../../http/baseUrl.js';
import type { SettingsSource } from '../module.js';
import { optionalText } from '../shared/settingsFields.js';
import type { Availability } from '../types.js';

/** The provider id. */
export const NEXTCLOUD_TALK_ID = 'nextcloud_talk';
/** The provider's display name, used in every message. */
export const NEXTCLOUD_TALK_NAME = 'Nextcloud Talk';
/** The secret holding the service account's app password. */
export const NEXTCLOUD_TALK_PASSWORD_SECRET = 'nextcloud_talk_password';
/** Zulip's pattern for a provider that lacks settings. */
export const NEXTCLOUD_TALK_NOT_CONFIGURED = 'Nextcloud Talk credentials have not been configured';

/** One Nextcloud account: where, who, and its app password. */
export interface NextcloudAccount {
  /** Base URL with its path kept and a trailing slash, e.g. `https://cloud.example.com/nextcloud/`. */
  server: string;
  username: string;
  password: string;
}

/** The parsed settings; null fields are unset. */
export interface NextcloudTalkSettings {
  server: string | null;
  username: string | null;
  password: string | null;
}

/**
 * Normalises a Nextcloud address as admins paste it: the checks of any provider base URL,
 * and a trailing `index.php` (the address bar of a Nextcloud without pretty URLs) dropped,
 * since callgate appends `index.php/call/…` and `ocs/…` itself.
 */
export function parseNextcloudServer(raw: string): string {
  const base = parseProviderBaseUrl(raw);
  return base.replace(/index\.php\/$/, '');
}

/** A Nextcloud login name: no colon (it would end the user part of Basic auth) and no control characters. */
const usernameSchema = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .refine((name) => !/[:\p{Cc}]/u.test(name), 'must not contain ":" or control characters');

/** The settings schema over a SettingsSource; a bad value is an issue at `['env', NAME]`. */
export const nextcloudTalkSettingsSchema: z.ZodType<NextcloudTalkSettings> = z
  .object({
    env: z.object({
      NEXTCLOUD_SERVER: optionalText.superRefine((value, ctx) => {
        if (value === null) return;
        try {
          parseNextcloudServer(value);
        } catch (error) {
          ctx.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) });
        }
      }),
      NEXTCLOUD_TALK_USERNAME: optionalText.pipe(usernameSchema.nullable()),
    }),
    secrets: z.object({ [NEXTCLOUD_TALK_PASSWORD_SECRET]: optionalText }),
  })
  .transform(({ env, secrets }) => ({
    server: env.NEXTCLOUD_SERVER === null ? null : parseNextcloudServer(env.NEXTCLOUD_SERVER),
    username: env.NEXTCLOUD_TALK_USERNAME,
    password: secrets[NEXTCLOUD_TALK_PASSWORD_SECRET],
  }));

/** Parses settings from a SettingsSource (tests and the module use the same path). */
export function parseNextcloudTalkSettings(source: Pick<SettingsSource, 'env' | 'secrets'>): NextcloudTalkSettings {
  return nextcloudTalkSettingsSchema.parse(source);
}

/** The account when every setting is there, else null. */
export function nextcloudAccount(settings: NextcloudTalkSettings): NextcloudAccount | null {
  const { server, username, password } = settings;
  return server && username && password ? { server, username, password } : null;
}

/** Available when server, username and password are all set; the reason is Zulip's wording. */
export function nextcloudTalkAvailability(settings: NextcloudTalkSettings): Availability {
  return nextcloudAccount(settings) ? { available: true } : { available: false, reason: NEXTCLOUD_TALK_NOT_CONFIGURED };
}

/** The settings still missing, by name, for check-config. */
export function missingNextcloudTalkSettings(settings: NextcloudTalkSettings): string[] {
  return [
    settings.server ? null : 'NEXTCLOUD_SERVER',
    settings.username ? null : 'NEXTCLOUD_TALK_USERNAME',
    settings.password ? null : NEXTCLOUD_TALK_PASSWORD_SECRET,
  ].filter((name): name is string => name !== null);
}
