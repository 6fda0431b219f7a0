/** An organization's own Constructor Groups API key (SPEC §10): API URL, access key and secret key. */
import { z } from 'zod';
import { parseProviderBaseUrl } from '../../http/baseUrl.js';
import type { OrgCredentialsSpec } from '../module.js';
import { CONSTRUCTOR_GROUPS_ID, type ConstructorAccount } from './settings.js';

/** The fields of an organization's own key; the access key travels before a `|` in the header. */
export const constructorOrgCredentialsSchema = z
  .object({
    url: z
      .string()
      .max(2048)
      .transform((value, ctx) => {
        try {
          return parseProviderBaseUrl(value.trim());
        } catch (error) {
          ctx.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) });
          return z.NEVER;
        }
      }),
    access_key: z
      .string()
      .trim()
      .min(1, 'must not be empty')
      .max(512)
      // Printable ASCII from `!` to `~`, `|` (0x7c) excepted.
      .regex(/^[\x21-\x7b\x7d\x7e]+$/, 'must be printable ASCII without spaces or "|"'),
    secret_key: z.string().trim().min(1, 'must not be empty').max(512),
  })
  .strict();

/** The account of an organization's own credentials. */
export function constructorOwnAccount(fields: Readonly<Record<string, string>>): ConstructorAccount {
  const own = constructorOrgCredentialsSchema.parse(fields);
  return { url: own.url, accessKey: own.access_key, secretKey: own.secret_key };
}

/** Constructor Groups' organization credentials. */
export const constructorOrgCredentials: OrgCredentialsSpec = {
  providerId: CONSTRUCTOR_GROUPS_ID,
  schema: constructorOrgCredentialsSchema,
  secretFields: ['access_key', 'secret_key'],
  // A new access key is a new key pair: its secret key must come with it.
  accountFields: ['url', 'access_key'],
  addressFields: ['url'],
  description: 'url, access_key (AK) and secret_key (SK) of a Constructor Groups organization API key',
  form: [
    { name: 'url', label: 'API URL', hint: 'The Constructor Groups API address of your organization.' },
    { name: 'access_key', label: 'Access key (AK)' },
    { name: 'secret_key', label: 'Secret key (SK)' },
  ],
};
