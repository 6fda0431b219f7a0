/**
 * Constructor Groups' settings (SPEC §4a): `CONSTRUCTOR_GROUPS_URL` (the API base, path kept)
 * and the organization API key pair in the secrets `constructor_groups_access_key` (AK) and
 * `constructor_groups_secret_key` (SK). Available when all three are set.
 */
import { z } from 'zod';
import { parseProviderBaseUrl } from '../../http/baseUrl.js';
import type { SettingsSource } from '../module.js';
import { optionalText } from '../shared/settingsFields.js';
import type { Availability } from '../types.js';

/** The provider id. */
export const CONSTRUCTOR_GROUPS_ID = 'constructor_groups';
/** The provider's display name, used in every message. */
export const CONSTRUCTOR_GROUPS_NAME = 'Constructor Groups';
/** The secret holding the access key (AK). */
export const ACCESS_KEY_SECRET = 'constructor_groups_access_key';
/** The secret holding the secret key (SK). */
export const SECRET_KEY_SECRET = 'constructor_groups_secret_key';
/** Zulip's pattern for a provider that lacks settings. */
export const CONSTRUCTOR_GROUPS_NOT_CONFIGURED = 'Constructor Groups credentials have not been configured';

/** One Constructor Groups account: the API base and the key pair. */
export interface ConstructorAccount {
  /** API base URL with its path kept and a trailing slash. */
  url: string;
  accessKey: string;
  secretKey: string;
}

/** The parsed settings; null fields are unset. */
export interface ConstructorGroupsSettings {
  url: string | null;
  accessKey: string | null;
  secretKey: string | null;
}

/**
 * The access key travels in the Bearer header before a `|`, so it must not contain one
 * (nor whitespace or control characters, which would break the header).
 */
const accessKeySchema = optionalText.refine(
  // Printable ASCII from `!` to `~`, `|` (0x7c) excepted.
  (value) => value === null || /^[\x21-\x7b\x7d\x7e]+$/.test(value),
  'must be printable ASCII without spaces or "|"',
);

/** The settings schema over a SettingsSource; a bad value is an issue at `[…, NAME]`. */
export const constructorGroupsSettingsSchema = z
  .object({
    env: z.object({
      CONSTRUCTOR_GROUPS_URL: optionalText.superRefine((value, ctx) => {
        if (value === null) return;
        try {
          parseProviderBaseUrl(value);
        } catch (error) {
          ctx.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) });
        }
      }),
    }),
    secrets: z.object({ [ACCESS_KEY_SECRET]: accessKeySchema, [SECRET_KEY_SECRET]: optionalText }),
  })
  .transform(({ env, secrets }): ConstructorGroupsSettings => ({
    url: env.CONSTRUCTOR_GROUPS_URL === null ? null : parseProviderBaseUrl(env.CONSTRUCTOR_GROUPS_URL),
    accessKey: secrets[ACCESS_KEY_SECRET],
    secretKey: secrets[SECRET_KEY_SECRET],
  }));

/** Parses settings from a SettingsSource. */
export function parseConstructorGroupsSettings(
  source: Pick<SettingsSource, 'env' | 'secrets'>,
): ConstructorGroupsSettings {
  return constructorGroupsSettingsSchema.parse(source);
}

/** The account when every setting is there, else null. */
export function constructorAccount(settings: ConstructorGroupsSettings): ConstructorAccount | null {
  const { url, accessKey, secretKey } = settings;
  return url && accessKey && secretKey ? { url, accessKey, secretKey } : null;
}

/** Available when URL and both keys are set; the reason is Zulip's wording. */
export function constructorGroupsAvailability(settings: ConstructorGroupsSettings): Availability {
  return constructorAccount(settings)
    ? { available: true }
    : { available: false, reason: CONSTRUCTOR_GROUPS_NOT_CONFIGURED };
}

/** The settings still missing, by name, for check-config. */
export function missingConstructorGroupsSettings(settings: ConstructorGroupsSettings): string[] {
  return [
    settings.url ? null : 'CONSTRUCTOR_GROUPS_URL',
    settings.accessKey ? null : ACCESS_KEY_SECRET,
    settings.secretKey ? null : SECRET_KEY_SECRET,
  ].filter((name): name is string => name !== null);
}
