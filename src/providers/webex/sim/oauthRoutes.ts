/**
 * The OAuth half of the Webex simulator (https://developer.webex.com/docs/integrations):
 * `authorize` (an Allow/Deny page) and `access_token`, which takes the client id and secret
 * in the form body only, checks PKCE S256 when the authorize request carried a challenge,
 * and answers refresh requests with the same refresh token (Webex keeps one for its 90-day
 * life) unless `rotateRefreshTokens` makes them single-use.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Request, Response, Router } from 'express';
import { escapeHtml, renderPage } from '../../../web/html.js';
import type { SimFaults } from './faults.js';

/** What the OAuth endpoints are built from. */
export interface SimOAuthOptions {
  clientId: string;
  clientSecret: string;
  accessTokenTtlSeconds: number;
  rotateRefreshTokens: boolean;
  autoApprove: boolean;
  /** Registered redirect URIs (Webex refuses any other); null accepts any. */
  redirectUris: readonly string[] | null;
  /** Who approves authorization requests. */
  userEmail: string;
  faults: SimFaults<'authorize' | 'token' | 'rooms' | 'meetings'>;
  /** Token requests per grant type, counted here. */
  grants(): Record<string, number>;
}

/** What a request's bearer token allows: Webex answers 401 without a valid one, 403 without the scope. */
export type TokenVerdict = 'ok' | 'unauthorized' | 'forbidden';

/** The token state the API endpoints and tests use. */
export interface SimOAuth {
  /** Whether the request carries a valid, unexpired access token granted `scope`. */
  authorized(req: Request, scope: string): TokenVerdict;
  validRefreshTokens(): string[];
  expireAccessTokens(): void;
  revokeRefreshTokens(): void;
}

const mint = (prefix: string): string => `${prefix}_${randomBytes(24).toString('base64url')}`;

/** Mounts `authorize` and `access_token` on `router`. */
export function mountSimOAuth(router: Router, options: SimOAuthOptions): SimOAuth {
  const accessTokens = new Map<string, { expiresAt: number; scopes: readonly string[] }>();
  /** Valid refresh tokens and the scopes they were granted. */
  const refreshTokens = new Map<string, readonly string[]>();
  const codes = new Map<
    string,
    { redirectUri: string; challenge: string | null; scopes: readonly string[]; expiresAt: number }
  >();
  const param = (req: Request, name: string): string | undefined => {
    const fromBody = (req.body as Record<string, unknown> | undefined)?.[name];
    if (typeof fromBody === 'string') return fromBody;
    const fromQuery = req.query[name];
    return typeof fromQuery === 'string' ? fromQuery : undefined;
  };
  const issue = (scopes: readonly string[], refreshToken: string | null): Record<string, unknown> => {
    const access = mint('sim_webex_at');
    accessTokens.set(access, { expiresAt: Date.now() + options.accessTokenTtlSeconds * 1000, scopes });
    const refresh = refreshToken ?? mint('sim_webex_rt');
    refreshTokens.set(refresh, scopes);
    return {
      access_token: access,
      expires_in: options.accessTokenTtlSeconds,
      refresh_token: refresh,
      refresh_token_expires_in: 90 * 24 * 3600,
      token_type: 'Bearer',
    };
  };
  const authorized = (req: Request, scope: string): TokenVerdict => {
    const match = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '');
    const issued = match?.[1] ? accessTokens.get(match[1]) : undefined;
    if (!issued || issued.expiresAt <= Date.now()) return 'unauthorized';
    return issued.scopes.includes(scope) ? 'ok' : 'forbidden';
  };
  const oauthError = (res: Response, status: number, error: string, description: string): void => {
    res.status(status).json({ error, error_description: description, trackingId: `SIM_${Date.now().toString(36)}` });
  };

  const authorize = async (req: Request, res: Response, decision: boolean | null): Promise<void> => {
    if (await options.faults.intercept('authorize', req, res)) return;
    const redirectUri = param(req, 'redirect_uri');
    const challenge = param(req, 'code_challenge') ?? null;
    const method = param(req, 'code_challenge_method');
    const registered = options.redirectUris === null || options.redirectUris.includes(redirectUri ?? '');
    if (
      param(req, 'client_id') !== options.clientId ||
      !redirectUri ||
      !registered ||
      (challenge !== null && method !== 'S256')
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
    target.searchParams.set('state', param(req, 'state') ?? '');
    if (decision === false) {
      target.searchParams.set('error', 'access_denied');
      res.redirect(302, target.toString());
      return;
    }
    if (decision === null && !options.autoApprove) {
      const names = [
        'response_type',
        'client_id',
        'redirect_uri',
        'scope',
        'state',
        'code_challenge',
        'code_challenge_method',
      ];
      const hidden = names
        .filter((name) => param(req, name) !== undefined)
        .map((name) => `<input type="hidden" name="${name}" value="${escapeHtml(param(req, name) ?? '')}">`)
        .join('');
      res.type('html').send(
        renderPage({
          title: 'Webex (simulated): allow callgate?',
          paragraphs: [
            `callgate would like to create Webex meetings and spaces as ${options.userEmail}.`,
            `Scopes: ${param(req, 'scope') ?? ''}`,
          ],
          trustedHtml: `<form method="post" action="authorize">${hidden}<button name="decision" value="allow">Allow</button> <button name="decision" value="deny">Deny</button></form>`,
        }),
      );
      return;
    }
    const code = mint('sim_webex_code');
    const scopes = (param(req, 'scope') ?? '').split(' ').filter(Boolean);
    codes.set(code, { redirectUri, challenge, scopes, expiresAt: Date.now() + 5 * 60_000 });
    target.searchParams.set('code', code);
    res.redirect(302, target.toString());
  };
  router.get('/authorize', (req, res) => authorize(req, res, null));
  router.post('/authorize', (req, res) => authorize(req, res, param(req, 'decision') === 'allow'));

  router.post('/access_token', async (req, res) => {
    if (await options.faults.intercept('token', req, res)) return;
    const grantType = param(req, 'grant_type') ?? '';
    const grants = options.grants();
    grants[grantType] = (grants[grantType] ?? 0) + 1;
    // Webex takes the client credentials in the form body only.
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (body['client_id'] !== options.clientId || body['client_secret'] !== options.clientSecret) {
      oauthError(res, 401, 'invalid_client', 'Client authentication failed.');
      return;
    }
    if (grantType === 'authorization_code') {
      const presented = param(req, 'code') ?? '';
      const code = codes.get(presented);
      codes.delete(presented);
      const verifier = param(req, 'code_verifier');
      const pkceOk =
        code?.challenge === null ||
        (verifier !== undefined && createHash('sha256').update(verifier).digest('base64url') === code?.challenge);
      if (!code || code.expiresAt < Date.now() || code.redirectUri !== param(req, 'redirect_uri') || !pkceOk) {
        oauthError(res, 400, 'invalid_grant', 'Authorization code has been used, has expired or is invalid.');
        return;
      }
      res.json(issue(code.scopes, null));
      return;
    }
    if (grantType === 'refresh_token') {
      const presented = param(req, 'refresh_token') ?? '';
      const scopes = refreshTokens.get(presented);
      if (!scopes) {
        oauthError(res, 400, 'invalid_grant', 'The refresh token is invalid or expired.');
        return;
      }
      if (options.rotateRefreshTokens) refreshTokens.delete(presented);
      res.json(issue(scopes, options.rotateRefreshTokens ? null : presented));
      return;
    }
    oauthError(res, 400, 'unsupported_grant_type', 'Unsupported grant type.');
  });

  return {
    authorized,
    validRefreshTokens: () => [...refreshTokens.keys()],
    expireAccessTokens: () => accessTokens.clear(),
    revokeRefreshTokens: () => refreshTokens.clear(),
  };
}
