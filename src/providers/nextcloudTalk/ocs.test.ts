import { describe, expect, test } from '@jest/globals';
import { basicAuthorization, callUrl } from './client.js';
import { classifyOcsAnswer, roomTokenOf } from './ocs.js';
import { nextcloudTalkAvailability, NEXTCLOUD_TALK_NOT_CONFIGURED, parseNextcloudTalkSettings } from './settings.js';

const PASSWORD = 'app-pass-Zx81-Qq';
const json = (status: number, body: unknown, headers: Record<string, string> = {}) => ({
  status,
  body: JSON.stringify(body),
  headers,
});
const envelope = (statuscode: number, status: 'ok' | 'failure', data: unknown, message = '') => ({
  ocs: { meta: { status, statuscode, message }, data },
});

describe('OCS envelope', () => {
  test('when Talk answers 201 with a conversation, then its token', () => {
    const answer = json(201, envelope(201, 'ok', { token: 'abc23xyz', type: 3, name: 'standup' }));
    const result = classifyOcsAnswer(answer, [PASSWORD]);
    expect(roomTokenOf(result, answer, [PASSWORD])).toEqual({ ok: true, token: 'abc23xyz' });
  });

  test('when an OCS v1 success (statuscode 100 under HTTP 200), then it is a success too', () => {
    expect(classifyOcsAnswer(json(200, envelope(100, 'ok', { id: 'callgate' })), [])).toEqual({
      ok: true,
      data: { id: 'callgate' },
    });
  });

  test('when the token is not plain alphanumerics, then the answer is garbled, not pasted into a URL', () => {
    for (const token of ['../../admin', 'ab cd', '', 'x'.repeat(65)]) {
      const answer = json(201, envelope(201, 'ok', { token }));
      const room = roomTokenOf(classifyOcsAnswer(answer, []), answer, []);
      expect(room).toMatchObject({ ok: false, failure: { kind: 'garbled', status: 201 } });
    }
  });

  test('when 401, whatever the body, or "not logged in" inside a 200, then the credentials were refused', () => {
    expect(classifyOcsAnswer({ status: 401, body: '<html>login</html>', headers: {} }, [])).toMatchObject({
      ok: false,
      failure: { kind: 'auth_rejected', status: 401 },
    });
    expect(
      classifyOcsAnswer(json(200, envelope(997, 'failure', [], 'Current user is not logged in')), []),
    ).toMatchObject({ ok: false, failure: { kind: 'auth_rejected' } });
  });

  test('when a 400 or 403 comes in Nextcloud’s envelope, then it is a well-formed refusal', () => {
    expect(classifyOcsAnswer(json(400, envelope(400, 'failure', { error: 'name' })), [])).toMatchObject({
      ok: false,
      failure: { kind: 'refused', status: 400 },
    });
    expect(classifyOcsAnswer(json(403, envelope(403, 'failure', [])), [])).toMatchObject({
      ok: false,
      failure: { kind: 'refused', status: 403 },
    });
    expect(classifyOcsAnswer(json(200, envelope(404, 'failure', [])), [])).toMatchObject({
      ok: false,
      failure: { kind: 'refused', status: 200 },
    });
  });

  test('when a 4xx is not an OCS envelope, then it is a status nobody in Nextcloud wrote', () => {
    expect(classifyOcsAnswer({ status: 403, body: '<h1>Forbidden</h1>', headers: {} }, [])).toEqual({
      ok: false,
      failure: { kind: 'http_status', status: 403, excerpt: '<h1>Forbidden</h1>' },
    });
  });

  test('when 5xx or 3xx, even in an envelope, then the status with an excerpt of the body', () => {
    expect(classifyOcsAnswer(json(503, envelope(503, 'failure', [])), [])).toMatchObject({
      ok: false,
      failure: { kind: 'http_status', status: 503 },
    });
    expect(classifyOcsAnswer({ status: 302, body: '', headers: { location: 'https://x' } }, [])).toEqual({
      ok: false,
      failure: { kind: 'http_status', status: 302, excerpt: '' },
    });
  });

  test('when 429, then rate_limited with Retry-After or 60; an OCS 429 counts too', () => {
    expect(classifyOcsAnswer({ status: 429, body: '', headers: { 'retry-after': '12' } }, [])).toEqual({
      ok: false,
      failure: { kind: 'rate_limited', retryAfterSeconds: 12 },
    });
    expect(classifyOcsAnswer(json(200, envelope(429, 'failure', [])), [])).toEqual({
      ok: false,
      failure: { kind: 'rate_limited', retryAfterSeconds: 60 },
    });
  });

  test('when a 2xx is not JSON, is cut off, or lacks the envelope, then garbled, with credentials redacted', () => {
    for (const body of ['<?xml version="1.0"?><ocs/>', '{"ocs":{"meta":{"status":"ok"', `{"echo":"${PASSWORD}"}`]) {
      const result = classifyOcsAnswer({ status: 200, body, headers: {} }, [PASSWORD]);
      expect(result).toMatchObject({ ok: false, failure: { kind: 'garbled', status: 200 } });
      expect(JSON.stringify(result)).not.toContain(PASSWORD);
    }
  });
});

describe('requests and URLs', () => {
  test('when the password holds a colon and non-ASCII, then Basic auth is UTF-8 user:password in base64', () => {
    expect(basicAuthorization({ username: 'callgate', password: 'pa:ss wörd' })).toBe(
      'Basic Y2FsbGdhdGU6cGE6c3Mgd8O2cmQ=',
    );
  });

  test('when the server has a path, then the call URL keeps it', () => {
    expect(callUrl('https://cloud.example.com/nextcloud/', 'abc23xyz')).toBe(
      'https://cloud.example.com/nextcloud/index.php/call/abc23xyz',
    );
  });
});

describe('settings', () => {
  const parse = (env: Record<string, string>, secrets: Record<string, string> = {}) =>
    parseNextcloudTalkSettings({ env, secrets });

  test('when all three are set, then available, with the path kept and index.php dropped', () => {
    const settings = parse(
      { NEXTCLOUD_SERVER: 'https://cloud.example.com/nc/index.php', NEXTCLOUD_TALK_USERNAME: ' callgate ' },
      { nextcloud_talk_password: ' secret-app-password ' },
    );
    expect(settings).toEqual({
      server: 'https://cloud.example.com/nc/',
      username: 'callgate',
      password: 'secret-app-password',
    });
    expect(nextcloudTalkAvailability(settings)).toEqual({ available: true });
  });

  test('when any is missing, then unavailable with Zulip’s wording', () => {
    const settings = parse({ NEXTCLOUD_SERVER: 'https://cloud.example.com', NEXTCLOUD_TALK_USERNAME: '' });
    expect(nextcloudTalkAvailability(settings)).toEqual({ available: false, reason: NEXTCLOUD_TALK_NOT_CONFIGURED });
  });

  test('when a value is bad, then the issue names the setting', () => {
    const issuePath = (env: Record<string, string>): unknown => {
      try {
        parse(env);
        return null;
      } catch (error) {
        return (error as { issues?: { path: unknown[] }[] }).issues?.[0]?.path;
      }
    };
    expect(issuePath({ NEXTCLOUD_SERVER: 'http://cloud.example.com' })).toEqual(['env', 'NEXTCLOUD_SERVER']);
    expect(issuePath({ NEXTCLOUD_TALK_USERNAME: 'a:b' })).toEqual(['env', 'NEXTCLOUD_TALK_USERNAME']);
  });
});
