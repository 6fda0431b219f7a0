/**
 * Minting of Jitsi JWTs, for self-hosted Jitsi with Prosody token authentication
 * (https://github.com/jitsi/lib-jitsi-meet/blob/master/doc/tokens.md) and for 8x8 JaaS
 * (https://developer.8x8.com/jaas/docs/api-keys-jwt). Pure: no I/O, the clock is passed in.
 *
 * Prosody checks a token in `resources/prosody-plugins/token/util.lib.lua` (jitsi-meet):
 * `typ` must be `JWT`, `alg` the configured one, `iss` an accepted issuer (by default only
 * `app_id`), `aud` an accepted audience, a `room` claim present and equal to the MUC room
 * node (lowercased) or `*`, `exp`/`nbf` against its clock; with domain verification on,
 * `sub` must be the tenant (for `https://host/<tenant>/<room>`) or the domain.
 */
import jwt from 'jsonwebtoken';
import type { JitsiSettings } from './settings.js';

/** The host of 8x8 JaaS meetings; its rooms live under `https://8x8.vc/<appId>/`. */
export const JAAS_HOST = '8x8.vc';

/** Seconds `nbf` lies in the past, so a Prosody clock slightly behind ours accepts the token. */
export const NOT_BEFORE_LEEWAY_SECONDS = 10;

/** How tokens for one Jitsi base URL are made, or null when that server gets none. */
export type JitsiAuth =
  | { kind: 'self_hosted'; appId: string; secret: string; audience: string }
  | { kind: 'jaas'; appId: string; keyId: string; privateKey: string };

/** Where a call's room lives and how a participant is let in. */
export interface JitsiTarget {
  /** Base URL without a trailing slash; rooms are `<base>/<room>`. */
  base: string;
  auth: JitsiAuth | null;
}

/**
 * Chooses how tokens are made for a base URL. A base on `8x8.vc` whose tenant is the
 * configured JaaS app (or that names no tenant) is JaaS, normalised to
 * `https://8x8.vc/<appId>`: our key only signs for our own tenant. The operator's own
 * server and tenant path (JITSI_SERVER_URL) gets self-hosted HS256 tokens when an app id
 * and secret are configured; any other base, another tenant on the same host included,
 * gets none (SPEC §9).
 */
export function resolveJitsiTarget(config: JitsiSettings, base: string): JitsiTarget {
  const url = new URL(base);
  const path = url.pathname.replace(/\/+$/, '');
  if (config.jaas && url.hostname === JAAS_HOST && (path === '' || path === `/${config.jaas.appId}`)) {
    return {
      base: `https://${JAAS_HOST}/${config.jaas.appId}`,
      auth: { kind: 'jaas', ...config.jaas },
    };
  }
  const trimmed = base.replace(/\/+$/, '');
  // The app secret is the operator's: tokens signed with it are only ever handed to the
  // operator's own Jitsi server and tenant. With domain verification Prosody accepts a token
  // whose `sub` names the tenant in the room's URL, so a token for another tenant on the
  // same host would let an org admin into rooms the operator never meant to sign for.
  if (url.hostname === JAAS_HOST || !isOperatorServer(config.serverUrl, url)) return { base: trimmed, auth: null };
  return {
    base: trimmed,
    auth: config.jwt ? { kind: 'self_hosted', ...config.jwt, audience: config.jwtAudience } : null,
  };
}

/** Whether `url` is the operator's Jitsi server: same scheme, host, port and tenant path. */
function isOperatorServer(serverUrl: string | null, url: URL): boolean {
  if (serverUrl === null) return false;
  const operator = new URL(serverUrl);
  // Prosody lowercases the tenant (`sub`), so `/Team` and `/team` are one tenant.
  const tenant = (target: URL): string => target.pathname.replace(/\/+$/, '').toLowerCase();
  return operator.protocol === url.protocol && operator.host === url.host && tenant(operator) === tenant(url);
}

/**
 * The `sub` of a self-hosted token: the lowercase tenant when the base URL has a path
 * (`https://meet.example.com/Team` → `team`, the last path segment), else the host
 * (`https://meet.example.com` → `meet.example.com`), as lib-jitsi-meet's tokens.md asks.
 */
export function jitsiSubject(base: string): string {
  const url = new URL(base);
  const segments = url.pathname.split('/').filter((segment) => segment !== '');
  const tenant = segments[segments.length - 1];
  return (tenant ?? url.hostname).toLowerCase();
}

/** Who the token is for. */
export interface JitsiParticipant {
  id: string;
  name: string;
  email: string;
  /** The creator of the call moderates it; everyone else joins as a participant. */
  moderator: boolean;
}

/** Options of mintJitsiToken. */
export interface MintJitsiTokenOptions {
  auth: JitsiAuth;
  /** Base URL the room lives under (after resolveJitsiTarget). */
  base: string;
  room: string;
  participant: JitsiParticipant;
  nowSeconds: number;
  ttlSeconds: number;
}

/** JaaS features a moderator gets; everyone else gets them all `"false"`. */
const JAAS_FEATURES = ['livestreaming', 'recording', 'transcription', 'outbound-call', 'sip-outbound-call'] as const;

/** Signs a Jitsi JWT for one participant of one room. */
export function mintJitsiToken(options: MintJitsiTokenOptions): string {
  const { auth, participant, nowSeconds } = options;
  const times = {
    iat: nowSeconds,
    nbf: nowSeconds - NOT_BEFORE_LEEWAY_SECONDS,
    exp: nowSeconds + options.ttlSeconds,
  };
  // Every `context.user` field is a string: lib-jitsi-meet's tokens.md warns that other
  // types throw in the client, and JaaS reads `moderator` as "true"/"false".
  const flag = (value: boolean): 'true' | 'false' => (value ? 'true' : 'false');
  const user = {
    id: participant.id,
    name: participant.name,
    email: participant.email,
    moderator: flag(participant.moderator),
  };
  if (auth.kind === 'jaas') {
    return jwt.sign(
      {
        aud: 'jitsi',
        iss: 'chat',
        sub: auth.appId,
        room: options.room,
        ...times,
        context: {
          user,
          features: Object.fromEntries(JAAS_FEATURES.map((feature) => [feature, flag(participant.moderator)])),
        },
      },
      auth.privateKey,
      { algorithm: 'RS256', header: { alg: 'RS256', typ: 'JWT', kid: `${auth.appId}/${auth.keyId}` } },
    );
  }
  return jwt.sign(
    {
      iss: auth.appId,
      aud: auth.audience,
      sub: jitsiSubject(options.base),
      room: options.room,
      ...times,
      // Top-level `moderator` is what jitsi-contrib's token_moderation plugin reads;
      // `affiliation` is what its token_affiliation plugin reads.
      moderator: participant.moderator,
      context: { user: { ...user, affiliation: participant.moderator ? 'owner' : 'member' } },
    },
    auth.secret,
    { algorithm: 'HS256', header: { alg: 'HS256', typ: 'JWT' } },
  );
}
