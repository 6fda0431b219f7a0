/** When BigBlueButton is available (SPEC §3). */
import type { BigBlueButtonSettings } from './settings.js';
import type { Availability } from '../types.js';

/** The message Zulip shows when BigBlueButton lacks settings. */
export const BBB_NOT_CONFIGURED = 'BigBlueButton credentials have not been configured';

/** Available when both URL and secret are set. */
export function bigBlueButtonAvailability(bbb: BigBlueButtonSettings): Availability {
  return bbb.url && bbb.secret ? { available: true } : { available: false, reason: BBB_NOT_CONFIGURED };
}
