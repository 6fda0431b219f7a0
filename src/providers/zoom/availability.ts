/** When each kind of Zoom app is available (SPEC §3). */
import type { ZoomSettings } from './settings.js';
import type { Availability } from '../types.js';

/** The message Zulip shows when Zoom lacks settings. */
export const ZOOM_NOT_CONFIGURED = 'Zoom credentials have not been configured';

/** The general OAuth app: client id and secret, and no server-to-server account id. */
export function zoomUserAppAvailability(zoom: ZoomSettings): Availability {
  if (!zoom.clientId || !zoom.clientSecret) return { available: false, reason: ZOOM_NOT_CONFIGURED };
  if (zoom.accountId) {
    return { available: false, reason: 'Zoom is configured as a server-to-server app' };
  }
  return { available: true };
}

/** The server-to-server app: account id, client id and secret. */
export function zoomServerToServerAvailability(zoom: ZoomSettings): Availability {
  if (!zoom.clientId || !zoom.clientSecret || !zoom.accountId) {
    return { available: false, reason: ZOOM_NOT_CONFIGURED };
  }
  return { available: true };
}
