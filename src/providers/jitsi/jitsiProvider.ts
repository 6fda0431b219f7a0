/**
 * Jitsi Meet (https://jitsi.github.io/handbook/docs/user-guide/user-guide-advanced):
 * a call is a room on the org's or the server's Jitsi; no upstream request at creation.
 * Voice calls open with cameras off through the `config.startWithVideoMuted` URL hash.
 * When the server takes JWTs (self-hosted token auth or 8x8 JaaS), the call's URL is a
 * callgate join link instead, so each participant gets a token of their own.
 */
import type { AddressPolicy } from '../../http/addressPolicy.js';
import type { JitsiSettings } from './settings.js';
import { randomName } from '../../crypto/random.js';
import { CallgateError } from '../../errors.js';
import type { CallRequest, CheckResult, CreatedCall, OrgContext, Provider } from '../types.js';
import { checkJitsiServer } from './connectionCheck.js';
import { resolveJitsiTarget } from './jitsiTokens.js';
import { createJitsiJoinLinks, jitsiRoomUrl } from './joinLink.js';

export { jitsiRoomUrl } from './joinLink.js';

/**
 * Characters of a room name: 20 × log2(36) ≈ 103 random bits. Only `[a-z0-9]`, so the
 * token's `room` claim always equals the MUC room node Prosody lowercases.
 */
export const ROOM_NAME_LENGTH = 20;

/** The Jitsi base URL for an org: its own, else the server's; null when neither exists. */
export function jitsiBaseUrl(config: JitsiSettings, orgContext: OrgContext): string | null {
  return orgContext.fields['jitsi_server_url'] ?? config.serverUrl;
}

/** Creates the Jitsi Meet provider. */
export function createJitsiProvider(deps: {
  config: { jitsi: JitsiSettings; publicUrl: string; signingSecret: string; upstreamTimeoutMs: number };
  now: () => number;
  /** Guards connections to an organization's own Jitsi URL (SPEC §9). */
  addressPolicy: AddressPolicy;
}): Provider & { id: 'jitsi_meet' } {
  const notConfigured = 'Jitsi server URL has not been configured';
  const links = createJitsiJoinLinks(deps);
  const jitsi = deps.config.jitsi;
  return {
    id: 'jitsi_meet',
    defaultForNewOrgs: true,
    name: 'Jitsi Meet',
    capabilities: { voiceOnly: true, requiresUserAuthorization: false },
    availability(orgContext) {
      return jitsiBaseUrl(jitsi, orgContext) ? { available: true } : { available: false, reason: notConfigured };
    },
    async createCall(request: CallRequest): Promise<CreatedCall> {
      const base = jitsiBaseUrl(jitsi, request.orgContext);
      if (!base) throw new CallgateError('PROVIDER_NOT_CONFIGURED', notConfigured);
      const target = resolveJitsiTarget(jitsi, base);
      const room = randomName(ROOM_NAME_LENGTH);
      if (!target.auth) return { url: jitsiRoomUrl(target.base, room, request.isVideoCall) };
      return {
        url: links.create({
          room,
          base: target.base,
          isVideoCall: request.isVideoCall,
          creatorUserId: request.identity.userId,
          org: request.identity.org,
        }),
      };
    },
    async checkConnection(orgContext): Promise<CheckResult> {
      const base = jitsiBaseUrl(jitsi, orgContext);
      if (!base) return { status: 'failed', reason: 'not_configured', detail: notConfigured };
      return checkJitsiServer(resolveJitsiTarget(jitsi, base).base, {
        timeoutMs: deps.config.upstreamTimeoutMs,
        // The operator's own URL is trusted; an organization's goes through the policy.
        ...((orgContext.fields['jitsi_server_url'] ?? null) !== null ? { addressPolicy: deps.addressPolicy } : {}),
      });
    },
  };
}
