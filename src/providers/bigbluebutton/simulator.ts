/**
 * BigBlueButton in local mode (SPEC §8): without a real URL and secret, calls go to the
 * in-process simulator. Loaded with a dynamic `import()` in local mode only.
 */
import type { Simulated } from '../module.js';
import type { BigBlueButtonSettings } from './settings.js';
import { createBigBlueButtonSimulator } from './sim/bbbSimulator.js';

export { createBigBlueButtonSimulator, startBigBlueButtonSimulator } from './sim/bbbSimulator.js';
export type { RunningBigBlueButtonSimulator } from './sim/bbbSimulator.js';
export { javaUrlEncode } from './sim/checksum.js';
export type * from './sim/types.js';

/** Points BigBlueButton at a simulator unless both URL and secret are configured. */
export function simulate(
  settings: BigBlueButtonSettings,
  where: { baseUrl: string },
): Simulated<BigBlueButtonSettings> | null {
  if (settings.url && settings.secret) return null;
  const secret = settings.secret ?? 'local-bigbluebutton-secret';
  return {
    settings: { ...settings, url: `${where.baseUrl}/`, secret },
    router: createBigBlueButtonSimulator({ secret }).router,
    providerIds: ['big_blue_button'],
  };
}
