/** When BigBlueButton is available (SPEC §3). */
import type { BigBlueButtonSettings } from './settings.js';
import type { Availability } from '../types.js';

/** The message Zulip shows when BigBlueButton lacks settings (zerver/views/video_calls.py). */
export const BBB_NOT_CONFIGURED = 'BigBlueButton is not configured';

/** Available when both URL and secret are set. */
export function bigBlueButtonAvailability(bbb: BigBlueButtonSettings): Availability {
  return bbb.url && bbb.secret ? { available: true } : { available: false, reason: BBB_NOT_CONFIGURED };
}
