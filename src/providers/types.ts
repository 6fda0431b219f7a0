/**
 * The one interface every provider folder implements, and the one result shape it returns.
 * Providers never import HTTP routing, each other, or the database client.
 */
import type { Identity } from '../auth/identity.js';
import type { OAuthSpec } from '../userAuth/types.js';

/** What a provider needs to know of the organization. */
export interface OrgContext {
  org: string;
  /**
   * The org's values of the modules' organization settings fields, by wire name
   * (e.g. `jitsi_server_url`); null or absent means "the server's".
   */
  fields: Readonly<Record<string, string | null>>;
  /**
   * The org's own credentials by provider id (SPEC §10); absent means the server's. Read
   * them with `credentialsFor`, which also tells apart credentials the owner removed.
   */
  credentials?: Readonly<Record<string, OrgCredentialState>>;
}

/** An organization's own credentials for one provider, or the mark that the owner removed them. */
export type OrgCredentialState =
  { kind: 'own'; fields: Readonly<Record<string, string>>; fingerprint: string } | { kind: 'removed' };

/**
 * Which credentials a provider uses for an organization: the org's own (`own`, with a
 * fingerprint that keys per-credential caches), none because the owner removed them
 * (`removed`: the provider is not configured for this org, and the server's account is
 * never used in their place), or the server's (`server`).
 */
export function credentialsFor(orgContext: OrgContext, providerId: string): OrgCredentialState | { kind: 'server' } {
  return orgContext.credentials?.[providerId] ?? { kind: 'server' };
}

/**
 * What a provider that takes organization credentials uses for an org: `own(state)` built
 * from its own set; null once the owner removed them (never the server's in their place);
 * otherwise `server` (null when the server has none either).
 */
export function chooseAccount<A>(
  orgContext: OrgContext,
  providerId: string,
  choice: { own: (credentials: Extract<OrgCredentialState, { kind: 'own' }>) => A; server: A | null },
): A | null {
  const credentials = credentialsFor(orgContext, providerId);
  if (credentials.kind === 'own') return choice.own(credentials);
  return credentials.kind === 'removed' ? null : choice.server;
}

/**
 * Availability of a provider that takes organization credentials: available with the org's
 * own set; unavailable with `notConfigured` once the owner removed it (never the server's
 * account in its place); otherwise the server's own availability.
 */
export function availabilityWithCredentials(
  orgContext: OrgContext,
  providerId: string,
  notConfigured: string,
  serverAvailability: () => Availability,
): Availability {
  const credentials = credentialsFor(orgContext, providerId);
  if (credentials.kind === 'own') return { available: true };
  if (credentials.kind === 'removed') return { available: false, reason: notConfigured };
  return serverAvailability();
}

/** A request for a new call. */
export interface CallRequest {
  identity: Identity;
  orgContext: OrgContext;
  isVideoCall: boolean;
  meetingName: string;
}

/** A created call: the URL to post in the conversation. */
export interface CreatedCall {
  url: string;
}

/** Whether a provider can be used, and if not, why. */
export type Availability = { available: true } | { available: false; reason: string };

/** Result of an admin's connection test (SPEC §6). */
export type CheckResult = { status: 'ok' } | { status: 'failed'; reason: string; detail: string };

/** What a provider can do, as `GET /api/v1/providers` reports it. */
export interface Capabilities {
  /** Can start a call with cameras off. */
  voiceOnly: boolean;
  /** Each user must authorize callgate at the provider once. */
  requiresUserAuthorization: boolean;
}

/** A video-call provider. */
export interface Provider {
  /** Provider id (SPEC §3), e.g. `zoom_server_to_server`. */
  readonly id: string;
  /** Human name, e.g. "Jitsi Meet". */
  readonly name: string;
  readonly capabilities: Capabilities;
  /** An organization never seen before starts with the first available provider that says so (SPEC §3). */
  readonly defaultForNewOrgs?: boolean;
  /** Per-user authorization (SPEC §5): the generic service serves register/complete/connections for it. */
  readonly oauth?: OAuthSpec;
  /** Whether the server (and org) has the settings this provider needs. */
  availability(orgContext: OrgContext): Availability;
  /** Creates a call; throws CallgateError with a SPEC §2 code on failure. */
  createCall(request: CallRequest): Promise<CreatedCall>;
  /** Tests the connection to the provider live (SPEC §6); absent means "nothing to test beyond availability". */
  checkConnection?(orgContext: OrgContext): Promise<CheckResult>;
}
