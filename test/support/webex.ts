/** Starts callgate wired to a Webex simulator, and drives the authorization popup like a browser. */
import { randomBytes } from 'node:crypto';
import type { Env } from '../../src/config/index.js';
import {
  startWebexSimulator,
  type RunningWebexSimulator,
  type WebexSimulatorOptions,
} from '../../src/providers/webex/simulator.js';
import { api, startApp, type TestApp } from './app.js';
import type { DatabaseKind } from './databases.js';
import { browse } from './zoom.js';

/** Client credentials the simulator and the app share. */
export const WEBEX_CLIENT = {
  clientId: 'C-callgate-webex-test',
  clientSecret: `webex-client-secret-${randomBytes(12).toString('hex')}`,
};

/** A running app and simulator. */
export interface WebexHarness {
  app: TestApp;
  webex: RunningWebexSimulator;
  close(): Promise<void>;
}

/** Starts a simulator (unless given) and an app configured for it, with `acme` using Webex. */
export async function startWebexHarness(options: {
  db: DatabaseKind;
  sim?: Partial<WebexSimulatorOptions>;
  env?: Env;
  clientSecret?: string;
  now?: () => number;
  webex?: RunningWebexSimulator;
  databaseUrl?: string;
}): Promise<WebexHarness> {
  const webex =
    options.webex ??
    (await startWebexSimulator({
      clientId: WEBEX_CLIENT.clientId,
      clientSecret: WEBEX_CLIENT.clientSecret,
      autoApprove: true,
      ...options.sim,
    }));
  const app = await startApp({
    db: options.db,
    ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
    ...(options.now ? { now: options.now } : {}),
    env: {
      VIDEO_WEBEX_CLIENT_ID: WEBEX_CLIENT.clientId,
      VIDEO_WEBEX_API_URL: webex.url,
      // Generous: a loaded machine must not turn a slow answer into a false 504; timeout
      // tests start a twin with a short deadline.
      UPSTREAM_TIMEOUT_MS: '5000',
      CALLS_PER_MINUTE: '0',
      ...options.env,
    },
    secrets: { video_webex_client_secret: options.clientSecret ?? WEBEX_CLIENT.clientSecret },
  });
  const admin = app.token({ role: 'admin', userId: 'admin-1', ttlSeconds: 30 * 86_400 });
  const patched = await api(app, 'PATCH', '/api/v1/orgs/acme/settings', {
    token: admin,
    body: { video_chat_provider: 'webex' },
  });
  if (patched.status !== 200) {
    await app.close();
    if (!options.webex) await webex.close();
    throw new Error(`could not select webex: ${patched.text}`);
  }
  return {
    app,
    webex,
    async close() {
      await app.close();
      if (!options.webex) await webex.close();
    },
  };
}

/** Runs register → simulated Webex approval; returns the callback URL Webex redirected to (not yet visited). */
export async function authorizeAtWebex(app: TestApp, sessionToken: string): Promise<string> {
  const register = await browse(`${app.url}/calls/webex/register`, sessionToken);
  if (register.status !== 302 || !register.location) throw new Error(`register answered ${register.status}`);
  const approval = await browse(register.location);
  if (approval.status !== 302 || !approval.location) throw new Error(`authorize answered ${approval.status}`);
  return approval.location;
}

/** Connects a user's Webex account through the whole popup flow; returns the completion page. */
export async function connectWebex(
  app: TestApp,
  sessionToken: string,
): Promise<{ status: number; text: string; headers: Headers }> {
  return browse(await authorizeAtWebex(app, sessionToken), sessionToken);
}
