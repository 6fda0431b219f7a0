/**
 * Zod building blocks for a provider module's settings schema (environment and secrets, see
 * `SettingsSource` in `../module.ts`); a failure is an issue the core prints as `NAME: message`.
 */
import { z } from 'zod';
import { parseServerUrl } from '../../config/urls.js';

/** An optional text value: absent, or blank after trimming, is null. */
export const optionalText = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? null : value.trim()));

/** A provider base URL with a default: https (http only on loopback), no query, no trailing slash. */
export function serverUrl(fallback: string): z.ZodType<string, string | undefined> {
  return z
    .string()
    .optional()
    .transform((value, context) => {
      if (value === undefined || value.trim() === '') return fallback;
      try {
        return parseServerUrl(value);
      } catch (error) {
        context.addIssue({ code: 'custom', message: error instanceof Error ? error.message : 'must be a URL' });
        return z.NEVER;
      }
    });
}

/** An optional choice among `values`, case-insensitive on input; the canonical spelling comes out. */
export function optionalChoice<const T extends string>(values: readonly T[]): z.ZodType<T | null, string | undefined> {
  return z
    .string()
    .optional()
    .transform((value, context) => {
      if (value === undefined || value.trim() === '') return null;
      const match = values.find((candidate) => candidate.toLowerCase() === value.trim().toLowerCase());
      if (match === undefined) {
        context.addIssue({ code: 'custom', message: `must be one of ${values.join(', ')}` });
        return z.NEVER;
      }
      return match;
    });
}
