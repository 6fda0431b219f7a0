/**
 * An organization's own Jitsi token authentication (SPEC §10): its own self-hosted app id
 * and secret (HS256, for its own Jitsi URL), or its own 8x8 JaaS app, key id and private key.
 * With them the organization's rooms get tokens signed with its key, never the operator's.
 */
import { createPrivateKey } from 'node:crypto';
import { z } from 'zod';
import type { OrgCredentialsSpec } from '../module.js';
import { JAAS_HOST, type JitsiTarget } from './jitsiTokens.js';
import type { JitsiSettings } from './settings.js';

const field = z.string().trim().min(1, 'must not be empty').max(512);

/** A PEM private key JaaS accepts (RSA); refused when it does not parse as one. */
const privateKey = z
  .string()
  .trim()
  .max(8192)
  .refine((pem) => {
    try {
      return createPrivateKey(pem).asymmetricKeyType === 'rsa';
    } catch {
      return false;
    }
  }, 'must be an RSA private key in PEM form (-----BEGIN PRIVATE KEY-----)');

/** The fields of an organization's own Jitsi token authentication, by mode. */
export const jitsiOrgCredentialsSchema = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('jwt'), app_id: field, app_secret: field }).strict(),
  z
    .object({
      mode: z.literal('jaas'),
      app_id: field.regex(/^[A-Za-z0-9._-]+$/, 'must be the JaaS AppID, e.g. vpaas-magic-cookie-<hex>'),
      key_id: field,
      private_key: privateKey,
    })
    .strict(),
]);

/** Jitsi's organization credentials. */
export const jitsiOrgCredentials: OrgCredentialsSpec = {
  providerId: 'jitsi_meet',
  schema: jitsiOrgCredentialsSchema,
  secretFields: ['app_secret', 'private_key'],
  accountFields: ['mode', 'app_id', 'key_id'],
  description:
    'token authentication: {"mode":"jwt","app_id","app_secret"} (self-hosted, HS256) or {"mode":"jaas","app_id","key_id","private_key"} (8x8 JaaS)',
  form: [
    {
      name: 'mode',
      label: 'Kind',
      choices: ['jwt', 'jaas'],
      hint: 'jwt: your own Jitsi server with token authentication (set its URL above); jaas: 8x8 Jitsi as a Service.',
    },
    { name: 'app_id', label: 'App ID', hint: 'jwt: app_id of your Prosody; jaas: your vpaas-magic-cookie-… AppID.' },
    { name: 'app_secret', label: 'App secret', modes: ['jwt'] },
    { name: 'key_id', label: 'API key ID', modes: ['jaas'] },
    { name: 'private_key', label: 'Private key (PEM)', multiline: true, modes: ['jaas'] },
  ],
};

/** The base URL of an organization's own JaaS tenant, or null for the other mode. */
export function ownJaasBase(fields: Readonly<Record<string, string>>): string | null {
  const own = jitsiOrgCredentialsSchema.parse(fields);
  return own.mode === 'jaas' ? `https://${JAAS_HOST}/${own.app_id}` : null;
}

/**
 * Where an organization's room lives and how its tokens are made with its own credentials:
 * JaaS on its own tenant, or HS256 with its own secret for its base URL (its own Jitsi).
 */
export function ownJitsiTarget(
  config: JitsiSettings,
  base: string,
  fields: Readonly<Record<string, string>>,
): JitsiTarget {
  const own = jitsiOrgCredentialsSchema.parse(fields);
  if (own.mode === 'jaas') {
    return {
      base: `https://${JAAS_HOST}/${own.app_id}`,
      auth: { kind: 'jaas', appId: own.app_id, keyId: own.key_id, privateKey: own.private_key },
    };
  }
  return {
    base: base.replace(/\/+$/, ''),
    auth: { kind: 'self_hosted', appId: own.app_id, secret: own.app_secret, audience: config.jwtAudience },
  };
}
