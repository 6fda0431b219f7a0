/** BigBlueButton's server settings and secret (SPEC §6, §7) as a zod schema. */
import { z } from 'zod';
import { checkedSetting, optionalSecret, settingWithDefault } from '../../config/fields.js';
import { parseServerUrl } from '../../config/urls.js';

/** Checksum algorithms BigBlueButton accepts. */
export const BBB_CHECKSUM_ALGORITHMS = ['sha1', 'sha256', 'sha384', 'sha512'] as const;
/** One BigBlueButton checksum algorithm. */
export type BbbChecksumAlgorithm = (typeof BBB_CHECKSUM_ALGORITHMS)[number];

/**
 * Normalises a BigBlueButton base URL the way admins paste it: surrounding spaces dropped,
 * a trailing `api/` removed, a doubled `/bigbluebutton/` collapsed, a trailing slash added.
 */
export function normalizeBigBlueButtonUrl(raw: string): string {
  const parsed = parseServerUrl(raw.trim());
  let path = new URL(parsed).pathname;
  path = path.replace(/\/+$/, '');
  path = path.replace(/\/api$/, '');
  path = path.replace(/(\/bigbluebutton)+$/, '/bigbluebutton');
  const result = new URL(parsed);
  result.pathname = `${path}/`;
  return result.toString();
}

/** BigBlueButton's settings schema. */
export const bigBlueButtonSettingsSchema = z
  .object({
    env: z.object({
      BIG_BLUE_BUTTON_URL: checkedSetting(normalizeBigBlueButtonUrl),
      BIG_BLUE_BUTTON_CHECKSUM_ALGORITHM: settingWithDefault('sha256').transform((value, ctx) => {
        const algorithm = value.toLowerCase();
        const known = BBB_CHECKSUM_ALGORITHMS.find((candidate) => candidate === algorithm);
        if (known) return known;
        ctx.addIssue({ code: 'custom', message: `must be one of ${BBB_CHECKSUM_ALGORITHMS.join(', ')}` });
        return z.NEVER;
      }),
    }),
    secrets: z.object({ big_blue_button_secret: optionalSecret() }),
  })
  .transform(({ env, secrets }) => ({
    /** Normalised base URL ending in `/`, e.g. `https://bbb.example.com/bigbluebutton/`. */
    url: env.BIG_BLUE_BUTTON_URL,
    // Trimmed here too: a space pasted around the secret would fail every checksum.
    secret: secrets.big_blue_button_secret?.trim() || null,
    checksumAlgorithm: env.BIG_BLUE_BUTTON_CHECKSUM_ALGORITHM,
  }));

/** BigBlueButton's settings. */
export type BigBlueButtonSettings = z.output<typeof bigBlueButtonSettingsSchema>;
