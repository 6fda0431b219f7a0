import { describe, expect, test } from '@jest/globals';
import { googleMeetOAuthSpec, describeGoogleAuthorizeError, GOOGLE_MEET_SCOPE } from './oauth.js';
import { spaceRequestBody } from './meetApi.js';
import { googleMeetAvailability, googleMeetSettingsSchema } from './settings.js';

const parse = (env: Record<string, string>, secrets: Record<string, string> = {}) =>
  googleMeetSettingsSchema.safeParse({ env, secrets, cwd: '/', mode: 'production' });

describe('Google Meet settings', () => {
  test('when nothing is set, then Google defaults and unavailable with SPEC wording', () => {
    const result = parse({});
    expect(result.success).toBe(true);
    if (!result.success) return;
    expect(result.data).toEqual({
      clientId: null,
      clientSecret: null,
      oauthUrl: 'https://accounts.google.com',
      tokenUrl: 'https://oauth2.googleapis.com',
      apiUrl: 'https://meet.googleapis.com',
      accessType: null,
    });
    expect(googleMeetAvailability(result.data)).toEqual({
      available: false,
      reason: 'Google Meet credentials have not been configured',
    });
  });

  test('when only one of client id and secret is set, then unavailable; both, then available', () => {
    const idOnly = parse({ VIDEO_GOOGLE_CLIENT_ID: 'id' });
    const both = parse({ VIDEO_GOOGLE_CLIENT_ID: 'id' }, { video_google_client_secret: 's' });
    expect(idOnly.success && googleMeetAvailability(idOnly.data).available).toBe(false);
    expect(both.success && googleMeetAvailability(both.data)).toEqual({ available: true });
  });

  test('when the access type is given in any case, then its canonical spelling; another value names the setting', () => {
    const good = parse({ VIDEO_GOOGLE_MEET_ACCESS_TYPE: 'trusted' });
    expect(good.success && good.data.accessType).toBe('TRUSTED');
    const bad = parse({ VIDEO_GOOGLE_MEET_ACCESS_TYPE: 'PUBLIC' });
    expect(bad.success).toBe(false);
    if (bad.success) return;
    expect(bad.error.issues[0]?.path).toEqual(['env', 'VIDEO_GOOGLE_MEET_ACCESS_TYPE']);
    expect(bad.error.issues[0]?.message).toBe('must be one of OPEN, TRUSTED, RESTRICTED');
  });

  test('when a URL is plain http off loopback or has a query, then the setting is named', () => {
    for (const value of ['http://accounts.example.com', 'https://accounts.example.com/?x=1', 'not a url']) {
      const result = parse({ VIDEO_GOOGLE_OAUTH_URL: value });
      expect(result.success).toBe(false);
      if (!result.success) expect(result.error.issues[0]?.path).toEqual(['env', 'VIDEO_GOOGLE_OAUTH_URL']);
    }
  });
});

describe('Google Meet OAuth spec', () => {
  test('when base URLs have paths, then they are kept and the endpoints are joined under them', () => {
    const result = parse(
      {
        VIDEO_GOOGLE_CLIENT_ID: 'client-1',
        VIDEO_GOOGLE_OAUTH_URL: 'https://proxy.example.com/google/',
        VIDEO_GOOGLE_TOKEN_URL: 'https://proxy.example.com/tokens',
      },
      { video_google_client_secret: 'secret-1' },
    );
    if (!result.success) throw result.error;
    const spec = googleMeetOAuthSpec(result.data);
    expect(spec.authorizeUrl).toBe('https://proxy.example.com/google/o/oauth2/v2/auth');
    expect(spec.tokenUrl).toBe('https://proxy.example.com/tokens/token');
    expect(spec.revokeUrl).toBe('https://proxy.example.com/tokens/revoke');
  });

  test('then it asks offline access with consent, the one narrow scope, and posts client credentials', () => {
    const result = parse({ VIDEO_GOOGLE_CLIENT_ID: 'client-1' }, { video_google_client_secret: 'secret-1' });
    if (!result.success) throw result.error;
    const spec = googleMeetOAuthSpec(result.data);
    expect(spec).toMatchObject({
      providerId: 'google_meet',
      path: 'google_meet',
      messageType: 'google_meet_token',
      authorizeUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
      tokenUrl: 'https://oauth2.googleapis.com/token',
      revokeUrl: 'https://oauth2.googleapis.com/revoke',
      clientId: 'client-1',
      clientSecret: 'secret-1',
      clientAuth: 'client_secret_post',
      scope: 'https://www.googleapis.com/auth/meetings.space.created',
      extraAuthorizeParams: { access_type: 'offline', prompt: 'consent' },
      refreshTokenMayBeAbsent: true,
    });
    expect(GOOGLE_MEET_SCOPE.split(' ')).toHaveLength(1);
    expect(spec.texts?.invalidCredentials).toBe('Invalid Google Meet credentials');
    expect(spec.texts?.notConfigured).toBe('Google Meet credentials have not been configured');
  });

  test('when Google sends a sign-in error, then admin policy is said in words and a plain refusal is left to the default', () => {
    expect(describeGoogleAuthorizeError('admin_policy_enforced')).toMatch(/Workspace administrator/);
    expect(describeGoogleAuthorizeError('org_internal')).toMatch(/another Google Workspace organization/);
    expect(describeGoogleAuthorizeError('access_denied')).toBeNull();
  });
});

describe('Meet space request body', () => {
  test('when no access type is set, then {}; when set, then config.accessType', () => {
    expect(spaceRequestBody(null)).toEqual({});
    expect(spaceRequestBody('RESTRICTED')).toEqual({ config: { accessType: 'RESTRICTED' } });
  });
});

describe('Google Meet check-config lines', () => {
  test('when configured, then the client id and where it points, never the secret', async () => {
    const { googleMeetConfigLines } = await import('./provider.js');
    const result = parse({ VIDEO_GOOGLE_CLIENT_ID: 'client-1' }, { video_google_client_secret: 'secret-value-1' });
    if (!result.success) throw result.error;
    const lines = googleMeetConfigLines(result.data);
    expect(lines[0]).toEqual({ label: 'Google Meet client', value: 'client-1 (secret set)' });
    expect(JSON.stringify(lines)).not.toContain('secret-value-1');
  });
});
