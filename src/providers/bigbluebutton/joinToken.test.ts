import { describe, expect, test } from '@jest/globals';
import { createTokenSigner } from '../../crypto/signedToken.js';
import { createJoinTokenCodec, type BigBlueButtonJoinClaims } from './joinToken.js';

const SECRET = 'a-signing-secret-of-at-least-32-characters';
const CLAIMS: BigBlueButtonJoinClaims = {
  meetingId: 'abcdefghijklmnopqrstuvwx',
  meetingName: "general > standup 😀 & 'co'",
  voiceOnly: true,
  creatorUserId: '42',
  org: 'acme',
};

describe('BigBlueButton join tokens', () => {
  test('when a token is signed and verified, then the claims come back unchanged', () => {
    const codec = createJoinTokenCodec(SECRET);
    expect(codec.verify(codec.sign(CLAIMS))).toEqual(CLAIMS);
  });

  test('when the payload is altered, then verification fails with INVALID_SIGNATURE', () => {
    const codec = createJoinTokenCodec(SECRET);
    const [, signature] = codec.sign(CLAIMS).split('.');
    const forged = Buffer.from(
      JSON.stringify({ meeting_id: 'x', name: 'x', voice_only: false, creator: '7', org: 'acme' }),
    ).toString('base64url');
    expect(() => codec.verify(`${forged}.${signature}`)).toThrow(
      expect.objectContaining({ code: 'INVALID_SIGNATURE', message: 'Invalid signature.' }),
    );
  });

  test('when signed with another secret, then it is refused', () => {
    const token = createJoinTokenCodec(`${SECRET}-other`).sign(CLAIMS);
    expect(() => createJoinTokenCodec(SECRET).verify(token)).toThrow(
      expect.objectContaining({ code: 'INVALID_SIGNATURE' }),
    );
  });

  test('when a token was signed for another purpose, then it is refused even with the same secret', () => {
    const jitsi = createTokenSigner(SECRET, 'jitsi').sign({
      meeting_id: 'm',
      name: 'n',
      voice_only: false,
      creator: '1',
      org: 'acme',
    });
    expect(() => createJoinTokenCodec(SECRET).verify(jitsi)).toThrow(
      expect.objectContaining({ code: 'INVALID_SIGNATURE' }),
    );
  });

  test('when a well-signed payload has the wrong shape, then it is refused', () => {
    const odd = createTokenSigner(SECRET, 'bigbluebutton').sign({ meeting_id: 'm' });
    expect(() => createJoinTokenCodec(SECRET).verify(odd)).toThrow(
      expect.objectContaining({ code: 'INVALID_SIGNATURE' }),
    );
  });
});
