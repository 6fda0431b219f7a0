/**
 * BigBlueButton 2.4+ (https://docs.bigbluebutton.org/development/api/), as Zulip integrates it:
 * creating a call makes no upstream request, only a signed join link; opening the link
 * (`GET /calls/bigbluebutton/join`) creates the meeting at BBB (idempotent per meetingID) and
 * sends the browser to BBB's signed `join` URL, as moderator for the call's creator.
 */
import type { Identity } from '../../auth/identity.js';
import type { AddressPolicy } from '../../http/addressPolicy.js';
import type { BbbChecksumAlgorithm, BigBlueButtonSettings } from './settings.js';
import { randomName } from '../../crypto/random.js';
import { CallgateError } from '../../errors.js';
import { createCredentialCache } from '../credentialCache.js';
import {
  chooseAccount,
  availabilityWithCredentials,
  type Availability,
  type CallRequest,
  type CheckResult,
  type CreatedCall,
  type OrgContext,
  type Provider,
} from '../types.js';
import { BBB_NOT_CONFIGURED, bigBlueButtonAvailability } from './availability.js';
import { bbbFailureToError, createBbbClient, type BbbClient, type BbbFailure } from './bbbClient.js';
import { createJoinTokenCodec } from './joinToken.js';
import { bigBlueButtonOrgCredentialsSchema } from './orgCredentials.js';

/** Characters of a meeting id: 24 × log2(36) ≈ 124 random bits. */
export const MEETING_ID_LENGTH = 24;

/** What the BigBlueButton provider and join are built from. */
export interface BigBlueButtonDeps {
  config: BigBlueButtonSettings;
  signingSecret: string;
  /** callgate's public base URL, without a trailing slash. */
  publicUrl: string;
  upstreamTimeoutMs: number;
  /** An organization's context (its own credentials), for the join step. */
  orgContextOf(org: string): Promise<OrgContext>;
  /** Guards connections to an organization's own server (SPEC §9). */
  addressPolicy: AddressPolicy;
}

/** The join step of a BigBlueButton link. */
export interface BigBlueButtonJoin {
  /** Creates the meeting at BBB if needed and returns the URL of BBB's `join` for this user. */
  join(identity: Identity, token: string): Promise<string>;
}

/** The path of the join page. */
export const JOIN_PATH = '/calls/bigbluebutton/join';

/** A client and the algorithm it signs with. */
interface ChosenClient {
  client: BbbClient;
  algorithm: BbbChecksumAlgorithm;
}

/**
 * The clients: the server's, built once, and one per organization credential set. The
 * getter answers the organization's own server when it has one and never the server's in
 * its place; it refuses when neither is configured.
 */
function configuredClients(deps: BigBlueButtonDeps): (orgContext: OrgContext) => ChosenClient {
  const { url, secret, checksumAlgorithm } = deps.config;
  const server =
    url && secret
      ? createBbbClient({ url, secret, algorithm: checksumAlgorithm, timeoutMs: deps.upstreamTimeoutMs })
      : null;
  const own = createCredentialCache((fields): ChosenClient => {
    const parsed = bigBlueButtonOrgCredentialsSchema.parse(fields);
    const algorithm = parsed.checksum_algorithm;
    return {
      client: createBbbClient({
        url: parsed.url,
        secret: parsed.secret,
        algorithm,
        timeoutMs: deps.upstreamTimeoutMs,
        addressPolicy: deps.addressPolicy,
      }),
      algorithm,
    };
  });
  const serverClient: ChosenClient | null = server ? { client: server, algorithm: checksumAlgorithm } : null;
  return (orgContext) => {
    const chosen = chooseAccount(orgContext, 'big_blue_button', {
      own: (state) => own.get(state),
      server: serverClient,
    });
    if (!chosen) throw new CallgateError('PROVIDER_NOT_CONFIGURED', BBB_NOT_CONFIGURED);
    return chosen;
  };
}

/** Available with the organization's own server, else when the server's URL and secret are set. */
function availabilityFor(deps: BigBlueButtonDeps, orgContext: OrgContext): Availability {
  return availabilityWithCredentials(orgContext, 'big_blue_button', BBB_NOT_CONFIGURED, () =>
    bigBlueButtonAvailability(deps.config),
  );
}

/** Creates the BigBlueButton provider. */
export function createBigBlueButtonProvider(deps: BigBlueButtonDeps): Provider & { id: 'big_blue_button' } {
  const tokens = createJoinTokenCodec(deps.signingSecret);
  const clientFor = configuredClients(deps);
  return {
    id: 'big_blue_button',
    name: 'BigBlueButton',
    capabilities: { voiceOnly: true, requiresUserAuthorization: false },
    availability(orgContext) {
      return availabilityFor(deps, orgContext);
    },
    async createCall(request: CallRequest): Promise<CreatedCall> {
      // No upstream call here (the registry already checked the settings): the meeting is
      // created at BBB when someone opens the link.
      const token = tokens.sign({
        meetingId: randomName(MEETING_ID_LENGTH),
        meetingName: request.meetingName,
        voiceOnly: !request.isVideoCall,
        creatorUserId: request.identity.userId,
        org: request.identity.org,
      });
      const url = new URL(`${deps.publicUrl}${JOIN_PATH}`);
      url.searchParams.set('bigbluebutton', token);
      return { url: url.toString() };
    },
    async checkConnection(orgContext): Promise<CheckResult> {
      const { client, algorithm } = clientFor(orgContext);
      return checkBigBlueButton(client, algorithm);
    },
  };
}

/** Creates the join step. */
export function createBigBlueButtonJoin(deps: BigBlueButtonDeps): BigBlueButtonJoin {
  const tokens = createJoinTokenCodec(deps.signingSecret);
  const clientFor = configuredClients(deps);
  return {
    async join(identity, token) {
      const claims = tokens.verify(token);
      // Zulip lets any signed-in user open any link; a link is for the org it was made in.
      if (identity.org !== claims.org) {
        throw new CallgateError('FORBIDDEN', 'This call belongs to another organization');
      }
      // The organization's server as of now: its own when it has one, never another's.
      const { client } = clientFor(await deps.orgContextOf(claims.org));
      const meeting = await client.createMeeting([
        ['meetingID', claims.meetingId],
        ['name', claims.meetingName],
        ['lockSettingsDisableCam', String(claims.voiceOnly)],
        ['muteOnStart', 'false'],
      ]);
      return client.signedUrl('join', [
        ['meetingID', meeting.meetingId],
        ['role', identity.userId === claims.creatorUserId ? 'MODERATOR' : 'VIEWER'],
        ['fullName', identity.name],
        ['userID', identity.userId],
        ['createTime', meeting.createTime],
      ]);
    },
  };
}

/**
 * The admin's connection test: a signed `getMeetings`.
 *
 * BBB answers the same `checksumError` to a wrong secret and to an algorithm missing from its
 * `supportedChecksumAlgorithms`, so on checksumError the call is repeated once signed with sha1,
 * which every BBB accepts unless its operator removed it: if sha1 passes, the secret is right
 * and the configured algorithm is refused; if sha1 fails too, the secret is wrong (or sha1 is
 * disabled as well, which a wrong secret is far more likely to explain).
 */
export async function checkBigBlueButton(client: BbbClient, algorithm: BbbChecksumAlgorithm): Promise<CheckResult> {
  const first = await client.request('getMeetings', []);
  if (first.ok) return { status: 'ok' };
  if (first.failure.kind !== 'checksum_error') return failedCheck(first.failure);
  if (algorithm !== 'sha1') {
    const probe = await client.request('getMeetings', [], { algorithm: 'sha1' });
    if (probe.ok) {
      return {
        status: 'failed',
        reason: 'checksum_algorithm_refused',
        detail: `The server accepts the secret with sha1 but refuses ${algorithm}; set BIG_BLUE_BUTTON_CHECKSUM_ALGORITHM to an algorithm in its supportedChecksumAlgorithms.`,
      };
    }
    if (probe.failure.kind !== 'checksum_error') return failedCheck(probe.failure);
  }
  return {
    status: 'failed',
    reason: 'bad_secret',
    detail: 'The server refused the checksum: big_blue_button_secret does not match its shared secret.',
  };
}

/**
 * A check's answer is in our own words only (SPEC §9): the body excerpt that a call's error
 * carries and BBB's messageKey stay out, so a check never reads back what a server said.
 */
function failedCheck(failure: BbbFailure): CheckResult {
  const message = bbbFailureToError(failure).message;
  switch (failure.kind) {
    case 'timeout':
    case 'unreachable':
      return { status: 'failed', reason: 'unreachable', detail: message };
    case 'address_not_allowed':
      return { status: 'failed', reason: 'address_not_allowed', detail: message };
    case 'http_status':
      // A 5xx is a BBB (or its proxy) in trouble; a 3xx or 4xx means the URL points elsewhere.
      return {
        status: 'failed',
        reason: failure.status >= 500 ? 'unreachable' : 'not_a_bbb_server',
        detail: `Error connecting to the BigBlueButton server: HTTP ${failure.status}`,
      };
    case 'garbled':
      return { status: 'failed', reason: 'not_a_bbb_server', detail: message };
    case 'failed':
      return { status: 'failed', reason: 'provider_error', detail: message };
    case 'checksum_error':
      return { status: 'failed', reason: 'bad_secret', detail: message };
  }
}
