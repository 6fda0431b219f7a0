/** An organization's own Nextcloud Talk account (SPEC §10): server, username and app password. */
import { z } from 'zod';
import type { OrgCredentialsSpec } from '../module.js';
import { NEXTCLOUD_TALK_ID, parseNextcloudServer, usernameSchema, type NextcloudAccount } from './settings.js';

/** The fields of an organization's own account; the server is normalised as the operator's is. */
export const nextcloudOrgCredentialsSchema = z
  .object({
    server: z
      .string()
      .max(2048)
      .transform((value, ctx) => {
        try {
          return parseNextcloudServer(value.trim());
        } catch (error) {
          ctx.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) });
          return z.NEVER;
        }
      }),
    username: usernameSchema,
    password: z.string().trim().min(1, 'must not be empty').max(512),
  })
  .strict();

/** The account of an organization's own credentials. */
export function nextcloudOwnAccount(fields: Readonly<Record<string, string>>): NextcloudAccount {
  return nextcloudOrgCredentialsSchema.parse(fields);
}

/** Nextcloud Talk's organization credentials. */
export const nextcloudOrgCredentials: OrgCredentialsSpec = {
  providerId: NEXTCLOUD_TALK_ID,
  schema: nextcloudOrgCredentialsSchema,
  secretFields: ['password'],
  accountFields: ['server', 'username'],
  addressFields: ['server'],
  description: 'server, username and password (an app password) of a Nextcloud account with Talk',
  form: [
    { name: 'server', label: 'Nextcloud address', hint: 'For example https://cloud.example.com/' },
    { name: 'username', label: 'Username', hint: 'The account that creates the conversations.' },
    {
      name: 'password',
      label: 'App password',
      hint: 'Created under Personal settings → Security → Devices & sessions.',
    },
  ],
};
