import { describe, expect, test } from '@jest/globals';
import { MEETING_DURATION_MS, onlineMeetingBody } from './graphApi.js';
import { describeMicrosoftAuthorizeError, microsoftEndpoints, microsoftTeamsOAuthSpec } from './oauth.js';
import { microsoftTeamsAvailability, microsoftTeamsSettingsSchema } from './settings.js';

const parse = (env: Record<string, string>, secrets: Record<string, string> = {}) =>
  microsoftTeamsSettingsSchema.safeParse({ env, secrets, cwd: '/', mode: 'production' });

describe('Microsoft Teams settings', () => {
  test('when nothing is set, then organizations, Microsoft defaults, lobby bypass for the organization, unavailable', () => {
    const result = parse({});
    if (!result.success) throw result.error;
    expect(result.data).toEqual({
      clientId: null,
      clientSecret: null,
      tenant: 'organizations',
      loginUrl: 'https://login.microsoftonline.com',
      graphUrl: 'https://graph.microsoft.com',
      lobbyBypass: 'organization',
    });
    expect(microsoftTeamsAvailability(result.data)).toEqual({
      available: false,
      reason: 'Microsoft Teams credentials have not been configured',
    });
  });

  test('when client id and secret are set, then available', () => {
    const result = parse({ VIDEO_MICROSOFT_CLIENT_ID: 'id' }, { video_microsoft_client_secret: 's' });
    expect(result.success && microsoftTeamsAvailability(result.data)).toEqual({ available: true });
  });

  test('when the tenant is consumers or not a tenant name, then the setting is named and says why', () => {
    const consumers = parse({ VIDEO_MICROSOFT_TENANT: 'consumers' });
    expect(consumers.success).toBe(false);
    if (!consumers.success) {
      expect(consumers.error.issues[0]?.path).toEqual(['env', 'VIDEO_MICROSOFT_TENANT']);
      expect(consumers.error.issues[0]?.message).toMatch(/personal Microsoft accounts/);
    }
    for (const value of ['../common', 'a/b', 'contoso.onmicrosoft.com?x']) {
      expect(parse({ VIDEO_MICROSOFT_TENANT: value }).success).toBe(false);
    }
    const guid = parse({ VIDEO_MICROSOFT_TENANT: '72f988bf-86f1-41af-91ab-2d7cd011db47' });
    expect(guid.success && guid.data.tenant).toBe('72f988bf-86f1-41af-91ab-2d7cd011db47');
  });

  test('when the lobby bypass is given in any case, then its Graph spelling; another value names the setting', () => {
    const good = parse({ VIDEO_MICROSOFT_LOBBY_BYPASS: 'ORGANIZATIONANDFEDERATED' });
    expect(good.success && good.data.lobbyBypass).toBe('organizationAndFederated');
    const bad = parse({ VIDEO_MICROSOFT_LOBBY_BYPASS: 'unknownFutureValue' });
    expect(!bad.success && bad.error.issues[0]?.path).toEqual(['env', 'VIDEO_MICROSOFT_LOBBY_BYPASS']);
  });
});

describe('Microsoft Teams OAuth spec', () => {
  test('when a tenant and a login URL with a path are set, then endpoints are per tenant under that path', () => {
    expect(microsoftEndpoints({ loginUrl: 'https://login.example.com/ms', tenant: 'contoso.example' })).toEqual({
      authorization: 'https://login.example.com/ms/contoso.example/oauth2/v2.0/authorize',
      token: 'https://login.example.com/ms/contoso.example/oauth2/v2.0/token',
    });
  });

  test('then it asks offline_access and OnlineMeetings.ReadWrite, posts client credentials and has no revocation', () => {
    const result = parse({ VIDEO_MICROSOFT_CLIENT_ID: 'client-1' }, { video_microsoft_client_secret: 'secret-1' });
    if (!result.success) throw result.error;
    const spec = microsoftTeamsOAuthSpec(result.data);
    expect(spec).toMatchObject({
      providerId: 'microsoft_teams',
      path: 'microsoft_teams',
      messageType: 'microsoft_teams_token',
      authorizeUrl: 'https://login.microsoftonline.com/organizations/oauth2/v2.0/authorize',
      tokenUrl: 'https://login.microsoftonline.com/organizations/oauth2/v2.0/token',
      clientAuth: 'client_secret_post',
      scope: 'offline_access OnlineMeetings.ReadWrite',
      refreshTokenRotates: true,
    });
    expect(spec.revokeUrl).toBeUndefined();
  });

  test('when sign-in is refused for a personal account, then the words say to use a work or school account', () => {
    const words = describeMicrosoftAuthorizeError(
      'invalid_request',
      "AADSTS50020: User account 'a@outlook.com' from identity provider 'live.com' does not exist in tenant",
    );
    expect(words).toMatch(/Personal Microsoft accounts .* cannot create Teams meetings/);
    expect(words).toMatch(/work or school account/);
    expect(words).not.toMatch(/AADSTS|identity provider/);
  });

  test('when consent needs an admin, then the words say to ask for admin consent; an unknown code is left to the default', () => {
    expect(describeMicrosoftAuthorizeError('consent_required', 'AADSTS65001: The user has not consented')).toMatch(
      /admin consent/,
    );
    expect(describeMicrosoftAuthorizeError('access_denied', 'AADSTS90094: needs admin approval')).toMatch(/admin/);
    expect(describeMicrosoftAuthorizeError('server_error', 'AADSTS1: something else')).toBeNull();
    expect(describeMicrosoftAuthorizeError('access_denied', undefined)).toBeNull();
  });
});

describe('onlineMeeting request body', () => {
  test('then the subject, now to now + 1 h in ISO form, and the lobby bypass scope', () => {
    const now = Date.UTC(2026, 10, 30, 9, 0, 0);
    expect(onlineMeetingBody({ subject: 'general > standup', now, lobbyBypass: 'organization' })).toEqual({
      subject: 'general > standup',
      startDateTime: '2026-11-30T09:00:00.000Z',
      endDateTime: new Date(now + MEETING_DURATION_MS).toISOString(),
      lobbyBypassSettings: { scope: 'organization' },
    });
    expect(MEETING_DURATION_MS).toBe(3600_000);
  });
});

describe('Microsoft Teams check-config lines', () => {
  test('when configured, then the client id, tenant and where it points, never the secret', async () => {
    const { microsoftTeamsConfigLines } = await import('./provider.js');
    const result = parse(
      { VIDEO_MICROSOFT_CLIENT_ID: 'client-1', VIDEO_MICROSOFT_TENANT: 'contoso.example' },
      { video_microsoft_client_secret: 'secret-value-1' },
    );
    if (!result.success) throw result.error;
    const lines = microsoftTeamsConfigLines(result.data);
    expect(lines.slice(0, 2)).toEqual([
      { label: 'Microsoft Teams client', value: 'client-1 (secret set)' },
      { label: 'Microsoft Teams tenant', value: 'contoso.example' },
    ]);
    expect(JSON.stringify(lines)).not.toContain('secret-value-1');
  });
});
