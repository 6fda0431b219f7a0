/** The Constructor Groups module (SPEC §4a): settings, provider, check-config lines, simulator. */
import { defineProviderModule } from '../module.js';
import { createConstructorGroupsProvider } from './provider.js';
import {
  ACCESS_KEY_SECRET,
  CONSTRUCTOR_GROUPS_ID,
  constructorGroupsSettingsSchema,
  missingConstructorGroupsSettings,
  SECRET_KEY_SECRET,
} from './settings.js';

/** Constructor Groups: the organization's API key gets each creator's room. */
export const constructorGroupsModule = defineProviderModule({
  key: 'constructorGroups',
  ids: [CONSTRUCTOR_GROUPS_ID],
  secretNames: [ACCESS_KEY_SECRET, SECRET_KEY_SECRET],
  // Local mode's simulator then checks a random key pair, as the real service would.
  localSecretNames: [ACCESS_KEY_SECRET, SECRET_KEY_SECRET],
  settings: constructorGroupsSettingsSchema,
  create(settings, core) {
    return { providers: [createConstructorGroupsProvider(settings, core)] };
  },
  configLines(settings) {
    const missing = missingConstructorGroupsSettings(settings);
    return [
      { label: 'Constructor Groups API', value: settings.url ?? 'not set' },
      // Keys are only said to be set: both live in the secrets file.
      { label: 'Constructor Groups access key', value: settings.accessKey ? 'set' : 'not set' },
      { label: 'Constructor Groups secret key', value: settings.secretKey ? 'set' : 'not set' },
      ...(missing.length > 0 ? [{ label: 'Constructor Groups needs', value: missing.join(', ') }] : []),
    ];
  },
  simulator: () => import('./simulator.js'),
});
