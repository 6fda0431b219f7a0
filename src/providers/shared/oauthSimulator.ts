/**
 * A simulated OAuth 2.0 authorization server for the in-process provider simulators (local
 * mode and tests): an authorize page with Allow/Deny, a token endpoint that checks PKCE (S256)
 * and `client_secret_post` client authentication exactly, refresh tokens that rotate (single
 * use) or stay (and are then omitted from refresh answers, as Google does), and revocation.
 * Each provider's simulator mounts these handlers at its own paths and adds its API.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';
import { escapeHtml, renderPage } from '../../web/html.js';

/** A user of the simulated provider. */
export interface SimUser {
  id: string;
  email: string;
  /** Provider-specific traits the simulator's API reads (e.g. "has a Teams licence"). */
  traits?: Record<string, boolean>;
}

/** An OAuth error answer in the provider's own format. */
export interface SimOAuthError {
  status: number;
  body: unknown;
}

/** Options of the authorization server. */
export interface OAuthSimulatorOptions {
  clientId: string;
  clientSecret: string;
  /** Shown on the authorize page, e.g. "Google (simulated)". */
  title: string;
  /** What the app asks for, in words, for the authorize page. */
  purpose: string;
  users: SimUser[];
  /** Scope reported in token answers. */
  scope: string;
  /** true: every refresh spends the presented refresh token and issues a new one (Microsoft). */
  rotateRefreshTokens: boolean;
  accessTokenTtlSeconds?: number;
  /** Approve without showing the page (tests), as the first user. */
  autoApprove?: boolean;
  /** The provider's body for an OAuth error (RFC 6749 §5.2 `error` code). */
  oauthError(error: string, status: number): SimOAuthError;
  /** A refusal at sign-in for this user instead of a code (e.g. a personal Microsoft account). */
  refuseSignIn?(user: SimUser): { error: string; errorDescription: string } | null;
}

/** One token request as received, for tests that check how the client authenticated. */
export interface RecordedTokenRequest {
  grantType: string;
  /** Where the client credentials were: form body, Basic header, or nowhere. */
  clientAuth: 'client_secret_post' | 'client_secret_basic' | 'none';
  /** Whether an authorization-code request carried a code_verifier. */
  codeVerifier: boolean;
}

/** The authorization server's handlers and state. */
export interface OAuthSimulator {
  authorizePage(req: Request, res: Response): void;
  authorizeDecision(req: Request, res: Response): void;
  token(req: Request, res: Response): void;
  revoke(req: Request, res: Response): void;
  /** The user behind a valid `Authorization: Bearer` access token, or null. */
  bearerUser(req: Request): SimUser | null;
  readonly users: SimUser[];
  /** Token requests per grant type. */
  readonly grants: Record<string, number>;
  readonly tokenRequests: RecordedTokenRequest[];
  /** Tokens revoked through `revoke`. */
  readonly revoked: string[];
  validRefreshTokens(): string[];
  validAccessTokens(): string[];
  /** Makes every access token invalid (the API then answers 401). */
  expireAccessTokens(): void;
  /** Makes every refresh token invalid, as when a user removes the app at the provider. */
  revokeRefreshTokens(): void;
  /** Clears the recorded grants and token requests. */
  resetRecords(): void;
}

interface PendingCode {
  redirectUri: string;
  codeChallenge: string;
  user: SimUser;
  expiresAt: number;
}

const AUTHORIZE_FIELDS = [
  'response_type',
  'client_id',
  'redirect_uri',
  'state',
  'code_challenge',
  'code_challenge_method',
  'scope',
];

const token = (prefix: string): string => `${prefix}_${randomBytes(24).toString('base64url')}`;

/** Reads a form field (token endpoint) or query parameter (authorize page). */
function param(req: Request, name: string): string | undefined {
  const fromBody = (req.body as Record<string, unknown> | undefined)?.[name];
  if (typeof fromBody === 'string') return fromBody;
  const fromQuery = req.query[name];
  return typeof fromQuery === 'string' ? fromQuery : undefined;
}

/** Creates the authorization server. */
export function createOAuthSimulator(options: OAuthSimulatorOptions): OAuthSimulator {
  const ttlMs = (options.accessTokenTtlSeconds ?? 3600) * 1000;
  const accessTokens = new Map<string, { userId: string; expiresAt: number }>();
  const refreshTokens = new Map<string, { userId: string }>();
  const codes = new Map<string, PendingCode>();
  const grants: Record<string, number> = {};
  const tokenRequests: RecordedTokenRequest[] = [];
  const revoked: string[] = [];

  const sendError = (res: Response, error: string, status: number): void => {
    const answer = options.oauthError(error, status);
    res.status(answer.status).json(answer.body);
  };

  const issue = (user: SimUser, withRefreshToken: boolean): Record<string, unknown> => {
    const access = token('sim_at');
    accessTokens.set(access, { userId: user.id, expiresAt: Date.now() + ttlMs });
    const body: Record<string, unknown> = {
      access_token: access,
      token_type: 'Bearer',
      expires_in: ttlMs / 1000,
      scope: options.scope,
    };
    if (withRefreshToken) {
      const refresh = token('sim_rt');
      refreshTokens.set(refresh, { userId: user.id });
      body['refresh_token'] = refresh;
    }
    return body;
  };

  /** Validates an authorize request; answers 400 itself and returns null when it is bad. */
  const authorizeRequest = (req: Request, res: Response): { redirect: URL; state: string } | null => {
    const redirectUri = param(req, 'redirect_uri');
    if (
      param(req, 'response_type') !== 'code' ||
      param(req, 'client_id') !== options.clientId ||
      !redirectUri ||
      !param(req, 'code_challenge') ||
      param(req, 'code_challenge_method') !== 'S256'
    ) {
      const paragraphs = ['Invalid response_type, client_id, redirect_uri or PKCE parameters.'];
      res
        .status(400)
        .type('html')
        .send(renderPage({ title: 'Invalid request', paragraphs }));
      return null;
    }
    return { redirect: new URL(redirectUri), state: param(req, 'state') ?? '' };
  };

  const redirectWith = (res: Response, target: URL, state: string, fields: Record<string, string>): void => {
    for (const [name, value] of Object.entries(fields)) target.searchParams.set(name, value);
    target.searchParams.set('state', state);
    res.redirect(302, target.toString());
  };

  const approve = (req: Request, res: Response, request: { redirect: URL; state: string }, user: SimUser): void => {
    const refusal = options.refuseSignIn?.(user);
    if (refusal) {
      redirectWith(res, request.redirect, request.state, {
        error: refusal.error,
        error_description: refusal.errorDescription,
      });
      return;
    }
    const code = token('sim_code');
    codes.set(code, {
      redirectUri: request.redirect.toString(),
      codeChallenge: param(req, 'code_challenge') ?? '',
      user,
      expiresAt: Date.now() + 5 * 60_000,
    });
    redirectWith(res, request.redirect, request.state, { code });
  };

  /** RFC 6749 §2.3.1 client_secret_post: both in the form body, and no other method at once. */
  const clientAuth = (req: Request): RecordedTokenRequest['clientAuth'] => {
    if (/^Basic\s/i.test(req.get('authorization') ?? '')) return 'client_secret_basic';
    return param(req, 'client_secret') !== undefined ? 'client_secret_post' : 'none';
  };

  return {
    users: options.users,
    grants,
    tokenRequests,
    revoked,
    authorizePage(req, res) {
      const request = authorizeRequest(req, res);
      if (!request) return;
      const first = options.users[0];
      if (!first) {
        redirectWith(res, request.redirect, request.state, { error: 'access_denied' });
        return;
      }
      if (options.autoApprove || param(req, 'auto') === '1') {
        approve(req, res, request, first);
        return;
      }
      const hidden = AUTHORIZE_FIELDS.map(
        (name) => `<input type="hidden" name="${name}" value="${escapeHtml(param(req, name) ?? '')}">`,
      ).join('');
      const choices = options.users
        .map(
          (user, index) =>
            `<label><input type="radio" name="user" value="${escapeHtml(user.id)}"${index === 0 ? ' checked' : ''}> ${escapeHtml(user.email)}</label><br>`,
        )
        .join('');
      // Posted to the same URL (path kept, query dropped): the handlers decide by method.
      res.type('html').send(
        renderPage({
          title: `${options.title}: allow callgate?`,
          paragraphs: [`callgate would like to ${options.purpose}. Sign in as:`],
          trustedHtml: `<form method="post">${hidden}<fieldset>${choices}</fieldset><button name="decision" value="allow">Allow</button> <button name="decision" value="deny">Deny</button></form>`,
        }),
      );
    },
    authorizeDecision(req, res) {
      const request = authorizeRequest(req, res);
      if (!request) return;
      const user = options.users.find((candidate) => candidate.id === param(req, 'user')) ?? options.users[0];
      if (param(req, 'decision') !== 'allow' || !user) {
        redirectWith(res, request.redirect, request.state, { error: 'access_denied' });
        return;
      }
      approve(req, res, request, user);
    },
    token(req, res) {
      const grantType = param(req, 'grant_type') ?? '';
      grants[grantType] = (grants[grantType] ?? 0) + 1;
      const auth = clientAuth(req);
      tokenRequests.push({ grantType, clientAuth: auth, codeVerifier: param(req, 'code_verifier') !== undefined });
      if (
        auth !== 'client_secret_post' ||
        param(req, 'client_id') !== options.clientId ||
        param(req, 'client_secret') !== options.clientSecret
      ) {
        sendError(res, 'invalid_client', 401);
        return;
      }
      if (grantType === 'authorization_code') {
        const presented = param(req, 'code') ?? '';
        const code = codes.get(presented);
        codes.delete(presented);
        const challenge = createHash('sha256')
          .update(param(req, 'code_verifier') ?? '')
          .digest('base64url');
        if (
          !code ||
          code.expiresAt < Date.now() ||
          code.redirectUri !== param(req, 'redirect_uri') ||
          code.codeChallenge !== challenge
        ) {
          sendError(res, 'invalid_grant', 400);
          return;
        }
        res.json(issue(code.user, true));
        return;
      }
      if (grantType === 'refresh_token') {
        const presented = param(req, 'refresh_token') ?? '';
        const known = refreshTokens.get(presented);
        if (options.rotateRefreshTokens) refreshTokens.delete(presented);
        const user = options.users.find((candidate) => candidate.id === known?.userId);
        if (!user) {
          sendError(res, 'invalid_grant', 400);
          return;
        }
        // A non-rotating server answers without refresh_token: the old one stays valid.
        res.json(issue(user, options.rotateRefreshTokens));
        return;
      }
      sendError(res, 'unsupported_grant_type', 400);
    },
    revoke(req, res) {
      const presented = param(req, 'token') ?? '';
      const access = accessTokens.get(presented);
      const refresh = refreshTokens.get(presented);
      const userId = access?.userId ?? refresh?.userId;
      if (userId === undefined) {
        sendError(res, 'invalid_token', 400);
        return;
      }
      revoked.push(presented);
      // Revoking either token ends the whole grant, as Google documents.
      for (const [value, entry] of accessTokens) if (entry.userId === userId) accessTokens.delete(value);
      for (const [value, entry] of refreshTokens) if (entry.userId === userId) refreshTokens.delete(value);
      res.status(200).json({});
    },
    bearerUser(req) {
      const match = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '');
      const issued = match?.[1] ? accessTokens.get(match[1]) : undefined;
      if (!issued || issued.expiresAt <= Date.now()) return null;
      return options.users.find((user) => user.id === issued.userId) ?? null;
    },
    validRefreshTokens: () => [...refreshTokens.keys()],
    validAccessTokens: () =>
      [...accessTokens.entries()].filter(([, entry]) => entry.expiresAt > Date.now()).map(([value]) => value),
    expireAccessTokens: () => accessTokens.clear(),
    revokeRefreshTokens: () => refreshTokens.clear(),
    resetRecords() {
      for (const key of Object.keys(grants)) delete grants[key];
      tokenRequests.length = 0;
    },
  };
}
