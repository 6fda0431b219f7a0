/**
 * Jitsi Meet (https://jitsi.github.io/handbook/docs/user-guide/user-guide-advanced):
 * a call is just a room URL on the org's or the server's Jitsi; no upstream request.
 * Voice calls open with cameras off through the `config.startWithVideoMuted` URL hash.
 */
import type { Config } from '../../config/index.js';
import { randomName } from '../../crypto/random.js';
import type { CallRequest, CheckResult, CreatedCall, OrgContext, Provider } from '../types.js';

/** Characters of a room name: 20 × log2(36) ≈ 103 random bits. */
export const ROOM_NAME_LENGTH = 20;

/** Joins a base URL (its path kept) and a room name, with the camera hash. */
export function jitsiRoomUrl(base: string, room: string, isVideoCall: boolean): string {
  const url = new URL(base);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/${room}`;
  url.hash = `config.startWithVideoMuted=${isVideoCall ? 'false' : 'true'}`;
  return url.toString();
}

/** The Jitsi base URL for an org: its own, else the server's; null when neither exists. */
export function jitsiBaseUrl(config: Config['jitsi'], orgContext: OrgContext): string | null {
  return orgContext.jitsiServerUrl ?? config.serverUrl;
}

/** Creates the Jitsi Meet provider. */
export function createJitsiProvider(deps: { config: Config['jitsi'] }): Provider & { id: 'jitsi_meet' } {
  const notConfigured = 'Jitsi server URL has not been configured';
  return {
    id: 'jitsi_meet',
    name: 'Jitsi Meet',
    capabilities: { voiceOnly: true, requiresUserAuthorization: false },
    availability(orgContext) {
      return jitsiBaseUrl(deps.config, orgContext) ? { available: true } : { available: false, reason: notConfigured };
    },
    async createCall(request: CallRequest): Promise<CreatedCall> {
      const base = jitsiBaseUrl(deps.config, request.orgContext);
      if (!base) throw new Error(notConfigured);
      return { url: jitsiRoomUrl(base, randomName(ROOM_NAME_LENGTH), request.isVideoCall) };
    },
    async checkConnection(): Promise<CheckResult> {
      return { status: 'failed', reason: 'not_supported', detail: 'Connection test for Jitsi is not available yet' };
    },
  };
}
