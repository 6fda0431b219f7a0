import { describe, expect, jest, test } from '@jest/globals';
import { generateKeyPairSync } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { createIdentityVerifier, mintToken } from './identity.js';

const secret = 'k'.repeat(40);
const auth = { jwtSecret: secret, jwtPublicKey: null, audience: 'callgate', issuer: null };
const claims = { sub: '42', org: 'acme', name: 'Ada', email: 'ada@example.com', role: 'admin' };

describe('identity verifier', () => {
  test('when a valid HS256 token arrives, then its claims become the identity', () => {
    const identity = createIdentityVerifier(auth).verify(
      mintToken(secret, { org: 'acme', userId: '42', role: 'admin', name: 'Ada' }),
    );
    expect(identity).toMatchObject({ userId: '42', org: 'acme', role: 'admin', name: 'Ada' });
  });

  test.each([
    ['alg none', jwt.sign(claims, '', { algorithm: 'none', audience: 'callgate', expiresIn: 60 })],
    ['a wrong secret', jwt.sign(claims, 'x'.repeat(40), { audience: 'callgate', expiresIn: 60 })],
    [
      'an expired token',
      jwt.sign({ ...claims, exp: Math.floor(Date.now() / 1000) - 10 }, secret, { audience: 'callgate' }),
    ],
    ['another audience', jwt.sign(claims, secret, { audience: 'other', expiresIn: 60 })],
    ['no audience', jwt.sign(claims, secret, { expiresIn: 60 })],
    ['no exp', jwt.sign(claims, secret, { audience: 'callgate' })],
    ['HS384', jwt.sign(claims, secret, { algorithm: 'HS384', audience: 'callgate', expiresIn: 60 })],
    ['a bad org id', jwt.sign({ ...claims, org: 'Acme!' }, secret, { audience: 'callgate', expiresIn: 60 })],
    ['an unknown role', jwt.sign({ ...claims, role: 'root' }, secret, { audience: 'callgate', expiresIn: 60 })],
    ['an empty sub', jwt.sign({ ...claims, sub: '' }, secret, { audience: 'callgate', expiresIn: 60 })],
    ['a 129-char sub', jwt.sign({ ...claims, sub: 'x'.repeat(129) }, secret, { audience: 'callgate', expiresIn: 60 })],
    ['garbage', 'not.a.jwt'],
  ])('when the token has %s, then it is UNAUTHORIZED', (_name, token) => {
    expect(() => createIdentityVerifier(auth).verify(token)).toThrow(expect.objectContaining({ code: 'UNAUTHORIZED' }));
  });

  test('when an issuer is required, then tokens from another issuer are refused', () => {
    const verifier = createIdentityVerifier({ ...auth, issuer: 'chat.example.com' });
    expect(() =>
      verifier.verify(jwt.sign(claims, secret, { audience: 'callgate', issuer: 'evil', expiresIn: 60 })),
    ).toThrow();
    expect(
      verifier.verify(jwt.sign(claims, secret, { audience: 'callgate', issuer: 'chat.example.com', expiresIn: 60 }))
        .userId,
    ).toBe('42');
  });

  test('when a public key is configured, then RS256 is accepted and an HS256 token signed with the PEM text is refused', () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const verifier = createIdentityVerifier({ ...auth, jwtSecret: null, jwtPublicKey: pem });
    expect(
      verifier.verify(jwt.sign(claims, privateKey, { algorithm: 'RS256', audience: 'callgate', expiresIn: 60 })).org,
    ).toBe('acme');
    const confused = jwt.sign(claims, pem, { algorithm: 'HS256', audience: 'callgate', expiresIn: 60 });
    expect(() => verifier.verify(confused)).toThrow(expect.objectContaining({ code: 'UNAUTHORIZED' }));
  });

  test('when an ES256 key is configured, then ES256 tokens verify', () => {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const verifier = createIdentityVerifier({ ...auth, jwtSecret: null, jwtPublicKey: pem });
    expect(
      verifier.verify(jwt.sign(claims, privateKey, { algorithm: 'ES256', audience: 'callgate', expiresIn: 60 })).userId,
    ).toBe('42');
  });

  test('when the same token is verified twice, then the signature is checked once; after expiry it is refused', () => {
    let now = Date.now();
    const verifier = createIdentityVerifier(auth, () => now);
    const spy = jest.spyOn(jwt, 'verify');
    const token = mintToken(secret, { org: 'acme', userId: '1', role: 'member', ttlSeconds: 60 });
    verifier.verify(token);
    verifier.verify(token);
    expect(spy).toHaveBeenCalledTimes(1);
    now += 61_000;
    expect(() => verifier.verify(token)).toThrow(expect.objectContaining({ code: 'UNAUTHORIZED' }));
    spy.mockRestore();
  });
});
