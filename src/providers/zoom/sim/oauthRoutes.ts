/**
 * The Zoom simulator's OAuth endpoints: `GET|POST /oauth/authorize` (an "Allow" page or
 * auto-approval), `POST /oauth/token` (`authorization_code` with PKCE S256,
 * `refresh_token` rotating and single-use like Zoom's, `account_credentials`) and
 * `POST /oauth/revoke`.
 */
import { createHash } from 'node:crypto';
import type { Request, Response, Router } from 'express';
import { escapeHtml, renderPage } from '../../../web/html.js';
import { token, type ZoomSimContext } from './context.js';

/** Adds the OAuth endpoints to `router`. */
export function addOAuthRoutes(router: Router, sim: ZoomSimContext): void {
  const { options, state, codes, refreshTokens, accessTokens, param } = sim;

  const authorize = async (req: Request, res: Response, approved: boolean | null): Promise<void> => {
    if (await sim.intercept('authorize', req, res)) return;
    const clientId = param(req, 'client_id');
    const redirectUri = param(req, 'redirect_uri');
    const challenge = param(req, 'code_challenge');
    const stateParam = param(req, 'state') ?? '';
    const registered =
      !options.redirectUris || (redirectUri !== undefined && options.redirectUris.includes(redirectUri));
    if (
      clientId !== options.clientId ||
      !redirectUri ||
      !registered ||
      !challenge ||
      param(req, 'code_challenge_method') !== 'S256'
    ) {
      res
        .status(400)
        .type('html')
        .send(
          renderPage({ title: 'Invalid request', paragraphs: ['Invalid client_id, redirect_uri or PKCE parameters.'] }),
        );
      return;
    }
    const target = new URL(redirectUri);
    const user = state.users[0];
    if (approved === false || !user) {
      target.searchParams.set('error', 'access_denied');
      target.searchParams.set('state', stateParam);
      res.redirect(302, target.toString());
      return;
    }
    if (approved === null && !options.autoApprove && param(req, 'auto') !== '1') {
      const hidden = ['response_type', 'client_id', 'redirect_uri', 'state', 'code_challenge', 'code_challenge_method']
        .map((name) => `<input type="hidden" name="${name}" value="${escapeHtml(param(req, name) ?? '')}">`)
        .join('');
      res.type('html').send(
        renderPage({
          title: 'Zoom (simulated): allow callgate?',
          paragraphs: [`callgate would like to create meetings as ${user.email}.`],
          trustedHtml: `<form method="post" action="authorize">${hidden}<button name="decision" value="allow">Allow</button> <button name="decision" value="deny">Deny</button></form>`,
        }),
      );
      return;
    }
    const code = token('sim_code');
    codes.set(code, { redirectUri, codeChallenge: challenge, user, expiresAt: Date.now() + 5 * 60_000 });
    target.searchParams.set('code', code);
    target.searchParams.set('state', stateParam);
    res.redirect(302, target.toString());
  };
  router.get('/oauth/authorize', (req, res) => authorize(req, res, null));
  router.post('/oauth/authorize', (req, res) => authorize(req, res, param(req, 'decision') === 'allow'));

  router.post('/oauth/token', async (req, res) => {
    if (await sim.intercept('token', req, res)) return;
    const grantType = param(req, 'grant_type') ?? '';
    state.grants[grantType] = (state.grants[grantType] ?? 0) + 1;
    if (!sim.clientAuthenticated(req)) {
      res.status(401).json({ reason: 'Invalid client_id or client_secret', error: 'invalid_client' });
      return;
    }
    if (grantType === 'account_credentials') {
      if (!options.accountId || param(req, 'account_id') !== options.accountId) {
        res.status(400).json({ reason: 'Invalid account_id', error: 'invalid_request' });
        return;
      }
      res.json(sim.issue('account', null));
      return;
    }
    if (grantType === 'authorization_code') {
      const code = codes.get(param(req, 'code') ?? '');
      codes.delete(param(req, 'code') ?? '');
      const verifier = param(req, 'code_verifier') ?? '';
      const challenge = createHash('sha256').update(verifier).digest('base64url');
      if (
        !code ||
        code.expiresAt < Date.now() ||
        code.redirectUri !== param(req, 'redirect_uri') ||
        code.codeChallenge !== challenge
      ) {
        res.status(400).json({ reason: 'Invalid authorization code', error: 'invalid_grant' });
        return;
      }
      res.json(sim.issue('user', code.user));
      return;
    }
    if (grantType === 'refresh_token') {
      const presented = param(req, 'refresh_token') ?? '';
      const known = refreshTokens.get(presented);
      // Single-use: the presented token is spent whatever happens next.
      refreshTokens.delete(presented);
      const user = known ? state.users.find((candidate) => candidate.id === known.userId) : undefined;
      if (!user) {
        res.status(400).json({ reason: 'Invalid Token!', error: 'invalid_grant' });
        return;
      }
      res.json(sim.issue('user', user));
      return;
    }
    res.status(400).json({ reason: 'Unsupported grant type', error: 'unsupported_grant_type' });
  });

  router.post('/oauth/revoke', async (req, res) => {
    if (await sim.intercept('revoke', req, res)) return;
    if (!sim.clientAuthenticated(req)) {
      res.status(401).json({ reason: 'Invalid client_id or client_secret', error: 'invalid_client' });
      return;
    }
    const presented = param(req, 'token') ?? '';
    const issued = accessTokens.get(presented);
    state.revoked.push(presented);
    accessTokens.delete(presented);
    refreshTokens.delete(presented);
    if (issued?.userId) {
      for (const [value, refresh] of refreshTokens) if (refresh.userId === issued.userId) refreshTokens.delete(value);
    }
    res.json({ status: 'success' });
  });
}
