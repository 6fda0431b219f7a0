/** Starts callgate wired to a Zoom simulator, and drives the authorization popup like a browser. */
import { randomBytes } from 'node:crypto';
import {
  startZoomSimulator,
  type RunningZoomSimulator,
  type ZoomSimulatorOptions,
} from '../../src/providers/zoom/simulator.js';
import type { Env } from '../../src/config/index.js';
import type { Secrets } from '../../src/config/secrets.js';
import { api, startApp, type TestApp } from './app.js';
import type { DatabaseKind } from './databases.js';

/** Client credentials the simulator and the app share. */
export const ZOOM_CLIENT = {
  clientId: 'callgate-test-client',
  clientSecret: `zoom-client-secret-${randomBytes(12).toString('hex')}`,
  accountId: 'acct-test',
  webhookSecret: `zoom-webhook-secret-${randomBytes(12).toString('hex')}`,
};

/** A running app and simulator. */
export interface ZoomHarness {
  app: TestApp;
  zoom: RunningZoomSimulator;
  close(): Promise<void>;
}

/** Starts a simulator and an app configured for one kind of Zoom app, with `acme` using it. */
export async function startZoomHarness(options: {
  db: DatabaseKind;
  kind: 'zoom' | 'zoom_server_to_server';
  sim?: Partial<ZoomSimulatorOptions>;
  env?: Env;
  secrets?: Secrets;
  now?: () => number;
  /** Reuse a running simulator (e.g. a second replica). */
  zoom?: RunningZoomSimulator;
  databaseUrl?: string;
}): Promise<ZoomHarness> {
  const zoom =
    options.zoom ??
    (await startZoomSimulator({
      clientId: ZOOM_CLIENT.clientId,
      clientSecret: ZOOM_CLIENT.clientSecret,
      accountId: ZOOM_CLIENT.accountId,
      webhookSecret: ZOOM_CLIENT.webhookSecret,
      autoApprove: true,
      ...options.sim,
    }));
  const app = await startApp({
    db: options.db,
    ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
    ...(options.now ? { now: options.now } : {}),
    env: {
      VIDEO_ZOOM_CLIENT_ID: ZOOM_CLIENT.clientId,
      VIDEO_ZOOM_API_URL: zoom.url,
      VIDEO_ZOOM_OAUTH_URL: zoom.url,
      // Generous: a loaded machine must not turn a slow answer into a false 504. Tests of
      // timeouts use a twin with a short deadline (startShortTimeoutTwin).
      UPSTREAM_TIMEOUT_MS: '5000',
      CALLS_PER_MINUTE: '0',
      ...(options.kind === 'zoom_server_to_server'
        ? { VIDEO_ZOOM_SERVER_TO_SERVER_ACCOUNT_ID: ZOOM_CLIENT.accountId }
        : {}),
      ...options.env,
    },
    secrets: {
      video_zoom_client_secret: ZOOM_CLIENT.clientSecret,
      video_zoom_webhook_secret: ZOOM_CLIENT.webhookSecret,
      ...options.secrets,
    },
  });
  // Long-lived, so tests that move the clock forward keep a valid admin.
  const admin = app.token({ role: 'admin', userId: 'admin-1', ttlSeconds: 30 * 86_400 });
  const patched = await api(app, 'PATCH', '/api/v1/orgs/acme/settings', {
    token: admin,
    body: { video_chat_provider: options.kind },
  });
  if (patched.status !== 200) {
    await app.close();
    if (!options.zoom) await zoom.close();
    throw new Error(`could not select ${options.kind}: ${patched.text}`);
  }
  return {
    app,
    zoom,
    async close() {
      await app.close();
      if (!options.zoom) await zoom.close();
    },
  };
}

/** The short deadline of timeout tests. */
export const SHORT_TIMEOUT_MS = 300;

/**
 * A second app on the same database and simulator as `h`, with a short upstream deadline,
 * for the tests of timeouts; close it when done.
 */
export function startShortTimeoutTwin(
  h: ZoomHarness,
  options: { db: DatabaseKind; kind: 'zoom' | 'zoom_server_to_server'; now?: () => number },
): Promise<ZoomHarness> {
  return startZoomHarness({
    ...options,
    zoom: h.zoom,
    databaseUrl: h.app.databaseUrl,
    env: { UPSTREAM_TIMEOUT_MS: String(SHORT_TIMEOUT_MS) },
  });
}

/** GET with the session cookie, no redirects followed. */
export async function browse(
  url: string,
  sessionToken?: string,
): Promise<{ status: number; location: string | null; text: string; headers: Headers }> {
  const response = await fetch(url, {
    redirect: 'manual',
    headers: sessionToken ? { cookie: `callgate_session=${sessionToken}` } : {},
  });
  return {
    status: response.status,
    location: response.headers.get('location'),
    text: await response.text(),
    headers: response.headers,
  };
}

/** Runs register → simulated Zoom approval; returns the callback URL Zoom redirected to (not yet visited). */
export async function authorizeAtZoom(app: TestApp, sessionToken: string): Promise<string> {
  const register = await browse(`${app.url}/calls/zoom/register`, sessionToken);
  if (register.status !== 302 || !register.location) throw new Error(`register answered ${register.status}`);
  const approval = await browse(register.location);
  if (approval.status !== 302 || !approval.location) throw new Error(`authorize answered ${approval.status}`);
  return approval.location;
}

/** Connects a user's Zoom account through the whole popup flow; returns the completion page. */
export async function connectZoom(
  app: TestApp,
  sessionToken: string,
): Promise<{ status: number; text: string; headers: Headers }> {
  const callback = await authorizeAtZoom(app, sessionToken);
  return browse(callback, sessionToken);
}
