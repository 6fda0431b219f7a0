/** The Jitsi Meet module: settings, provider, join-link route and the org's own server URL. */
import { z } from 'zod';
import { parseServerUrl } from '../../config/urls.js';
import type { AddressPolicy } from '../../http/addressPolicy.js';
import { defineProviderModule, type OrgSettingField } from '../module.js';
import { createJitsiProvider } from './jitsiProvider.js';
import { createJitsiJoinLinks } from './joinLink.js';
import { jitsiRoutes } from './routes.js';
import { jitsiSettingsSchema, type JitsiSettings } from './settings.js';

/** The org setting of an organization's own Jitsi server (SPEC §3). */
export const JITSI_SERVER_URL_FIELD = 'jitsi_server_url';

/**
 * Parses an admin's Jitsi URL: `"default"` or null reset it; otherwise a checked server URL
 * whose host the address policy allows (SPEC §9; a name is not resolved here).
 */
function serverUrlInput(policy: AddressPolicy) {
  return z
    .string()
    .max(2048)
    .nullable()
    .transform((value, ctx): string | null => {
      if (value === null || value === 'default') return null;
      let url: string;
      try {
        url = parseServerUrl(value);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
      const refusal = policy.refusalOf(url);
      if (refusal === null) return url;
      ctx.addIssue({ code: 'custom', message: refusal });
      return z.NEVER;
    });
}

function orgSettingFields(settings: JitsiSettings, policy: AddressPolicy): OrgSettingField[] {
  return [
    {
      name: JITSI_SERVER_URL_FIELD,
      input: serverUrlInput(policy),
      serverValue: { name: 'server_jitsi_server_url', value: settings.serverUrl },
      description: 'https URL, "default" or null',
    },
  ];
}

/** Jitsi Meet. */
export const jitsiModule = defineProviderModule({
  key: 'jitsi',
  ids: ['jitsi_meet'],
  secretNames: ['jitsi_jwt_app_secret'],
  settings: jitsiSettingsSchema,
  create(settings, core) {
    const deps = {
      config: {
        jitsi: settings,
        publicUrl: core.publicUrl,
        signingSecret: core.signingSecret,
        upstreamTimeoutMs: core.upstreamTimeoutMs,
      },
      now: core.now,
    };
    return {
      providers: [createJitsiProvider({ ...deps, addressPolicy: core.addressPolicy })],
      routes: jitsiRoutes(createJitsiJoinLinks(deps)),
      orgSettings: orgSettingFields(settings, core.addressPolicy),
    };
  },
  configLines(settings) {
    const tokens = settings.jaas ? 'JaaS' : settings.jwt ? 'self-hosted (HS256)' : 'off';
    return [
      { label: 'Jitsi server', value: settings.serverUrl ?? 'none (organizations may set their own)' },
      { label: 'Jitsi token authentication', value: tokens },
    ];
  },
});
