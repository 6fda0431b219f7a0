/** An organization's own Zoom server-to-server app (SPEC §10): account id, client id and secret. */
import { z } from 'zod';
import type { OrgCredentialsSpec } from '../module.js';

const field = z.string().trim().min(1, 'must not be empty').max(512);

/** The fields of an organization's own server-to-server app. */
export const zoomOrgCredentialsSchema = z
  .object({ account_id: field, client_id: field, client_secret: field })
  .strict();

/** Zoom server-to-server's organization credentials. */
export const zoomOrgCredentials: OrgCredentialsSpec = {
  providerId: 'zoom_server_to_server',
  schema: zoomOrgCredentialsSchema,
  secretFields: ['client_secret'],
  accountFields: ['account_id', 'client_id'],
  description: 'account_id, client_id, client_secret of a Zoom server-to-server OAuth app',
  form: [
    { name: 'account_id', label: 'Account ID', hint: "From the app's page in the Zoom App Marketplace." },
    { name: 'client_id', label: 'Client ID' },
    { name: 'client_secret', label: 'Client secret' },
  ],
};
