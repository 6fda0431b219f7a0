/**
 * The browser client against a fake callgate (fetch), fake windows and popups, and a fake
 * BroadcastChannel. Timers are jest's fake timers: "closed within 2 s" is fake time.
 */
import { afterEach, beforeEach, describe, expect, jest, test } from '@jest/globals';
import { type CallProgress, createCallgateClient } from '../src/client.js';
import {
  API_ERROR_CODES,
  ApiError,
  AuthorizationDeniedError,
  AuthorizationPopupClosedError,
  AuthorizationRequiredError,
  BadRequestError,
  CallsDisabledError,
  NetworkError,
  NotSignedInError,
  PopupBlockedError,
  RateLimitedError,
  UnexpectedResponseError,
} from '../src/errors.js';
import { BASE, fail, fakeFetch, FakeChannels, FakeWindow, ok, type Routes } from './fakes.js';

const TOKEN = 'header.payload.signature';
const JITSI_URL = 'https://meet.example.org/abcdefghijklmnopqrst#config.startWithVideoMuted=false';
const ZOOM_URL = 'https://zoom.example/j/12345678901?pwd=abcdef12';
const AUTHORIZE_URL = `${BASE}/calls/zoom/register`;
const TICKET = 'T'.repeat(43);

const needsZoom = fail(403, 'PROVIDER_AUTHORIZATION_REQUIRED', 'You need to connect your Zoom account first', {
  authorize_url: AUTHORIZE_URL,
  provider: 'zoom',
});
const zoomCall = ok({ provider: 'zoom', url: ZOOM_URL, is_video_call: true });
const ticket = ok({ ticket: TICKET, expires_in: 60 });

function setup(routes: Routes, options: { token?: string | null } = {}) {
  const { fetch, seen } = fakeFetch(routes);
  const window = new FakeWindow();
  const channels = new FakeChannels();
  const client = createCallgateClient({
    baseUrl: `${BASE}/`,
    getToken: async () => (options.token === undefined ? TOKEN : options.token),
    fetch,
    window,
    openChannel: channels.open,
  });
  return { client, seen, window, channels };
}

/** Lets pending promises and fake timers run for `ms` of fake time. */
async function elapse(ms: number): Promise<void> {
  await jest.advanceTimersByTimeAsync(ms);
}

/** The outcome of `promise` once pending callbacks ran: 'pending', or its value or error. */
async function state<T>(promise: Promise<T>): Promise<{ value?: T; error?: unknown } | 'pending'> {
  let outcome: { value?: T; error?: unknown } | 'pending' = 'pending';
  promise.then(
    (value) => (outcome = { value }),
    (error: unknown) => (outcome = { error }),
  );
  await jest.advanceTimersByTimeAsync(0);
  return outcome;
}

beforeEach(() => {
  jest.useFakeTimers();
});
afterEach(() => {
  jest.useRealTimers();
});

describe('startCall', () => {
  test('when the provider needs no authorization, then one Bearer request starts the call and no window opens', async () => {
    const { client, seen, window } = setup({
      'POST /api/v1/calls': ok({ provider: 'jitsi_meet', url: JITSI_URL, is_video_call: false }),
    });
    const call = await client.startCall({ isVideoCall: false, meetingName: 'general > standup' });
    expect(call).toEqual({ provider: 'jitsi_meet', url: JITSI_URL, isVideoCall: false });
    expect(seen).toEqual([
      {
        method: 'POST',
        path: '/api/v1/calls',
        headers: { accept: 'application/json', authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: { is_video_call: false, meeting_name: 'general > standup' },
        credentials: 'omit',
      },
    ]);
    expect(window.opened).toEqual([]);
  });

  test('when no meeting name is given, then the body asks for a video call and lets callgate name it', async () => {
    const { client, seen } = setup({ 'POST /api/v1/calls': ok({ provider: 'jitsi_meet', url: JITSI_URL }) });
    expect(await client.startCall()).toEqual({ provider: 'jitsi_meet', url: JITSI_URL, isVideoCall: true });
    expect(seen[0]?.body).toEqual({ is_video_call: true });
  });

  test('when getToken gives nothing, then NotSignedInError and no request', async () => {
    const { client, seen } = setup({}, { token: null });
    await expect(client.startCall()).rejects.toBeInstanceOf(NotSignedInError);
    expect(seen).toEqual([]);
  });

  test('when callgate cannot be reached, then NetworkError with a readable message', async () => {
    const client = createCallgateClient({
      baseUrl: BASE,
      getToken: () => TOKEN,
      fetch: (async () => {
        throw new TypeError('Failed to fetch');
      }) as typeof fetch,
      window: new FakeWindow(),
      openChannel: null,
    });
    const error = await client.startCall().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as NetworkError).message).toBe('Could not reach callgate. Check your connection and try again.');
  });

  test('when a proxy answers HTML, then UnexpectedResponseError naming the status', async () => {
    const { client } = setup({ 'POST /api/v1/calls': { status: 502, text: '<html>Bad gateway</html>' } });
    const error = await client.startCall().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UnexpectedResponseError);
    expect((error as UnexpectedResponseError).message).toBe(
      'callgate answered HTTP 502 in an unexpected format. Try again later.',
    );
  });

  test('when the call is aborted before it starts, then it rejects with the reason and sends nothing', async () => {
    const { client, seen } = setup({});
    const controller = new AbortController();
    controller.abort(new DOMException('stop', 'AbortError'));
    await expect(client.startCall({ signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
    expect(seen).toEqual([]);
  });
});

describe('error answers', () => {
  // providers() shows every answer as is (startCall itself handles PROVIDER_AUTHORIZATION_REQUIRED).
  test.each(API_ERROR_CODES)(
    'when callgate answers %s, then a typed ApiError of its own class carries the code and the message',
    async (code) => {
      const { client } = setup({ 'GET /api/v1/providers': fail(400, code, `callgate says ${code}`) });
      const error = await client.providers().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ApiError);
      const apiError = error as ApiError;
      expect([apiError.code, apiError.message, apiError.status]).toEqual([code, `callgate says ${code}`, 400]);
      // Each code has a class of its own, named after it.
      expect(apiError.name).not.toBe('ApiError');
      expect(apiError.name.endsWith('Error')).toBe(true);
    },
  );

  test('when every code is answered without msg, then each gets a different default sentence', async () => {
    const messages = new Set<string>();
    const classes = new Set<string>();
    for (const code of API_ERROR_CODES) {
      const { client } = setup({ 'GET /api/v1/providers': fail(400, code, '') });
      const error = (await client.providers().catch((caught: unknown) => caught)) as ApiError;
      expect(error.message).toMatch(/^[A-Z].*\.$/);
      messages.add(error.message);
      classes.add(error.name);
    }
    expect([messages.size, classes.size]).toEqual([API_ERROR_CODES.length, API_ERROR_CODES.length]);
  });

  test('when callgate answers RATE_LIMITED with Retry-After, then retryAfter is its seconds', async () => {
    const { client } = setup({
      'POST /api/v1/calls': { ...fail(429, 'RATE_LIMITED', 'Too many calls'), headers: { 'Retry-After': '42' } },
    });
    const error = (await client.startCall().catch((caught: unknown) => caught)) as RateLimitedError;
    expect(error).toBeInstanceOf(RateLimitedError);
    expect(error.retryAfter).toBe(42);
  });

  test('when callgate answers BAD_REQUEST naming a field, then the error names it', async () => {
    const { client } = setup({
      'POST /api/v1/calls': fail(400, 'BAD_REQUEST', 'meeting_name: too long', { field: 'meeting_name' }),
    });
    const error = (await client.startCall().catch((caught: unknown) => caught)) as BadRequestError;
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error.field).toBe('meeting_name');
  });

  test('when an error answer has an unknown code, then UnexpectedResponseError', async () => {
    const { client } = setup({ 'POST /api/v1/calls': fail(418, 'TEAPOT', 'short and stout') });
    await expect(client.startCall()).rejects.toBeInstanceOf(UnexpectedResponseError);
  });
});

describe('the authorization popup', () => {
  test('when the first call needs authorization, then the popup goes to the authorize URL with a ticket, and a reported success retries the call once', async () => {
    const { client, seen, window } = setup({
      'POST /api/v1/calls': [needsZoom, zoomCall],
      'POST /api/v1/session/ticket': ticket,
    });
    const progress: CallProgress[] = [];
    const started = client.startCall({ onProgress: (event) => progress.push(event) });
    await elapse(0);
    expect(window.opened.map(({ url, target }) => [url, target])).toEqual([['', '_blank']]);
    const popup = window.opened[0]!.popup;
    expect(popup.visited).toEqual([`${AUTHORIZE_URL}?ticket=${TICKET}`]);
    expect(progress).toEqual([{ stage: 'authorizing', provider: 'zoom', providerName: 'Zoom' }]);

    // Messages from another origin, or about another provider, are not the popup's.
    window.post('https://evil.example', { type: 'zoom_token', value: true });
    window.post(BASE, { type: 'webex_token', value: true });
    await elapse(0);
    expect(await state(started)).toBe('pending');

    window.post(BASE, { type: 'zoom_token', value: true });
    expect(await started).toEqual({ provider: 'zoom', url: ZOOM_URL, isVideoCall: true });
    expect(seen.map((request) => `${request.method} ${request.path}`)).toEqual([
      'POST /api/v1/calls',
      'POST /api/v1/session/ticket',
      'POST /api/v1/calls',
    ]);
    expect(window.listenerCount).toBe(0);
  });

  test('when the popup reports on both channels, then the call is still made once', async () => {
    const { client, seen, window, channels } = setup({
      'POST /api/v1/calls': [needsZoom, zoomCall],
      'POST /api/v1/session/ticket': ticket,
    });
    const started = client.startCall();
    await elapse(0);
    channels.post({ type: 'zoom_token', value: true });
    window.post(BASE, { type: 'zoom_token', value: true });
    await started;
    await elapse(1000);
    expect(seen.filter((request) => request.path === '/api/v1/calls')).toHaveLength(2);
    expect(channels.openCount).toBe(0);
  });

  test('when capabilities say the user must connect first, then the popup opens synchronously, inside the click', async () => {
    const { client, window } = setup({
      'GET /api/v1/me': ok({ org: 'acme', connections: { zoom: { connected: false, expires_at: null } } }),
      'GET /api/v1/orgs/acme/settings': ok({ video_chat_provider: 'zoom' }),
      'GET /api/v1/providers': ok({
        providers: [
          {
            id: 'zoom',
            name: 'Zoom',
            available: true,
            capabilities: { voice_only: true, requires_user_authorization: true },
          },
        ],
      }),
      'POST /api/v1/calls': [needsZoom, zoomCall],
      'POST /api/v1/session/ticket': ticket,
    });
    expect((await client.capabilities()).needsAuthorization).toBe(true);
    const started = client.startCall();
    // Nothing awaited yet: this is still the click's task.
    expect(window.opened).toHaveLength(1);
    await elapse(0);
    window.post(BASE, { type: 'zoom_token', value: true });
    await expect(started).resolves.toMatchObject({ provider: 'zoom' });
  });

  test('when the popup was opened for a stale reason and the call succeeds at once, then the popup is closed', async () => {
    const { client, window } = setup({
      'POST /api/v1/calls': [needsZoom, zoomCall, zoomCall],
      'POST /api/v1/session/ticket': ticket,
    });
    const first = client.startCall();
    await elapse(0);
    window.post(BASE, { type: 'zoom_token', value: true });
    await first;
    // The second call needs no popup at all.
    await client.startCall();
    expect(window.opened).toHaveLength(1);
  });

  test('when the browser blocks the popup, then PopupBlockedError carries a link with a ticket to open by hand', async () => {
    const { client, window } = setup({
      'POST /api/v1/calls': needsZoom,
      'POST /api/v1/session/ticket': ticket,
    });
    window.blockPopups = true;
    const error = (await client.startCall().catch((caught: unknown) => caught)) as PopupBlockedError;
    expect(error).toBeInstanceOf(PopupBlockedError);
    expect([error.code, error.provider, error.authorizeUrl]).toEqual([
      'POPUP_BLOCKED',
      'zoom',
      `${AUTHORIZE_URL}?ticket=${TICKET}`,
    ]);
    expect(error.message).toBe(
      'Your browser blocked the window to connect Zoom. Allow pop-ups for this page, or open the link to connect, then start the call again.',
    );
  });

  test('when the user closes the popup without authorizing, then the call rejects within 2 s with a clear error', async () => {
    const { client, window } = setup({
      'POST /api/v1/calls': [needsZoom, needsZoom],
      'POST /api/v1/session/ticket': ticket,
    });
    const started = client.startCall();
    await elapse(0);
    window.opened[0]!.popup.close();
    await elapse(2000);
    const settled = await state(started);
    expect(settled).not.toBe('pending');
    const error = (settled as { error: unknown }).error as AuthorizationPopupClosedError;
    expect(error).toBeInstanceOf(AuthorizationPopupClosedError);
    expect(error.message).toBe(
      'The window to connect Zoom was closed before Zoom was connected, so no call was started.',
    );
    expect(window.listenerCount).toBe(0);
  });

  test('when the authorization finished just before the popup closed but its message was lost, then the call still starts', async () => {
    const { client, window } = setup({
      'POST /api/v1/calls': [needsZoom, zoomCall],
      'POST /api/v1/session/ticket': ticket,
    });
    const started = client.startCall();
    await elapse(0);
    window.opened[0]!.popup.close();
    await elapse(400);
    await expect(started).resolves.toEqual({ provider: 'zoom', url: ZOOM_URL, isVideoCall: true });
  });

  test('when the user denies, then progress says so and the popup stays usable; a later success still starts the call', async () => {
    const { client, window } = setup({
      'POST /api/v1/calls': [needsZoom, zoomCall],
      'POST /api/v1/session/ticket': ticket,
    });
    const progress: string[] = [];
    const started = client.startCall({ onProgress: (event) => progress.push(event.stage) });
    await elapse(0);
    window.post(BASE, { type: 'zoom_token', value: false });
    await elapse(1000);
    expect(progress).toEqual(['authorizing', 'denied']);
    expect(await state(started)).toBe('pending');
    window.post(BASE, { type: 'zoom_token', value: true });
    await expect(started).resolves.toMatchObject({ provider: 'zoom' });
  });

  test('when the user denies and then closes the popup, then AuthorizationDeniedError', async () => {
    const { client, window } = setup({
      'POST /api/v1/calls': [needsZoom, needsZoom],
      'POST /api/v1/session/ticket': ticket,
    });
    const started = client.startCall();
    const settled = started.catch((caught: unknown) => caught);
    await elapse(0);
    window.post(BASE, { type: 'zoom_token', value: false });
    window.opened[0]!.popup.close();
    await elapse(400);
    const error = (await settled) as AuthorizationDeniedError;
    expect(error).toBeInstanceOf(AuthorizationDeniedError);
    expect(error.message).toBe('Zoom was not connected, so no call was started.');
  });

  test('when the call is aborted while the popup is open, then the popup closes and the call rejects', async () => {
    const { client, seen, window } = setup({
      'POST /api/v1/calls': needsZoom,
      'POST /api/v1/session/ticket': ticket,
    });
    const controller = new AbortController();
    const started = client.startCall({ signal: controller.signal });
    const settled = started.catch((caught: unknown) => caught);
    await elapse(0);
    controller.abort();
    expect(await settled).toMatchObject({ name: 'AbortError' });
    expect(window.opened[0]!.popup.closed).toBe(true);
    expect(seen.filter((request) => request.path === '/api/v1/calls')).toHaveLength(1);
  });

  test('when 403 does not name the provider, then it is taken from the authorize URL', async () => {
    const { client, window } = setup({
      'POST /api/v1/calls': [
        fail(403, 'PROVIDER_AUTHORIZATION_REQUIRED', 'Connect first', {
          authorize_url: `${BASE}/calls/webex/register`,
        }),
        ok({ provider: 'webex', url: 'https://webex.example/m/1' }),
      ],
      'POST /api/v1/session/ticket': ticket,
    });
    const progress: CallProgress[] = [];
    const started = client.startCall({ onProgress: (event) => progress.push(event) });
    await elapse(0);
    expect(progress).toEqual([{ stage: 'authorizing', provider: 'webex', providerName: 'Webex' }]);
    window.post(BASE, { type: 'webex_token', value: true });
    await expect(started).resolves.toMatchObject({ provider: 'webex' });
  });

  test('when a non-authorization error follows the retry, then that error is thrown as is', async () => {
    const { client, window } = setup({
      'POST /api/v1/calls': [needsZoom, fail(403, 'CALLS_DISABLED', 'Video calls are disabled in this organization')],
      'POST /api/v1/session/ticket': ticket,
    });
    const started = client.startCall().catch((caught: unknown) => caught);
    await elapse(0);
    window.post(BASE, { type: 'zoom_token', value: true });
    expect(await started).toBeInstanceOf(CallsDisabledError);
  });

  test('the AuthorizationRequiredError exposes authorize_url and provider', () => {
    const error = new AuthorizationRequiredError('PROVIDER_AUTHORIZATION_REQUIRED', 'x', {
      status: 403,
      body: { authorize_url: AUTHORIZE_URL, provider: 'zoom' },
    });
    expect([error.authorizeUrl, error.provider]).toEqual([AUTHORIZE_URL, 'zoom']);
  });
});

describe('capabilities and providers', () => {
  const providers = ok({
    providers: [
      {
        id: 'disabled',
        name: 'None',
        available: true,
        capabilities: { voice_only: false, requires_user_authorization: false },
      },
      {
        id: 'jitsi_meet',
        name: 'Jitsi Meet',
        available: true,
        capabilities: { voice_only: true, requires_user_authorization: false },
      },
      {
        id: 'webex',
        name: 'Webex',
        available: true,
        capabilities: { voice_only: false, requires_user_authorization: true },
      },
      {
        id: 'big_blue_button',
        name: 'BigBlueButton',
        available: false,
        reason: 'BigBlueButton is not configured',
        capabilities: { voice_only: true, requires_user_authorization: false },
      },
    ],
  });
  const withProvider = (provider: string, connections: Record<string, unknown> = {}): Routes => ({
    'GET /api/v1/me': ok({ org: 'acme', connections }),
    'GET /api/v1/orgs/acme/settings': ok({ video_chat_provider: provider }),
    'GET /api/v1/providers': providers,
  });

  test('when the organization uses Jitsi, then video and voice calls are offered', async () => {
    const { client } = setup(withProvider('jitsi_meet'));
    expect(await client.capabilities()).toMatchObject({
      org: 'acme',
      provider: { id: 'jitsi_meet', name: 'Jitsi Meet', voice: true },
      canCall: true,
      canVoiceCall: true,
      reason: null,
      needsAuthorization: false,
    });
  });

  test('when calls are turned off, then no call is offered and the reason says so', async () => {
    const { client } = setup(withProvider('disabled'));
    expect(await client.capabilities()).toMatchObject({
      provider: null,
      canCall: false,
      canVoiceCall: false,
      reason: 'Calls are turned off for this organization.',
    });
  });

  test('when the chosen provider is not available, then no call is offered and the reason names it', async () => {
    const { client } = setup(withProvider('big_blue_button'));
    expect(await client.capabilities()).toMatchObject({
      canCall: false,
      reason: 'BigBlueButton is not set up on this server: BigBlueButton is not configured',
    });
  });

  test('when the provider cannot do voice and the user is connected, then video only and no popup needed', async () => {
    const { client } = setup(withProvider('webex', { webex: { connected: true, expires_at: null } }));
    expect(await client.capabilities()).toMatchObject({
      canCall: true,
      canVoiceCall: false,
      needsAuthorization: false,
    });
  });

  test('providers() lists every provider with its capabilities', async () => {
    const { client } = setup({ 'GET /api/v1/providers': providers });
    const list = await client.providers();
    expect(list.map((provider) => [provider.id, provider.voice, provider.requiresUserAuthorization])).toEqual([
      ['disabled', false, false],
      ['jitsi_meet', true, false],
      ['webex', false, true],
      ['big_blue_button', true, false],
    ]);
  });
});

describe('tickets and links', () => {
  test('when a callgate /calls/ link gets a ticket, then it is appended before the fragment and the rest keeps its spelling', async () => {
    const { client } = setup({ 'POST /api/v1/session/ticket': ticket });
    const link = `${BASE}/calls/bigbluebutton/join?bigbluebutton=a.b~c%2Ed#frag`;
    expect(await client.withTicket(link)).toBe(
      `${BASE}/calls/bigbluebutton/join?bigbluebutton=a.b~c%2Ed&ticket=${TICKET}#frag`,
    );
  });

  test('when a link is not a callgate page, then it is unchanged and no ticket is asked for', async () => {
    const { client, seen } = setup({});
    expect(await client.withTicket(JITSI_URL)).toBe(JITSI_URL);
    expect(await client.withTicket(`${BASE}/api/v1/me`)).toBe(`${BASE}/api/v1/me`);
    expect(seen).toEqual([]);
  });

  test('when a join link is opened, then a blank tab opens at once without opener and is sent to the ticketed link', async () => {
    const { client, window } = setup({ 'POST /api/v1/session/ticket': ticket });
    const opening = client.openLink(`${BASE}/calls/jitsi/join?jitsi=abc`);
    expect(window.opened.map(({ url, target }) => [url, target])).toEqual([['', '_blank']]);
    expect(await opening).toBe(true);
    const tab = window.opened[0]!.popup;
    expect(tab.opener).toBeNull();
    expect(tab.visited).toEqual([`${BASE}/calls/jitsi/join?jitsi=abc&ticket=${TICKET}`]);
  });

  test('when the tab is blocked, then openLink resolves false', async () => {
    const { client, window } = setup({});
    window.blockPopups = true;
    expect(await client.openLink(JITSI_URL)).toBe(false);
  });
});
