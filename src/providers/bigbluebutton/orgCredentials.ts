/** An organization's own BigBlueButton server (SPEC §10): URL, shared secret and checksum algorithm. */
import { z } from 'zod';
import type { OrgCredentialsSpec } from '../module.js';
import { BBB_CHECKSUM_ALGORITHMS, normalizeBigBlueButtonUrl } from './settings.js';

/** The fields of an organization's own BigBlueButton server; the URL is normalised as the server's is. */
export const bigBlueButtonOrgCredentialsSchema = z
  .object({
    url: z
      .string()
      .max(2048)
      .transform((value, ctx) => {
        try {
          return normalizeBigBlueButtonUrl(value);
        } catch (error) {
          ctx.addIssue({ code: 'custom', message: (error as Error).message });
          return z.NEVER;
        }
      }),
    // Trimmed: a space pasted around the secret would fail every checksum.
    secret: z.string().trim().min(1, 'must not be empty').max(512),
    checksum_algorithm: z
      .string()
      .trim()
      .toLowerCase()
      .pipe(z.enum(BBB_CHECKSUM_ALGORITHMS, { error: `must be one of ${BBB_CHECKSUM_ALGORITHMS.join(', ')}` }))
      .default('sha256'),
  })
  .strict();

/** BigBlueButton's organization credentials. */
export const bigBlueButtonOrgCredentials: OrgCredentialsSpec = {
  providerId: 'big_blue_button',
  schema: bigBlueButtonOrgCredentialsSchema,
  secretFields: ['secret'],
  accountFields: ['url'],
  addressFields: ['url'],
  description:
    'url, secret and checksum_algorithm (sha1 | sha256 | sha384 | sha512, default sha256) of a BigBlueButton server',
  form: [
    {
      name: 'url',
      label: 'Server URL',
      hint: 'For example https://bbb.example.com/bigbluebutton/ (bbb-conf --secret shows it).',
    },
    { name: 'secret', label: 'Shared secret' },
    {
      name: 'checksum_algorithm',
      label: 'Checksum algorithm',
      choices: BBB_CHECKSUM_ALGORITHMS,
      initial: 'sha256',
      hint: 'One your server lists in supportedChecksumAlgorithms; sha256 unless you changed it.',
    },
  ],
};
