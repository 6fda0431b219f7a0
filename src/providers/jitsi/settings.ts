/** Jitsi's server settings and secrets (SPEC §4, §7) as a zod schema. */
import { resolve } from 'node:path';
import { z } from 'zod';
import {
  integerSetting,
  optionalSecret,
  optionalSetting,
  readPem,
  settingIssue,
  settingWithDefault,
  tryOrIssue,
} from '../../config/fields.js';
import { parseServerUrl } from '../../config/urls.js';

/** The public Jitsi server used when JITSI_SERVER_URL is not set. */
export const DEFAULT_JITSI_SERVER_URL = 'https://meet.jit.si';

/** JITSI_SERVER_URL: unset gives the default, empty disables Jitsi server-wide (null). */
const serverUrlSetting = z
  .string()
  .optional()
  .transform((value, ctx): string | null | undefined => {
    if (value === undefined) return undefined;
    if (value.trim() === '') return null;
    try {
      return parseServerUrl(value);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
      return z.NEVER;
    }
  });

/** Jitsi's settings schema. */
export const jitsiSettingsSchema = z
  .object({
    env: z.object({
      JITSI_SERVER_URL: serverUrlSetting,
      JITSI_JWT_APP_ID: optionalSetting(),
      JITSI_JWT_AUDIENCE: settingWithDefault('jitsi'),
      JITSI_JWT_TTL_SECONDS: integerSetting(3 * 3600, { min: 60, max: 7 * 86400 }),
      JITSI_JAAS_APP_ID: optionalSetting(),
      JITSI_JAAS_KEY_ID: optionalSetting(),
      JITSI_JAAS_PRIVATE_KEY_FILE: optionalSetting(),
    }),
    secrets: z.object({ jitsi_jwt_app_secret: optionalSecret() }),
    cwd: z.string(),
  })
  .transform(({ env, secrets, cwd }, ctx) => {
    const appId = env.JITSI_JWT_APP_ID;
    const appSecret = secrets.jitsi_jwt_app_secret;
    if (appId && !appSecret)
      settingIssue(ctx, 'secrets', 'jitsi_jwt_app_secret', 'required when JITSI_JWT_APP_ID is set');
    let jaas: { appId: string; keyId: string; privateKey: string } | null = null;
    const jaasAppId = env.JITSI_JAAS_APP_ID;
    if (jaasAppId) {
      if (!/^[A-Za-z0-9._-]+$/.test(jaasAppId)) {
        settingIssue(ctx, 'env', 'JITSI_JAAS_APP_ID', 'must be the JaaS AppID, e.g. vpaas-magic-cookie-<hex>');
      }
      const keyId = env.JITSI_JAAS_KEY_ID;
      const keyFile = env.JITSI_JAAS_PRIVATE_KEY_FILE;
      if (!keyId) return settingIssue(ctx, 'env', 'JITSI_JAAS_KEY_ID', 'required when JITSI_JAAS_APP_ID is set');
      if (!keyFile) {
        return settingIssue(ctx, 'env', 'JITSI_JAAS_PRIVATE_KEY_FILE', 'required when JITSI_JAAS_APP_ID is set');
      }
      const privateKey = tryOrIssue(ctx, 'env', 'JITSI_JAAS_PRIVATE_KEY_FILE', () =>
        readPem(resolve(cwd, keyFile), 'PRIVATE KEY'),
      );
      jaas = { appId: jaasAppId, keyId, privateKey: privateKey ?? '' };
    }
    // With JaaS configured and no JITSI_SERVER_URL, the server's Jitsi is the JaaS tenant.
    const serverUrl =
      env.JITSI_SERVER_URL !== undefined
        ? env.JITSI_SERVER_URL
        : jaas
          ? `https://8x8.vc/${jaas.appId}`
          : DEFAULT_JITSI_SERVER_URL;
    return {
      /** Server-wide Jitsi base URL; null when Jitsi is disabled server-wide. */
      serverUrl,
      /** Self-hosted token authentication (HS256). */
      jwt: appId && appSecret ? { appId, secret: appSecret } : null,
      /** 8x8 JaaS token authentication (RS256). */
      jaas,
      /** `aud` of minted self-hosted Jitsi tokens. */
      jwtAudience: env.JITSI_JWT_AUDIENCE,
      jwtTtlSeconds: env.JITSI_JWT_TTL_SECONDS,
    };
  });

/** Jitsi's settings. */
export type JitsiSettings = z.output<typeof jitsiSettingsSchema>;
