import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { describe, expect, test } from '@jest/globals';
import jwt from 'jsonwebtoken';
import { ProsodyRefusal, verifyLikeProsody, type ProsodyTokenSettings } from '../../../test/support/prosody.js';
import type { Config } from '../../config/index.js';
import type { Identity } from '../../auth/identity.js';
import { jitsiSubject, mintJitsiToken, resolveJitsiTarget, type JitsiAuth } from './jitsiTokens.js';
import { createJitsiJoinLinks } from './joinLink.js';

const NOW = 1_700_000_000;
const TTL = 3 * 3600;
const secret = randomBytes(32).toString('hex');
const selfHosted: JitsiAuth = { kind: 'self_hosted', appId: 'callgate', secret, audience: 'jitsi' };
const { publicKey, privateKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
});
const appId = 'vpaas-magic-cookie-0123abcd';
const jaas: JitsiAuth = { kind: 'jaas', appId, keyId: 'key1', privateKey };

const participant = { id: '42', name: 'Ada', email: 'ada@acme.example', moderator: true };

/** Prosody with `app_secret` and the default accepted issuers (only `app_id`). */
const prosodyHs256 = (overrides: Partial<ProsodyTokenSettings> = {}): ProsodyTokenSettings => ({
  algorithm: 'HS256',
  key: secret,
  acceptedIssuers: ['callgate'],
  acceptedAudiences: ['jitsi'],
  nowSeconds: NOW,
  ...overrides,
});

function jitsiConfig(overrides: Partial<Config['jitsi']> = {}): Config['jitsi'] {
  return {
    serverUrl: 'https://meet.example.com',
    jwt: { appId: 'callgate', secret },
    jaas: null,
    jwtAudience: 'jitsi',
    jwtTtlSeconds: TTL,
    ...overrides,
  };
}

describe('jitsiSubject', () => {
  test('when the base URL has no path, then sub is the host', () => {
    expect(jitsiSubject('https://Meet.Example.com')).toBe('meet.example.com');
  });

  test('when the base URL names a tenant, then sub is the lowercase tenant', () => {
    expect(jitsiSubject('https://meet.example.com/Team/')).toBe('team');
  });
});

describe('resolveJitsiTarget', () => {
  const withJaas = jitsiConfig({ jaas: { appId, keyId: 'key1', privateKey } });

  test('when the base is the JaaS host, then JaaS tokens are used under the app tenant', () => {
    expect(resolveJitsiTarget(withJaas, 'https://8x8.vc')).toEqual({
      base: `https://8x8.vc/${appId}`,
      auth: { kind: 'jaas', appId, keyId: 'key1', privateKey },
    });
    expect(resolveJitsiTarget(withJaas, `https://8x8.vc/${appId}/`).auth?.kind).toBe('jaas');
  });

  test('when the base is another JaaS tenant, then no token is minted for it', () => {
    expect(resolveJitsiTarget(withJaas, 'https://8x8.vc/vpaas-magic-cookie-other')).toEqual({
      base: 'https://8x8.vc/vpaas-magic-cookie-other',
      auth: null,
    });
  });

  test("when the base is the operator's server, then self-hosted tokens are used if configured", () => {
    expect(resolveJitsiTarget(withJaas, 'https://meet.example.com/')).toEqual({
      base: 'https://meet.example.com',
      auth: { kind: 'self_hosted', appId: 'callgate', secret, audience: 'jitsi' },
    });
    const team = jitsiConfig({ serverUrl: 'https://meet.example.com/Team' });
    expect(resolveJitsiTarget(team, 'https://meet.example.com/team/').auth?.kind).toBe('self_hosted');
    expect(resolveJitsiTarget(jitsiConfig({ jwt: null }), 'https://meet.example.com').auth).toBeNull();
  });

  test("when the base is another tenant, port or scheme on the operator's host, then no token is minted (SPEC §9)", () => {
    const team = jitsiConfig({ serverUrl: 'https://meet.example.com/team' });
    for (const base of [
      'https://meet.example.com',
      'https://meet.example.com/other',
      'https://meet.example.com/team/sub',
      'https://meet.example.com:8443/team',
      'http://meet.example.com/team',
      'https://other.example.com/team',
    ]) {
      expect({ base, auth: resolveJitsiTarget(team, base).auth }).toEqual({ base, auth: null });
    }
  });
});

describe('mintJitsiToken for self-hosted Prosody', () => {
  const mint = (base: string, room = 'abc123', moderator = true): string =>
    mintJitsiToken({
      auth: selfHosted,
      base,
      room,
      participant: { ...participant, moderator },
      nowSeconds: NOW,
      ttlSeconds: TTL,
    });

  test('when Prosody verifies a token for a tenant URL with domain verification, then it is accepted', () => {
    const token = mint('https://meet.example.com/Team');
    const claims = verifyLikeProsody(
      token,
      prosodyHs256({ domainVerification: { mucDomainBase: 'meet.example.com' } }),
      '[team]abc123@conference.meet.example.com',
    );
    expect(claims).toMatchObject({
      iss: 'callgate',
      aud: 'jitsi',
      sub: 'team',
      room: 'abc123',
      iat: NOW,
      nbf: NOW - 10,
      exp: NOW + TTL,
      moderator: true,
      context: { user: { id: '42', name: 'Ada', email: 'ada@acme.example', moderator: 'true', affiliation: 'owner' } },
    });
    expect(jwt.decode(token, { complete: true })?.header).toEqual({ alg: 'HS256', typ: 'JWT' });
  });

  test('when Prosody verifies a token for a root URL with domain verification, then sub is the domain', () => {
    const token = mint('https://meet.example.com');
    const settings = prosodyHs256({ domainVerification: { mucDomainBase: 'meet.example.com' } });
    expect(verifyLikeProsody(token, settings, 'abc123@conference.meet.example.com')['sub']).toBe('meet.example.com');
    expect(() => verifyLikeProsody(token, settings, 'abc123@conference.other.example.com')).toThrow(ProsodyRefusal);
  });

  test('when the token is for another room, then Prosody refuses the join', () => {
    const token = mint('https://meet.example.com', 'abc123');
    expect(() => verifyLikeProsody(token, prosodyHs256(), 'other@conference.meet.example.com')).toThrow(
      'room does not match the token',
    );
  });

  test('when the participant is not the creator, then no claim makes them moderator', () => {
    const claims = verifyLikeProsody(
      mint('https://meet.example.com', 'abc123', false),
      prosodyHs256(),
      'abc123@conference.meet.example.com',
    );
    expect(claims['moderator']).toBe(false);
    expect(claims['context']).toMatchObject({ user: { moderator: 'false', affiliation: 'member' } });
  });

  test('when Prosody checks times, then nbf tolerates a clock 10 s behind and exp ends at the TTL', () => {
    const token = mint('https://meet.example.com');
    const at =
      (nowSeconds: number): (() => unknown) =>
      () =>
        verifyLikeProsody(token, prosodyHs256({ nowSeconds }), 'abc123@conference.meet.example.com');
    expect(at(NOW - 10)).not.toThrow();
    expect(at(NOW - 11)).toThrow('Not acceptable by nbf');
    expect(at(NOW + TTL - 1)).not.toThrow();
    expect(at(NOW + TTL)).toThrow('Not acceptable by exp');
  });

  test('when Prosody has another secret, issuer, audience or algorithm, then it refuses the token', () => {
    const token = mint('https://meet.example.com');
    const room = 'abc123@conference.meet.example.com';
    expect(() => verifyLikeProsody(token, prosodyHs256({ key: 'x'.repeat(32) }), room)).toThrow('Invalid signature');
    expect(() => verifyLikeProsody(token, prosodyHs256({ acceptedIssuers: ['other'] }), room)).toThrow(
      "invalid 'iss' claim",
    );
    expect(() => verifyLikeProsody(token, prosodyHs256({ acceptedAudiences: ['other'] }), room)).toThrow(
      "invalid 'aud' claim",
    );
    expect(() => verifyLikeProsody(token, { ...prosodyHs256(), algorithm: 'RS256', key: publicKey }, room)).toThrow(
      'Invalid or incorrect alg',
    );
  });
});

describe('mintJitsiToken for 8x8 JaaS', () => {
  const jaasProsody = (nowSeconds = NOW): ProsodyTokenSettings => ({
    algorithm: 'RS256',
    key: publicKey,
    acceptedIssuers: ['chat'],
    acceptedAudiences: ['jitsi'],
    domainVerification: { mucDomainBase: '8x8.vc' },
    nowSeconds,
  });
  const mint = (moderator: boolean): string =>
    mintJitsiToken({
      auth: jaas,
      base: `https://8x8.vc/${appId}`,
      room: 'abc123',
      participant: { ...participant, moderator },
      nowSeconds: NOW,
      ttlSeconds: TTL,
    });

  test('when verified with the public key, then the JaaS claims and kid are as 8x8 documents them', () => {
    const token = mint(true);
    expect(jwt.decode(token, { complete: true })?.header).toEqual({ alg: 'RS256', typ: 'JWT', kid: `${appId}/key1` });
    const claims = verifyLikeProsody(token, jaasProsody(), `[${appId}]abc123@conference.8x8.vc`);
    expect(claims).toMatchObject({
      iss: 'chat',
      aud: 'jitsi',
      sub: appId,
      room: 'abc123',
      nbf: NOW - 10,
      exp: NOW + TTL,
      context: {
        user: { id: '42', name: 'Ada', email: 'ada@acme.example', moderator: 'true' },
        features: { livestreaming: 'true', recording: 'true', transcription: 'true', 'outbound-call': 'true' },
      },
    });
  });

  test('when the participant is not the creator, then moderator and every feature are "false"', () => {
    const claims = verifyLikeProsody(mint(false), jaasProsody(), `[${appId}]abc123@conference.8x8.vc`);
    const context = claims['context'] as { user: Record<string, string>; features: Record<string, string> };
    expect(context.user['moderator']).toBe('false');
    expect(Object.values(context.features)).not.toContain('true');
  });

  test('when the key is another one or the token expired, then it is refused', () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
    expect(() =>
      verifyLikeProsody(mint(true), { ...jaasProsody(), key: other }, `[${appId}]abc123@conference.8x8.vc`),
    ).toThrow('Invalid signature');
    expect(() => verifyLikeProsody(mint(true), jaasProsody(NOW + TTL), `[${appId}]abc123@conference.8x8.vc`)).toThrow(
      'Not acceptable by exp',
    );
  });
});

describe('createJitsiJoinLinks', () => {
  const identity: Identity = {
    userId: '7',
    org: 'acme',
    name: 'Bob',
    email: 'bob@acme.example',
    role: 'member',
    exp: 0,
  };
  const base = { publicUrl: 'https://callgate.example.com', signingSecret: 's'.repeat(32) };
  const link = {
    room: 'abc123',
    base: 'https://meet.example.com',
    isVideoCall: false,
    creatorUserId: '42',
    org: 'acme',
  };

  test('when token authentication was turned off after the link was made, then the bare room opens', () => {
    const made = createJitsiJoinLinks({ config: { ...base, jitsi: jitsiConfig() }, now: () => NOW * 1000 });
    const token = new URL(made.create(link)).searchParams.get('jitsi') ?? '';
    const later = createJitsiJoinLinks({ config: { ...base, jitsi: jitsiConfig({ jwt: null }) }, now: Date.now });
    expect(later.joinUrl(identity, later.verify(token))).toBe(
      'https://meet.example.com/abc123#config.startWithVideoMuted=true',
    );
  });

  test('when a link was signed with another secret, then it is refused as an invalid signature', () => {
    const other = createJitsiJoinLinks({
      config: { ...base, signingSecret: 't'.repeat(32), jitsi: jitsiConfig() },
      now: Date.now,
    });
    const links = createJitsiJoinLinks({ config: { ...base, jitsi: jitsiConfig() }, now: Date.now });
    const token = new URL(other.create(link)).searchParams.get('jitsi') ?? '';
    expect(() => links.verify(token)).toThrow('Invalid signature.');
  });
});
