/**
 * One-time session tickets (SPEC §1): where a chat frontend on another site cannot set the
 * `callgate_session` cookie, it asks for a ticket with its Bearer token and adds
 * `ticket=<ticket>` to a `/calls/...` URL; the first navigation there turns the ticket into
 * the cookie (a first-party cookie, since it is a top-level navigation).
 *
 * Tickets live in the store's single-use, expiring state records — the same mechanism as
 * OAuth states, under their own key prefix — so one replica can redeem what another issued.
 * Only a digest of the ticket is stored, and the identity token it stands for is encrypted
 * under the token key, bound to that row.
 */
import { createHash } from 'node:crypto';
import type { TokenCipher } from '../crypto/tokenCipher.js';
import { randomToken } from '../crypto/random.js';
import type { Store } from '../store/types.js';
import type { Identity } from './identity.js';

/** How long a ticket may be redeemed, in seconds (SPEC §1). */
export const TICKET_TTL_SECONDS = 60;

/** A random ticket has 32 bytes in base64url: 43 characters. */
const TICKET_PATTERN = /^[A-Za-z0-9_-]{43}$/;
/** Keeps ticket rows apart from OAuth states in the shared table (key prefix and provider). */
const KEY_PREFIX = 'session-ticket:';
const TICKET_PROVIDER = 'session-ticket';

/** An issued ticket, as `POST /api/v1/session/ticket` answers it. */
export interface IssuedTicket {
  ticket: string;
  expiresIn: number;
}

/** Issues and redeems tickets. */
export interface SessionTickets {
  /** Issues a ticket standing for `token` (the caller's verified identity token). */
  issue(token: string, identity: Identity): Promise<IssuedTicket>;
  /** The identity token of a ticket, once; null when unknown, used or expired. */
  redeem(ticket: string): Promise<string | null>;
}

/** Dependencies of createSessionTickets. */
export interface SessionTicketDeps {
  store: Pick<Store, 'oauthStates'>;
  cipher: TokenCipher;
  now: () => number;
  /** Told about a failed clean-up of expired rows (never fatal). */
  onCleanupError?: (error: unknown) => void;
}

/** Creates the ticket service. */
export function createSessionTickets(deps: SessionTicketDeps): SessionTickets {
  const keyOf = (ticket: string): string => KEY_PREFIX + createHash('sha256').update(ticket).digest('base64url');
  return {
    async issue(token, identity) {
      const ticket = randomToken(32);
      const key = keyOf(ticket);
      const sealed = deps.cipher.seal(token, key);
      await deps.store.oauthStates.save({
        state: key,
        provider: TICKET_PROVIDER,
        org: identity.org,
        userId: identity.userId,
        codeVerifier: `${sealed.keyId}.${sealed.ciphertext}`,
        expiresAt: deps.now() + TICKET_TTL_SECONDS * 1000,
      });
      // Expired tickets and states are useless; dropping them here keeps the table small.
      deps.store.oauthStates.deleteExpired(deps.now()).catch((error: unknown) => deps.onCleanupError?.(error));
      return { ticket, expiresIn: TICKET_TTL_SECONDS };
    },
    async redeem(ticket) {
      if (!TICKET_PATTERN.test(ticket)) return null;
      const key = keyOf(ticket);
      const record = await deps.store.oauthStates.take(key);
      if (!record || record.provider !== TICKET_PROVIDER || record.expiresAt <= deps.now()) return null;
      const dot = record.codeVerifier.indexOf('.');
      if (dot < 0) return null;
      try {
        return deps.cipher.open(
          { keyId: record.codeVerifier.slice(0, dot), ciphertext: record.codeVerifier.slice(dot + 1) },
          key,
        );
      } catch {
        // A key no longer configured: the ticket cannot be honoured, like an expired one.
        return null;
      }
    },
  };
}
