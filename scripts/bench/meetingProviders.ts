/**
 * `npm run bench -- google_meet microsoft_teams`: POST /api/v1/calls with a user's Google Meet
 * or Microsoft Teams token against the providers' simulators in their own process, compared
 * with the same create request sent straight at the simulator.
 */
import { createHash, randomBytes } from 'node:crypto';
import { DIST, startOptions } from './callgate.js';
import { forkSimulator, productionDir, spawnServer, type SimChild } from './harness.js';

/** A request for autocannon. */
export interface BenchTarget {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
}

/** What bench.ts lends the sections. */
export interface BenchContext {
  secrets: Record<string, string>;
  /** The bench user's identity token. */
  token: string;
  callRequest: { method: 'POST'; headers: Record<string, string>; body: string };
  upstreamDelayMs: number;
  selectProvider(baseUrl: string, provider: string): Promise<void>;
  addedLatency(options: {
    section: string;
    label: string;
    sim: SimChild;
    pid: number;
    direct: BenchTarget;
    through: BenchTarget;
    expectStatus: number;
    levels?: number[];
  }): Promise<Record<string, unknown>>;
}

interface ProviderBench {
  id: 'google_meet' | 'microsoft_teams';
  section: string;
  simKind: string;
  secretName: string;
  env(simUrl: string): Record<string, string>;
  authorizeUrl(simUrl: string): string;
  tokenUrl(simUrl: string): string;
  direct(simUrl: string, accessToken: string): BenchTarget;
}

const GOOGLE: ProviderBench = {
  id: 'google_meet',
  section: 'google',
  simKind: 'google_meet',
  secretName: 'video_google_client_secret',
  env: (url) => ({
    VIDEO_GOOGLE_CLIENT_ID: 'bench-client',
    VIDEO_GOOGLE_OAUTH_URL: url,
    VIDEO_GOOGLE_TOKEN_URL: url,
    VIDEO_GOOGLE_MEET_API_URL: url,
  }),
  authorizeUrl: (url) => `${url}/o/oauth2/v2/auth`,
  tokenUrl: (url) => `${url}/token`,
  direct: (url, accessToken) => ({
    url: `${url}/v2/spaces`,
    method: 'POST',
    headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
    body: '{}',
  }),
};

const MICROSOFT: ProviderBench = {
  id: 'microsoft_teams',
  section: 'teams',
  simKind: 'microsoft_teams',
  secretName: 'video_microsoft_client_secret',
  env: (url) => ({
    VIDEO_MICROSOFT_CLIENT_ID: 'bench-client',
    VIDEO_MICROSOFT_LOGIN_URL: url,
    VIDEO_MICROSOFT_GRAPH_URL: url,
  }),
  authorizeUrl: (url) => `${url}/organizations/oauth2/v2.0/authorize`,
  tokenUrl: (url) => `${url}/organizations/oauth2/v2.0/token`,
  direct: (url, accessToken) => ({
    url: `${url}/v1.0/me/onlineMeetings`,
    method: 'POST',
    headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      subject: 'bench',
      startDateTime: new Date().toISOString(),
      endDateTime: new Date(Date.now() + 3600_000).toISOString(),
      lobbyBypassSettings: { scope: 'organization' },
    }),
  }),
};

/** An access token obtained straight from the simulator (authorization code with PKCE). */
async function directToken(bench: ProviderBench, simUrl: string, clientSecret: string): Promise<string> {
  const verifier = randomBytes(32).toString('base64url');
  const redirectUri = 'http://127.0.0.1/bench/complete';
  const authorize = new URL(bench.authorizeUrl(simUrl));
  for (const [name, value] of Object.entries({
    response_type: 'code',
    client_id: 'bench-client',
    redirect_uri: redirectUri,
    state: 'bench',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  })) {
    authorize.searchParams.set(name, value);
  }
  const approval = await fetch(authorize, { redirect: 'manual' });
  const code = new URL(approval.headers.get('location') ?? 'x:').searchParams.get('code') ?? '';
  const answer = await fetch(bench.tokenUrl(simUrl), {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri,
      code_verifier: verifier,
      client_id: 'bench-client',
      client_secret: clientSecret,
    }),
  });
  const body = (await answer.json()) as { access_token?: string };
  if (!body.access_token) throw new Error(`${bench.id}: no direct token (${answer.status})`);
  return body.access_token;
}

async function run(bench: ProviderBench, context: BenchContext): Promise<Record<string, unknown>> {
  const clientSecret = randomBytes(16).toString('hex');
  const sim = await forkSimulator([bench.simKind, String(context.upstreamDelayMs), clientSecret]);
  try {
    const callgate = await spawnServer([...startOptions(), `${DIST}/main.js`], {
      cwd: productionDir({ ...context.secrets, [bench.secretName]: clientSecret }),
      env: { PORT: '0', LOG_LEVEL: 'warn', CALLS_PER_MINUTE: '0', ...bench.env(sim.url) },
    });
    try {
      await context.selectProvider(callgate.url, bench.id);
      // The user authorizes once: register → (auto-approved) authorize → complete.
      const cookie = { cookie: `callgate_session=${context.token}` };
      const register = await fetch(`${callgate.url}/calls/${bench.id}/register`, {
        headers: cookie,
        redirect: 'manual',
      });
      const authorize = await fetch(register.headers.get('location') ?? '', { redirect: 'manual' });
      const complete = await fetch(authorize.headers.get('location') ?? '', { headers: cookie });
      if (complete.status !== 200) throw new Error(`${bench.id} authorization failed: ${complete.status}`);
      return await context.addedLatency({
        section: bench.section,
        label: 'POST /api/v1/calls',
        sim,
        pid: callgate.process.pid ?? 0,
        direct: bench.direct(sim.url, await directToken(bench, sim.url, clientSecret)),
        through: { url: `${callgate.url}/api/v1/calls`, ...context.callRequest },
        expectStatus: 200,
      });
    } finally {
      await callgate.stop();
    }
  } finally {
    await sim.stop();
  }
}

/** Google Meet: spaces.create with the user's token. */
export const benchGoogleMeet = (context: BenchContext): Promise<Record<string, unknown>> => run(GOOGLE, context);
/** Microsoft Teams: onlineMeetings with the user's token. */
export const benchMicrosoftTeams = (context: BenchContext): Promise<Record<string, unknown>> => run(MICROSOFT, context);
