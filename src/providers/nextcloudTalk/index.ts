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
  settings: nextcloudTalkSettingsSchema,
  create(settings, core) {
    return { providers: [createNextcloudTalkProvider(settings, core)] };
  },
  configLines(settings) {
    const missing = missingNextcloudTalkSettings(settings);
    return [
      { label: 'server', value: settings.server ?? 'not set (NEXTCLOUD_SERVER)' },
      { label: 'username', value: settings.username ?? 'not set (NEXTCLOUD_TALK_USERNAME)' },
      // Whether the password is set, never its value.
      { label: 'app password', value: settings.password ? 'set' : `not set (${NEXTCLOUD_TALK_PASSWORD_SECRET})` },
      ...(missing.length > 0 ? [{ label: 'missing', value: missing.join(', ') }] : []),
    ];
  },
  simulator: () => import('./simulator.js'),
});
