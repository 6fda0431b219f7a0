/**
 * The Webex module (SPEC §4a, §5): settings, the provider with per-user authorization
 * through the generic service, check-config lines, and the simulator for local mode.
 */
import { defineProviderModule } from '../module.js';
import { webexOAuthSpec } from './oauthSpec.js';
import { WEBEX_SECRET_NAME, webexConfigLines, webexSettingsSchema } from './settings.js';
import { createWebexProvider } from './webexProvider.js';

/** Webex: one provider, `webex`, with user tokens. */
export const webexModule = defineProviderModule({
  key: 'webex',
  ids: ['webex'],
  secretNames: [WEBEX_SECRET_NAME],
  settings: webexSettingsSchema,
  create(settings, core) {
    const spec = webexOAuthSpec(settings);
    const provider = createWebexProvider({
      settings,
      userAuth: { spec, tokens: core.userTokens(spec) },
      publicUrl: core.publicUrl,
      timeoutMs: core.upstreamTimeoutMs,
      now: core.now,
    });
    return { providers: [provider] };
  },
  configLines: (settings) => webexConfigLines(settings),
  simulator: () => import('./simulator.js'),
});
