/** The Nextcloud Talk module (SPEC §4a): settings, provider, check-config lines, simulator. */
import { defineProviderModule } from '../module.js';
import { createNextcloudTalkProvider } from './provider.js';
import {
  missingNextcloudTalkSettings,
  NEXTCLOUD_TALK_ID,
  NEXTCLOUD_TALK_PASSWORD_SECRET,
  nextcloudTalkSettingsSchema,
} from './settings.js';

/** Nextcloud Talk: one server account (an app password) creates a public conversation per call. */
export const nextcloudTalkModule = defineProviderModule({
  key: 'nextcloudTalk',
  ids: [NEXTCLOUD_TALK_ID],
  secretNames: [NEXTCLOUD_TALK_PASSWORD_SECRET],
  // Local mode's simulator then checks a random password, as a real server would.
  localSecretNames: [NEXTCLOUD_TALK_PASSWORD_SECRET],
  settings: nextcloudTalkSettingsSchema,
  create(settings, core) {
    return { providers: [createNextcloudTalkProvider(settings, core)] };
  },
  configLines(settings) {
    const missing = missingNextcloudTalkSettings(settings);
    return [
      { label: 'Nextcloud Talk server', value: settings.server ?? 'not set' },
      { label: 'Nextcloud Talk username', value: settings.username ?? 'not set' },
      // Whether the password is set, never its value.
      { label: 'Nextcloud Talk app password', value: settings.password ? 'set' : 'not set' },
      ...(missing.length > 0 ? [{ label: 'Nextcloud Talk needs', value: missing.join(', ') }] : []),
    ];
  },
  simulator: () => import('./simulator.js'),
});
