/** The BigBlueButton module: settings, provider, join route and local simulator. */
import { defineProviderModule } from '../module.js';
import {
  createBigBlueButtonJoin,
  createBigBlueButtonProvider,
  type BigBlueButtonDeps,
} from './bigBlueButtonProvider.js';
import { bigBlueButtonRoutes } from './routes.js';
import { bigBlueButtonSettingsSchema } from './settings.js';

/** BigBlueButton. */
export const bigBlueButtonModule = defineProviderModule({
  key: 'bigBlueButton',
  ids: ['big_blue_button'],
  secretNames: ['big_blue_button_secret'],
  localSecretNames: ['big_blue_button_secret'],
  settings: bigBlueButtonSettingsSchema,
  create(settings, core) {
    const deps: BigBlueButtonDeps = {
      config: settings,
      signingSecret: core.signingSecret,
      publicUrl: core.publicUrl,
      upstreamTimeoutMs: core.upstreamTimeoutMs,
    };
    return {
      providers: [createBigBlueButtonProvider(deps)],
      routes: bigBlueButtonRoutes(createBigBlueButtonJoin(deps), core.metrics),
    };
  },
  configLines(settings) {
    return [
      { label: 'BigBlueButton server', value: settings.url ?? 'not set' },
      { label: 'BigBlueButton checksum', value: settings.checksumAlgorithm },
    ];
  },
  simulator: () => import('./simulator.js'),
});
