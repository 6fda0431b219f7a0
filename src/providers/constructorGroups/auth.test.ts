import { describe, expect, test } from '@jest/globals';
import { constructorAuthorization, constructorKeyDigest } from './auth.js';
import { classifyFailure, fallbackName, roomAnswerSchema } from './client.js';
import {
  CONSTRUCTOR_GROUPS_NOT_CONFIGURED,
  constructorGroupsAvailability,
  parseConstructorGroupsSettings,
} from './settings.js';

describe('the hashed Bearer header', () => {
  test('when AK and SK are given, then the digest is the hex SHA-256 of "AK|SK" (checked against sha256sum)', () => {
    expect(constructorKeyDigest('AK123', 'SK456')).toBe(
      'bc106892546a55b66778150939d0173e6250b2a3819ddcedfc72450e061f98f3',
    );
    expect(constructorKeyDigest('clé', 'sécret')).toBe(
      '5e3f4cb00d7fb00ddc80e304359541f00ee82415fe42898512fd25a63acf34f9',
    );
  });

  test('when the header is built, then it is "Bearer AK|digest" and never holds SK', () => {
    const header = constructorAuthorization('AK123', 'SK456');
    expect(header).toBe('Bearer AK123|bc106892546a55b66778150939d0173e6250b2a3819ddcedfc72450e061f98f3');
    expect(header).not.toContain('SK456');
  });
});

describe('room requests and answers', () => {
  test('when the fallback name is built, then "<display name> (<org>-<user id>)"', () => {
    expect(fallbackName({ name: 'Ada Lovelace', org: 'acme', userId: '42' })).toBe('Ada Lovelace (acme-42)');
  });

  test('when the answer url is not http(s), then it is refused', () => {
    expect(roomAnswerSchema.safeParse({ url: 'https://groups.example.com/room/1' }).success).toBe(true);
    expect(roomAnswerSchema.safeParse({ url: 'javascript:alert(1)' }).success).toBe(false);
    expect(roomAnswerSchema.safeParse({ url: 'room/1' }).success).toBe(false);
    expect(roomAnswerSchema.safeParse({}).success).toBe(false);
  });

  test('when refused, then 401 and 403 are the key, a JSON 4xx a refusal, an HTML 4xx or 5xx a status', () => {
    const answer = (status: number, body: string) => ({ status, body, headers: {} });
    expect(classifyFailure(answer(401, '{}'), [])).toMatchObject({ kind: 'auth_rejected', status: 401 });
    expect(classifyFailure(answer(403, '<h1>403</h1>'), [])).toMatchObject({ kind: 'auth_rejected', status: 403 });
    expect(classifyFailure(answer(409, '{"detail":"quota"}'), [])).toMatchObject({ kind: 'refused', status: 409 });
    expect(classifyFailure(answer(404, '<h1>404</h1>'), [])).toMatchObject({ kind: 'http_status', status: 404 });
    expect(classifyFailure(answer(500, '{"detail":"boom"}'), [])).toMatchObject({ kind: 'http_status', status: 500 });
    expect(classifyFailure(answer(429, ''), [])).toEqual({ kind: 'rate_limited', retryAfterSeconds: 60 });
  });
});

describe('settings', () => {
  test('when URL and both keys are set, then available, the URL keeping its path', () => {
    const settings = parseConstructorGroupsSettings({
      env: { CONSTRUCTOR_GROUPS_URL: 'https://groups.example.com/api/v1' },
      secrets: { constructor_groups_access_key: 'AK123', constructor_groups_secret_key: 'SK456' },
    });
    expect(settings).toEqual({ url: 'https://groups.example.com/api/v1/', accessKey: 'AK123', secretKey: 'SK456' });
    expect(constructorGroupsAvailability(settings)).toEqual({ available: true });
  });

  test('when a key is missing, then unavailable with Zulip’s wording', () => {
    const settings = parseConstructorGroupsSettings({
      env: { CONSTRUCTOR_GROUPS_URL: 'https://groups.example.com' },
      secrets: { constructor_groups_access_key: 'AK123' },
    });
    expect(constructorGroupsAvailability(settings)).toEqual({
      available: false,
      reason: CONSTRUCTOR_GROUPS_NOT_CONFIGURED,
    });
  });

  test('when the access key holds "|" or a space, then the issue names it', () => {
    for (const key of ['a|b', 'a b']) {
      const result = (() => {
        try {
          parseConstructorGroupsSettings({ env: {}, secrets: { constructor_groups_access_key: key } });
          return null;
        } catch (error) {
          return (error as { issues?: { path: unknown[] }[] }).issues?.[0]?.path;
        }
      })();
      expect(result).toEqual(['secrets', 'constructor_groups_access_key']);
    }
  });
});
