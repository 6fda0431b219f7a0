/**
 * The Zoom simulator's consent page names the person signing in: in local mode callgate
 * sends the user's email as `login_hint`, and the simulator issues its tokens to a Zoom
 * user of that email. Production sends no hint.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startZoomSimulator, type RunningZoomSimulator } from '../src/providers/zoom/simulator.js';
import { api, startApp, type TestApp } from './support/app.js';
import { browse, ZOOM_CLIENT } from './support/zoom.js';

describe('the Zoom simulator consent page', () => {
  let zoom: RunningZoomSimulator;
  let local: TestApp;
  let production: TestApp;
  beforeAll(async () => {
    zoom = await startZoomSimulator({ clientId: ZOOM_CLIENT.clientId, clientSecret: ZOOM_CLIENT.clientSecret });
    const options = {
      env: { VIDEO_ZOOM_CLIENT_ID: ZOOM_CLIENT.clientId, VIDEO_ZOOM_API_URL: zoom.url, VIDEO_ZOOM_OAUTH_URL: zoom.url },
      secrets: { video_zoom_client_secret: ZOOM_CLIENT.clientSecret },
    };
    local = await startApp({ ...options, mode: 'local' });
    production = await startApp(options);
    for (const app of [local, production]) {
      const admin = app.token({ role: 'admin', userId: 'admin-1' });
      const patched = await api(app, 'PATCH', '/api/v1/orgs/acme/settings', {
        token: admin,
        body: { video_chat_provider: 'zoom' },
      });
      expect(patched.status).toBe(200);
    }
  });
  afterAll(async () => {
    await local.close();
    await production.close();
    await zoom.close();
  });

  test('when someone signs in to Zoom from local mode, then the page names them and the meeting is theirs', async () => {
    const user = local.token({ userId: 'z1', name: 'Zed', email: 'zed@acme.example' });
    const register = await browse(`${local.url}/calls/zoom/register`, user);
    const authorize = new URL(register.location ?? '');
    expect(authorize.searchParams.get('login_hint')).toBe('zed@acme.example');

    const page = await browse(authorize.toString());
    expect(page.status).toBe(200);
    expect(page.text).toContain('callgate would like to create meetings as zed@acme.example.');
    expect(page.text).not.toContain('ada@example.com');
    expect(page.text).toContain('<input type="hidden" name="login_hint" value="zed@acme.example">');

    const form = new URLSearchParams(authorize.searchParams);
    form.set('decision', 'allow');
    const allowed = await fetch(`${zoom.url}/oauth/authorize`, { method: 'POST', body: form, redirect: 'manual' });
    expect(allowed.status).toBe(302);
    expect((await browse(allowed.headers.get('location') ?? '', user)).status).toBe(200);

    const call = await api(local, 'POST', '/api/v1/calls', { token: user, body: { meeting_name: 'standup' } });
    expect(call.status).toBe(200);
    const zed = zoom.sim.state.users.find((candidate) => candidate.email === 'zed@acme.example');
    expect(zed).toBeDefined();
    expect(zoom.sim.state.meetings.at(-1)?.userId).toBe(zed?.id);
  });

  test('when the same person signs in again, then the same Zoom user is used', async () => {
    const before = zoom.sim.state.users.length;
    const user = local.token({ userId: 'z1', name: 'Zed', email: 'ZED@acme.example' });
    const register = await browse(`${local.url}/calls/zoom/register`, user);
    const page = await browse(register.location ?? '');
    expect(page.text).toContain('callgate would like to create meetings as zed@acme.example.');
    expect(zoom.sim.state.users.length).toBe(before);
  });

  test('when callgate runs in production mode, then no login hint is sent and the account’s first user is named', async () => {
    const user = production.token({ userId: 'p1', email: 'pat@acme.example' });
    const register = await browse(`${production.url}/calls/zoom/register`, user);
    const authorize = new URL(register.location ?? '');
    expect(authorize.searchParams.has('login_hint')).toBe(false);
    const page = await browse(authorize.toString());
    expect(page.text).toContain('callgate would like to create meetings as ada@example.com.');
  });
});
