/**
 * Jitsi join links (SPEC §4). With token authentication the URL posted in a conversation
 * is `{PUBLIC_URL}/calls/jitsi/join?jitsi=<signed link>`: it names a room but nobody's
 * identity. Whoever opens it gets a Jitsi JWT of their own (moderator only for the
 * creator) and is redirected to `<base>/<room>?jwt=<jwt>#config.startWithVideoMuted=...`.
 */
import { z } from 'zod';
import type { Identity } from '../../auth/identity.js';
import type { JitsiSettings } from './settings.js';
import { createTokenSigner } from '../../crypto/signedToken.js';
import { mintJitsiToken, resolveJitsiTarget } from './jitsiTokens.js';

/** The path of the join route. */
export const JITSI_JOIN_PATH = '/calls/jitsi/join';

/** Joins a base URL (its path kept) and a room name, with the camera hash. */
export function jitsiRoomUrl(base: string, room: string, isVideoCall: boolean): string {
  const url = new URL(base);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/${room}`;
  url.hash = `config.startWithVideoMuted=${isVideoCall ? 'false' : 'true'}`;
  return url.toString();
}

/** What a signed link binds; wire names snake_case. */
const linkSchema = z.object({
  room: z.string().regex(/^[a-z0-9]{1,64}$/),
  base: z.url(),
  is_video_call: z.boolean(),
  creator_user_id: z.string().min(1),
  org: z.string().min(1),
});

/** A verified join link. */
export interface JitsiLink {
  room: string;
  /** The base URL at creation time (org's or server's), after JaaS normalisation. */
  base: string;
  isVideoCall: boolean;
  creatorUserId: string;
  org: string;
}

/** Signs, reads and redeems Jitsi join links. */
export interface JitsiJoinLinks {
  /** The callgate URL to post for a new call. */
  create(link: JitsiLink): string;
  /** Verifies a `jitsi` query value; INVALID_SIGNATURE when altered. */
  verify(token: string): JitsiLink;
  /** The Jitsi URL to send `identity` to, with a freshly minted JWT when the server takes one. */
  joinUrl(identity: Identity, link: JitsiLink): string;
}

/** Creates the join-link service from the config. */
export function createJitsiJoinLinks(deps: {
  config: { jitsi: JitsiSettings; publicUrl: string; signingSecret: string };
  now: () => number;
}): JitsiJoinLinks {
  const signer = createTokenSigner(deps.config.signingSecret, 'jitsi');
  return {
    create(link) {
      const token = signer.sign({
        room: link.room,
        base: link.base,
        is_video_call: link.isVideoCall,
        creator_user_id: link.creatorUserId,
        org: link.org,
      });
      const url = new URL(`${deps.config.publicUrl}${JITSI_JOIN_PATH}`);
      url.searchParams.set('jitsi', token);
      return url.toString();
    },
    verify(token) {
      const link = signer.verifyAs(token, linkSchema);
      return {
        room: link.room,
        base: link.base,
        isVideoCall: link.is_video_call,
        creatorUserId: link.creator_user_id,
        org: link.org,
      };
    },
    joinUrl(identity, link) {
      // Resolved again at join time: if the operator has since turned token authentication
      // off, the room URL alone is what a new call would get, so the old link still works.
      const target = resolveJitsiTarget(deps.config.jitsi, link.base);
      const url = new URL(jitsiRoomUrl(target.base, link.room, link.isVideoCall));
      if (target.auth) {
        const token = mintJitsiToken({
          auth: target.auth,
          base: target.base,
          room: link.room,
          participant: {
            id: identity.userId,
            name: identity.name,
            email: identity.email,
            moderator: identity.userId === link.creatorUserId,
          },
          nowSeconds: Math.floor(deps.now() / 1000),
          ttlSeconds: deps.config.jitsi.jwtTtlSeconds,
        });
        url.searchParams.set('jwt', token);
      }
      return url.toString();
    },
  };
}
