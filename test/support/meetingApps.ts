/**
 * Starts callgate wired to the Google Meet or Microsoft Teams simulator on 127.0.0.1, with
 * `acme` using that provider, and drives the authorization popup like a browser (register →
 * the simulator's Allow/Deny page → complete).
 */
import { randomBytes } from 'node:crypto';
import type { Env } from '../../src/config/index.js';
import { GOOGLE_MEET_SCOPE } from '../../src/providers/googleMeet/oauth.js';
import { startGoogleMeetSimulator } from '../../src/providers/googleMeet/simulator.js';
import { MICROSOFT_TEAMS_SCOPE } from '../../src/providers/microsoftTeams/oauth.js';
import { startMicrosoftTeamsSimulator } from '../../src/providers/microsoftTeams/simulator.js';
import type { OAuthSimulator } from '../../src/providers/shared/oauthSimulator.js';
import type { SimFaults } from '../../src/providers/shared/simulatorFaults.js';
import { api, startApp, type TestApp } from './app.js';
import type { DatabaseKind } from './databases.js';

/** One running simulator, whichever provider it plays. */
export interface MeetingSim {
  url: string;
  oauth: OAuthSimulator;
  /** Faults of its endpoints; `api` is the create endpoint (spaces or onlineMeetings). */
  faults: SimFaults<string>;
  /** The create endpoint's name in `faults`. */
  api: string;
  /** Join URLs created so far. */
  created(): string[];
  close(): Promise<void>;
}

/** What differs between the two providers in these tests. */
export interface MeetingProviderCase {
  id: 'google_meet' | 'microsoft_teams';
  name: string;
  scope: string;
  /** Authorize parameters besides the standard ones. */
  extraAuthorizeParams: Record<string, string>;
  /** Path of the authorize endpoint on the simulator. */
  authorizePath: string;
  /** Whether disconnecting revokes at the provider. */
  revokes: boolean;
  /** A user of the simulator without access to meetings (403), if the provider has one. */
  forbiddenUser: string | null;
  startSim(client: { clientId: string; clientSecret: string }): Promise<MeetingSim>;
  env(simUrl: string): Env;
  secretName: string;
}

/** The two providers under test. */
export const MEETING_PROVIDERS: MeetingProviderCase[] = [
  {
    id: 'google_meet',
    name: 'Google Meet',
    scope: GOOGLE_MEET_SCOPE,
    extraAuthorizeParams: { access_type: 'offline', prompt: 'consent' },
    authorizePath: '/o/oauth2/v2/auth',
    revokes: true,
    forbiddenUser: null,
    async startSim(client) {
      const running = await startGoogleMeetSimulator(client);
      return {
        url: running.url,
        oauth: running.sim.oauth,
        faults: running.sim.faults as SimFaults<string>,
        api: 'spaces',
        created: () => running.sim.spaces.map((space) => space.meetingUri),
        close: () => running.close(),
      };
    },
    env: (url) => ({
      VIDEO_GOOGLE_CLIENT_ID: CLIENT_ID,
      VIDEO_GOOGLE_OAUTH_URL: url,
      VIDEO_GOOGLE_TOKEN_URL: url,
      VIDEO_GOOGLE_MEET_API_URL: url,
    }),
    secretName: 'video_google_client_secret',
  },
  {
    id: 'microsoft_teams',
    name: 'Microsoft Teams',
    scope: MICROSOFT_TEAMS_SCOPE,
    extraAuthorizeParams: { response_mode: 'query' },
    authorizePath: '/organizations/oauth2/v2.0/authorize',
    revokes: false,
    forbiddenUser: 'ms-user-2',
    async startSim(client) {
      const running = await startMicrosoftTeamsSimulator(client);
      return {
        url: running.url,
        oauth: running.sim.oauth,
        faults: running.sim.faults as SimFaults<string>,
        api: 'meetings',
        created: () => running.sim.meetings.map((meeting) => meeting.joinWebUrl),
        close: () => running.close(),
      };
    },
    env: (url) => ({
      VIDEO_MICROSOFT_CLIENT_ID: CLIENT_ID,
      VIDEO_MICROSOFT_LOGIN_URL: url,
      VIDEO_MICROSOFT_GRAPH_URL: url,
    }),
    secretName: 'video_microsoft_client_secret',
  },
];

/** The client id every test app and simulator share. */
export const CLIENT_ID = 'callgate-test-client';
/** The client secret every test app and simulator share; fresh per run. */
export const CLIENT_SECRET = `client-secret-${randomBytes(12).toString('hex')}`;

/** A running app and simulator. */
export interface MeetingHarness {
  app: TestApp;
  sim: MeetingSim;
  close(): Promise<void>;
}

/** Starts a simulator (or reuses one) and an app with `acme` on `provider`. */
export async function startMeetingHarness(options: {
  db: DatabaseKind;
  provider: MeetingProviderCase;
  env?: Env;
  secret?: string;
  now?: () => number;
  sim?: MeetingSim;
  databaseUrl?: string;
}): Promise<MeetingHarness> {
  const sim = options.sim ?? (await options.provider.startSim({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }));
  const app = await startApp({
    db: options.db,
    ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
    ...(options.now ? { now: options.now } : {}),
    env: { ...options.provider.env(sim.url), UPSTREAM_TIMEOUT_MS: '5000', CALLS_PER_MINUTE: '0', ...options.env },
    secrets: { [options.provider.secretName]: options.secret ?? CLIENT_SECRET },
  });
  const admin = app.token({ role: 'admin', userId: 'admin-1', ttlSeconds: 30 * 86_400 });
  const patched = await api(app, 'PATCH', '/api/v1/orgs/acme/settings', {
    token: admin,
    body: { video_chat_provider: options.provider.id },
  });
  if (patched.status !== 200) {
    await app.close();
    if (!options.sim) await sim.close();
    throw new Error(`could not select ${options.provider.id}: ${patched.text}`);
  }
  return {
    app,
    sim,
    async close() {
      await app.close();
      if (!options.sim) await sim.close();
    },
  };
}

/** A browser-like GET: the session cookie, no redirects followed. */
export async function browse(
  url: string,
  sessionToken?: string,
): Promise<{ status: number; location: string | null; text: string }> {
  const response = await fetch(url, {
    redirect: 'manual',
    headers: sessionToken ? { cookie: `callgate_session=${sessionToken}` } : {},
  });
  return { status: response.status, location: response.headers.get('location'), text: await response.text() };
}

/** Register → the simulator's page → the decision; returns the authorize URL and the callback URL (not yet visited). */
export async function decideAtProvider(
  app: TestApp,
  provider: MeetingProviderCase,
  sessionToken: string,
  decision: { allow: boolean; user?: string },
): Promise<{ authorize: URL; callback: URL }> {
  const register = await browse(`${app.url}/calls/${provider.id}/register`, sessionToken);
  if (register.status !== 302 || !register.location) throw new Error(`register answered ${register.status}`);
  const authorize = new URL(register.location);
  // The page's form posts its hidden fields back to the same URL with the decision.
  const form = new URLSearchParams(authorize.searchParams);
  form.set('decision', decision.allow ? 'allow' : 'deny');
  if (decision.user) form.set('user', decision.user);
  const answer = await fetch(authorize, { method: 'POST', body: form, redirect: 'manual' });
  const location = answer.headers.get('location');
  if (answer.status !== 302 || !location) throw new Error(`authorize answered ${answer.status}`);
  return { authorize, callback: new URL(location) };
}

/** Connects a user through the whole popup flow; returns the completion page. */
export async function connectUser(
  app: TestApp,
  provider: MeetingProviderCase,
  sessionToken: string,
  decision: { allow: boolean; user?: string } = { allow: true },
): Promise<{ status: number; text: string }> {
  const { callback } = await decideAtProvider(app, provider, sessionToken, decision);
  return browse(callback.toString(), sessionToken);
}
