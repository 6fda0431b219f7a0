/**
 * A fake Zoom holding several server-to-server accounts on 127.0.0.1: `POST /oauth/token`
 * (account_credentials, Basic client auth) and `POST /v2/users/{email}/meetings`. It records
 * which client id and secret each token request carried and which account created each
 * meeting, so a test sees whose credentials reached it. Unmatched requests fail loudly.
 */
import { randomBytes } from 'node:crypto';
import express from 'express';
import { listenOnLoopback } from '../../src/local/simulators/loopback.js';

/** One account of the fake. */
export interface FakeZoomAccount {
  accountId: string;
  clientId: string;
  clientSecret: string;
}

/** What the fake saw. */
export interface FakeZoomState {
  /** Every token request: the credentials it carried and whether they matched an account. */
  tokenRequests: Array<{ accountId: string; clientId: string; clientSecret: string; granted: boolean }>;
  /** Every meeting created, with the account whose token created it. */
  meetings: Array<{ accountId: string; email: string; joinUrl: string }>;
}

/** A running fake. */
export interface FakeZoom {
  url: string;
  state: FakeZoomState;
  close(): Promise<void>;
}

/** Starts the fake with these accounts. */
export async function startMultiAccountZoom(accounts: FakeZoomAccount[]): Promise<FakeZoom> {
  const state: FakeZoomState = { tokenRequests: [], meetings: [] };
  const tokens = new Map<string, string>();
  const app = express();
  app.disable('x-powered-by');
  app.use(express.urlencoded({ extended: false }), express.json());
  app.post('/oauth/token', (req, res) => {
    const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
    const [clientId = '', clientSecret = ''] = Buffer.from(basic, 'base64').toString('utf8').split(':');
    const accountId = String((req.body as Record<string, unknown>)['account_id'] ?? '');
    const account = accounts.find(
      (a) => a.accountId === accountId && a.clientId === clientId && a.clientSecret === clientSecret,
    );
    state.tokenRequests.push({ accountId, clientId, clientSecret, granted: account !== undefined });
    if (!account || (req.body as Record<string, unknown>)['grant_type'] !== 'account_credentials') {
      res.status(401).json({ reason: 'Invalid client_id or client_secret', error: 'invalid_client' });
      return;
    }
    const token = randomBytes(16).toString('hex');
    tokens.set(token, account.accountId);
    res.json({ access_token: token, token_type: 'bearer', expires_in: 3600, scope: 'meeting:write:admin' });
  });
  app.post('/v2/users/:email/meetings', (req, res) => {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
    const accountId = tokens.get(token);
    if (!accountId) {
      res.status(401).json({ code: 124, message: 'Invalid access token.' });
      return;
    }
    const id = state.meetings.length + 1;
    const joinUrl = `https://zoom.example/${accountId}/j/${id}`;
    state.meetings.push({ accountId, email: req.params.email, joinUrl });
    res.status(201).json({ id, join_url: joinUrl });
  });
  app.use((req, res) => {
    res.status(404).type('text/plain').send(`fake Zoom: no route for ${req.method} ${req.path}`);
  });
  const server = await listenOnLoopback(app);
  return { url: server.origin, state, close: () => server.close() };
}
