/** The Zoom simulator's types: endpoints, injectable failures, users, meetings and state. */
import type { Router } from 'express';

/** The simulated endpoints, as counted. */
export type ZoomSimEndpoint = 'authorize' | 'token' | 'revoke' | 'me' | 'meetings';

/** A failure to inject into the next request(s) of an endpoint. */
export type ZoomSimFailure =
  | { kind: 'json'; status: number; body: unknown; headers?: Record<string, string> }
  | { kind: 'text'; status: number; body: string }
  | { kind: 'hang' }
  | { kind: 'reset' }
  | { kind: 'rate_limited'; retryAfter?: string }
  | { kind: 'invalid_token' }
  /** Wait, then answer normally (a slow Zoom: past the client's deadline, the work is still done). */
  | { kind: 'delay'; ms: number }
  /** 302 to `location`, or to the request's own URL (a redirect loop). */
  | { kind: 'redirect'; location?: string }
  /** Promise a JSON body, send its first bytes, then drop the connection. */
  | { kind: 'truncated'; status?: number }
  /**
   * Do the work (a refresh rotates the refresh token, a meeting is created) but never send
   * the answer: Zoom acted and the answer was lost on the way.
   */
  | { kind: 'answer_lost' };

/** A user of the simulated Zoom account. */
export interface ZoomSimUser {
  id: string;
  accountId: string;
  email: string;
}

/** Options of the simulator. */
export interface ZoomSimulatorOptions {
  clientId: string;
  clientSecret: string;
  /** The server-to-server account id; account_credentials is refused when unset. */
  accountId?: string;
  /** Secret of signed webhooks sent with `sendWebhook`. */
  webhookSecret?: string;
  /** Lifetime of issued access tokens. */
  accessTokenTtlSeconds?: number;
  /** Delay before answering any request. */
  delayMs?: number;
  /** Approve authorization requests without showing the page. */
  autoApprove?: boolean;
  /** Users of the account; the first one is who approves authorization requests. */
  users?: ZoomSimUser[];
  /**
   * The app's registered redirect URLs: like Zoom, any other `redirect_uri` is refused, so
   * the simulator cannot be used to bounce a browser (and a code) to an arbitrary site.
   * Unset accepts any, for tests whose callgate address is known only later.
   */
  redirectUris?: string[];
}

/** An access token the simulator issued. */
export interface IssuedAccessToken {
  kind: 'user' | 'account';
  userId: string | null;
  expiresAt: number;
}

/** An authorization code waiting to be exchanged. */
export interface PendingCode {
  redirectUri: string;
  codeChallenge: string;
  user: ZoomSimUser;
  expiresAt: number;
}

/** A meeting the simulator created. */
export interface ZoomSimMeeting {
  id: number;
  userId: string;
  topic: string;
  settings: unknown;
  joinUrl: string;
}

/** The simulator's inspectable and controllable state. */
export interface ZoomSimState {
  /** Requests per endpoint, counted before delays and failures. */
  requests: Record<ZoomSimEndpoint, number>;
  /** Token requests per grant type. */
  grants: Record<string, number>;
  meetings: ZoomSimMeeting[];
  users: ZoomSimUser[];
  /** Tokens revoked through `/oauth/revoke`. */
  revoked: string[];
  /** Delay before answering, per request; change it at any time. */
  delayMs: number;
  /** Makes the next `times` requests of an endpoint fail. */
  fail(endpoint: ZoomSimEndpoint, failure: ZoomSimFailure, times?: number): void;
  /** Clears injected failures. */
  clearFailures(): void;
  /** Every refresh token currently valid. */
  validRefreshTokens(): string[];
  /** Every access token currently valid. */
  validAccessTokens(): string[];
  /** Makes every issued access token invalid (Zoom then answers 401 / code 124). */
  expireAccessTokens(): void;
  /** Makes every refresh token invalid, as when a user revokes the app in Zoom. */
  revokeRefreshTokens(): void;
  /** Resets counters. */
  resetCounters(): void;
}

/** A created simulator: mount `router` at the root of a server. */
export interface ZoomSimulator {
  router: Router;
  state: ZoomSimState;
  /** Signs and POSTs a webhook to `url`; `alter` changes the body after signing. */
  sendWebhook(
    url: string,
    body: unknown,
    options?: { timestampSeconds?: number; secret?: string; alter?: (raw: string) => string; omitSignature?: boolean },
  ): Promise<{ status: number; body: unknown }>;
}
