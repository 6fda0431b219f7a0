import { describe, expect, it } from '@jest/globals';
import { tokenEndpointVerdict } from './connectionCheck.js';
import { webexOAuthSpec, WEBEX_SCOPE } from './oauthSpec.js';
import { personalRoomMeetingBody, roomBody } from './schemas.js';
import { webexAvailability, webexConfigLines, webexSettingsSchema } from './settings.js';
import {
  BODY_EXCERPT_LENGTH,
  classifyErrorAnswer,
  retryAfterSeconds,
  webexFailureToError,
  type WebexFailure,
} from './webexApi.js';

const source = (env: Record<string, string>, secrets: Record<string, string> = {}) => ({
  env,
  secrets,
  cwd: '/',
  mode: 'production' as const,
});

describe('webex settings', () => {
  it('when nothing is set, then the API URL is Webex and the provider is unavailable with Zulip’s reason', () => {
    const settings = webexSettingsSchema.parse(source({}));
    expect(settings).toEqual({ clientId: null, clientSecret: null, apiUrl: 'https://webexapis.com/v1/' });
    expect(webexAvailability(settings)).toEqual({
      available: false,
      reason: 'Webex credentials have not been configured',
    });
  });

  it('when the API URL has a path without a trailing slash, then the path is kept and the slash added', () => {
    const settings = webexSettingsSchema.parse(source({ VIDEO_WEBEX_API_URL: 'https://webex.example.com/proxy/v1' }));
    expect(settings.apiUrl).toBe('https://webex.example.com/proxy/v1/');
    expect(webexSettingsSchema.parse(source({ VIDEO_WEBEX_API_URL: 'http://127.0.0.1:9/v1/' })).apiUrl).toBe(
      'http://127.0.0.1:9/v1/',
    );
  });

  it('when the API URL is plain http to another host, then the error names the setting', () => {
    const result = webexSettingsSchema.safeParse(source({ VIDEO_WEBEX_API_URL: 'http://webex.example.com/v1' }));
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['env', 'VIDEO_WEBEX_API_URL']);
  });

  it('when only one credential is set, then the provider is unavailable; with both it is available', () => {
    const idOnly = webexSettingsSchema.parse(source({ VIDEO_WEBEX_CLIENT_ID: 'C123' }));
    expect(webexAvailability(idOnly).available).toBe(false);
    const both = webexSettingsSchema.parse(
      source({ VIDEO_WEBEX_CLIENT_ID: ' C123 ' }, { video_webex_client_secret: ' s3cret ' }),
    );
    expect(both).toMatchObject({ clientId: 'C123', clientSecret: 's3cret' });
    expect(webexAvailability(both)).toEqual({ available: true });
  });

  it('when check-config lines are printed, then they say what is missing and never show the secret', () => {
    const settings = webexSettingsSchema.parse(source({}, { video_webex_client_secret: 'do-not-print' }));
    const text = JSON.stringify(webexConfigLines(settings));
    expect(text).toContain('missing VIDEO_WEBEX_CLIENT_ID');
    expect(text).toContain('{PUBLIC_URL}/calls/webex/complete');
    expect(text).not.toContain('do-not-print');
  });

  it('when the OAuth spec is built, then endpoints are joined under the base path and credentials go in the form body', () => {
    const spec = webexOAuthSpec({ clientId: 'C1', clientSecret: 's', apiUrl: 'https://webexapis.com/v1/' });
    expect(spec).toMatchObject({
      providerId: 'webex',
      path: 'webex',
      messageType: 'webex_token',
      authorizeUrl: 'https://webexapis.com/v1/authorize',
      tokenUrl: 'https://webexapis.com/v1/access_token',
      clientId: 'C1',
      clientAuth: 'client_secret_post',
      scope: 'meeting:schedules_read meeting:schedules_write spark:all',
    });
    expect(WEBEX_SCOPE.split(' ')).toHaveLength(3);
    const unconfigured = webexOAuthSpec({ clientId: 'C1', clientSecret: null, apiUrl: 'https://webexapis.com/v1/' });
    expect([unconfigured.clientId, unconfigured.clientSecret]).toEqual([null, null]);
  });
});

describe('webex request bodies', () => {
  it('when a room is asked for, then it is public and carries the description Webex requires', () => {
    expect(roomBody('general > standup')).toEqual({
      title: 'general > standup',
      isPublic: true,
      description: 'general > standup',
    });
  });

  it('when a personal-room meeting is built, then it starts at the next whole second and lasts 40 minutes', () => {
    const body = personalRoomMeetingBody('standup', Date.parse('2026-11-30T01:40:00.250Z'));
    expect(body).toEqual({
      scheduledType: 'personalRoomMeeting',
      title: 'standup',
      start: '2026-11-30T01:40:01Z',
      end: '2026-11-30T02:20:01Z',
    });
    const exact = personalRoomMeetingBody('x', Date.parse('2026-11-30T01:40:00.000Z'));
    expect(exact).toMatchObject({ start: '2026-11-30T01:40:00Z', end: '2026-11-30T02:20:00Z' });
  });
});

describe('webex answers', () => {
  const answer = (status: number, body: string, headers: Record<string, string> = {}) => ({ status, body, headers });

  it('when Retry-After is seconds, a date or garbage, then the wait is those seconds, the time until the date, or 60', () => {
    expect(retryAfterSeconds('17')).toBe(17);
    expect(retryAfterSeconds('0')).toBe(1);
    const now = Date.parse('2026-11-30T01:00:00Z');
    expect(retryAfterSeconds('Mon, 30 Nov 2026 01:02:00 GMT', now)).toBe(120);
    expect(retryAfterSeconds('soon')).toBe(60);
    expect(retryAfterSeconds(undefined)).toBe(60);
  });

  it('when Webex answers 401, 429, or a 403 in its own format, then the failure says so', () => {
    expect(classifyErrorAnswer(answer(401, '{"message":"expired"}'))).toEqual({ kind: 'token_rejected' });
    expect(classifyErrorAnswer(answer(429, '', { 'retry-after': '5' }))).toEqual({
      kind: 'rate_limited',
      retryAfterSeconds: 5,
    });
    expect(classifyErrorAnswer(answer(403, '{"message":"no","trackingId":"T1"}'))).toEqual({
      kind: 'refused',
      status: 403,
      message: 'no',
      trackingId: 'T1',
    });
  });

  it('when a 4xx is not Webex JSON or the status is 5xx, then it is unexpected and quotes at most 200 characters', () => {
    const html = `<html>${'x'.repeat(500)}</html>`;
    const failure = classifyErrorAnswer(answer(403, html));
    expect(failure).toMatchObject({ kind: 'unexpected', status: 403 });
    expect(classifyErrorAnswer(answer(500, '{"message":"boom"}'))).toMatchObject({ kind: 'unexpected', status: 500 });
    const error = webexFailureToError(failure);
    expect(error.code).toBe('PROVIDER_UNAVAILABLE');
    expect(error.message).toBe(`Error connecting to the Webex server: HTTP 403: ${html.slice(0, BODY_EXCERPT_LENGTH)}`);
  });

  it('when failures become API errors, then each has its SPEC code, status and Zulip wording', () => {
    const cases: Array<[WebexFailure, string, number, string]> = [
      [{ kind: 'timeout', detail: 'no answer within 50 ms' }, 'PROVIDER_TIMEOUT', 504, 'Webex server'],
      [{ kind: 'unreachable', detail: 'connection refused' }, 'PROVIDER_UNAVAILABLE', 502, 'connection refused'],
      [
        { kind: 'refused', status: 400, message: 'bad', trackingId: null },
        'PROVIDER_ERROR',
        502,
        'Failed to create Webex call',
      ],
      [{ kind: 'rate_limited', retryAfterSeconds: 9 }, 'RATE_LIMITED', 429, 'Webex'],
      [{ kind: 'unexpected', status: 502, excerpt: '', detail: 'HTTP 502' }, 'PROVIDER_UNAVAILABLE', 502, 'HTTP 502'],
    ];
    for (const [failure, code, status, words] of cases) {
      const error = webexFailureToError(failure);
      expect([error.code, error.status]).toEqual([code, status]);
      expect(error.message).toContain(words);
    }
    expect(webexFailureToError({ kind: 'rate_limited', retryAfterSeconds: 9 }).headers).toEqual({ 'Retry-After': '9' });
    expect(webexFailureToError({ kind: 'unexpected', status: 500, excerpt: '', detail: '' }).message).toBe(
      'Error connecting to the Webex server: HTTP 500',
    );
  });
});

describe('webex token endpoint verdicts (connection check)', () => {
  it('when the answer is RFC 6749 JSON, then invalid_grant and invalid_client are told apart', () => {
    expect(tokenEndpointVerdict(400, '{"error":"invalid_grant"}')).toBe('invalid_grant');
    expect(tokenEndpointVerdict(401, '{"error":"invalid_client"}')).toBe('invalid_client');
    expect(tokenEndpointVerdict(400, '{"error":"invalid_request"}')).toBe('other');
  });

  it('when the answer is Webex’s own error body naming the OAuth error, then it is read from the text', () => {
    const grant = JSON.stringify({
      message: "error = '(invalid_grant) Authorization code has expired.'",
      trackingId: 'T',
    });
    expect(tokenEndpointVerdict(400, grant)).toBe('invalid_grant');
    const client = JSON.stringify({ message: "error = '(invalid_client) The client authentication failed.'" });
    expect(tokenEndpointVerdict(400, client)).toBe('invalid_client');
  });

  it('when a 401 has no readable body, then the client credentials were refused; other garbage is other', () => {
    expect(tokenEndpointVerdict(401, '<html>Unauthorized</html>')).toBe('invalid_client');
    expect(tokenEndpointVerdict(400, '<html>Bad request</html>')).toBe('other');
  });
});
