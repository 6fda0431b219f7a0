/** What the Zoom simulator's route groups share: options, state, issued tokens and helpers. */
import { randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';
import type {
  IssuedAccessToken,
  PendingCode,
  ZoomSimEndpoint,
  ZoomSimState,
  ZoomSimulatorOptions,
  ZoomSimUser,
} from './types.js';

/** The shared inside of one simulator. */
export interface ZoomSimContext {
  options: ZoomSimulatorOptions;
  state: ZoomSimState;
  accessTokens: Map<string, IssuedAccessToken>;
  refreshTokens: Map<string, { userId: string }>;
  codes: Map<string, PendingCode>;
  /** Counts, delays, and applies an injected failure; true when the request was answered. */
  intercept(endpoint: ZoomSimEndpoint, req: Request, res: Response): Promise<boolean>;
  /** Issues an access token (and a refresh token for a user). */
  issue(kind: IssuedAccessToken['kind'], user: ZoomSimUser | null): Record<string, unknown>;
  /** The valid access token of a request's Bearer header, or null. */
  bearer(req: Request): IssuedAccessToken | null;
  /** A form or query parameter. */
  param(req: Request, name: string): string | undefined;
  /** Whether the request carries the client's credentials in HTTP Basic. */
  clientAuthenticated(req: Request): boolean;
}

/** A random token with a recognisable prefix. */
export const token = (prefix: string): string => `${prefix}_${randomBytes(24).toString('base64url')}`;
