/**
 * The signed token in a BigBlueButton join link (SPEC §4): it binds the meeting, its name,
 * voice-only, the creator and the org, so whoever clicks the link can neither join another
 * meeting nor become its moderator. Signed with `signing_secret` under the `bigbluebutton`
 * purpose, so a Jitsi token is never accepted here.
 */
import { z } from 'zod';
import { createTokenSigner, type TokenSigner } from '../../crypto/signedToken.js';

/** What a join link carries, in domain names. */
export interface BigBlueButtonJoinClaims {
  meetingId: string;
  meetingName: string;
  voiceOnly: boolean;
  creatorUserId: string;
  org: string;
}

const payloadSchema = z
  .object({
    meeting_id: z.string().min(1).max(256),
    name: z.string().min(1).max(1000),
    voice_only: z.boolean(),
    creator: z.string().min(1).max(128),
    org: z.string().min(1).max(63),
  })
  .strict();

/** Signs and verifies join tokens. */
export interface JoinTokenCodec {
  sign(claims: BigBlueButtonJoinClaims): string;
  /** Throws 400 INVALID_SIGNATURE when the token was altered. */
  verify(token: string): BigBlueButtonJoinClaims;
}

/** Creates the codec from `signing_secret`. */
export function createJoinTokenCodec(signingSecret: string): JoinTokenCodec {
  const signer: TokenSigner = createTokenSigner(signingSecret, 'bigbluebutton');
  return {
    sign(claims) {
      return signer.sign({
        meeting_id: claims.meetingId,
        name: claims.meetingName,
        voice_only: claims.voiceOnly,
        creator: claims.creatorUserId,
        org: claims.org,
      } satisfies z.infer<typeof payloadSchema>);
    },
    verify(token) {
      const payload = signer.verifyAs(token, payloadSchema);
      return {
        meetingId: payload.meeting_id,
        meetingName: payload.name,
        voiceOnly: payload.voice_only,
        creatorUserId: payload.creator,
        org: payload.org,
      };
    },
  };
}
