/**
 * Nextcloud Talk's API through the one upstream module (deadline, no redirects, size cap):
 * creating a public conversation, and the admin's connection check. Every request carries
 * Basic auth with the service account's app password, `OCS-APIRequest: true` (without it
 * Nextcloud treats the request as a browser's and demands a CSRF token) and
 * `Accept: application/json` (OCS answers XML otherwise). A creation is never retried: a
 * retry after a lost answer would leave a second conversation behind.
 */
import { joinUrl } from '../shared/providerHttp.js';
import { upstreamRequest, UpstreamError, type UpstreamAnswer } from '../../http/upstream.js';
import type { ServiceFailure } from '../shared/serviceFailure.js';
import { transportFailure } from '../shared/serviceFailure.js';
import { capabilitiesDataSchema, classifyOcsAnswer, currentUserDataSchema, roomTokenOf } from './ocs.js';
import type { NextcloudAccount } from './settings.js';

/** Talk's conversation type "public": anyone with the link may join, guests included. */
export const PUBLIC_CONVERSATION = 3;
/** Path of Talk's conversation API (v4, Nextcloud 22+). */
export const ROOM_PATH = 'ocs/v2.php/apps/spreed/api/v4/room';
/** OCS answers are small; anything larger is not one. */
const MAX_ANSWER_BYTES = 256 * 1024;

/** The outcome of a request: a value, or why not. */
export type NextcloudResult<T> = { ok: true; value: T } | { ok: false; failure: ServiceFailure };

/** The Basic credentials of an account (RFC 7617: UTF-8 `user:password` in base64). */
export function basicAuthorization(account: Pick<NextcloudAccount, 'username' | 'password'>): string {
  return `Basic ${Buffer.from(`${account.username}:${account.password}`, 'utf8').toString('base64')}`;
}

/** What is redacted from quoted bodies: the password and the header that carries it. */
function sentSecrets(account: NextcloudAccount): string[] {
  return [account.password, basicAuthorization(account).slice('Basic '.length)];
}

function ocsHeaders(account: NextcloudAccount): Record<string, string> {
  return {
    authorization: basicAuthorization(account),
    'ocs-apirequest': 'true',
    accept: 'application/json',
  };
}

async function send(
  request: { method: 'GET' | 'POST'; url: string; headers: Record<string, string>; data?: string },
  timeoutMs: number,
): Promise<{ ok: true; answer: UpstreamAnswer } | { ok: false; failure: ServiceFailure }> {
  try {
    return { ok: true, answer: await upstreamRequest({ ...request, timeoutMs, maxBytes: MAX_ANSWER_BYTES }) };
  } catch (error) {
    if (!(error instanceof UpstreamError)) throw error;
    return { ok: false, failure: transportFailure(error) };
  }
}

/** The URL participants open: `{server}/index.php/call/{token}` (works with and without pretty URLs). */
export function callUrl(server: string, token: string): string {
  return joinUrl(server, `index.php/call/${encodeURIComponent(token)}`);
}

/** Creates a public conversation named `meetingName`; answers its join URL. One request. */
export async function createConversation(
  account: NextcloudAccount,
  meetingName: string,
  timeoutMs: number,
): Promise<NextcloudResult<string>> {
  const sent = await send(
    {
      method: 'POST',
      url: joinUrl(account.server, ROOM_PATH),
      headers: { ...ocsHeaders(account), 'content-type': 'application/json' },
      data: JSON.stringify({ roomType: PUBLIC_CONVERSATION, roomName: meetingName }),
    },
    timeoutMs,
  );
  if (!sent.ok) return sent;
  const secrets = sentSecrets(account);
  const room = roomTokenOf(classifyOcsAnswer(sent.answer, secrets), sent.answer, secrets);
  if (!room.ok) return room;
  return { ok: true, value: callUrl(account.server, room.token) };
}

/**
 * The admin's connection check, two cheap authenticated reads that change nothing:
 * 1. `GET ocs/v2.php/cloud/user`: the signed-in account; requires a valid login (401
 *    otherwise), so it proves the username and app password.
 * 2. `GET ocs/v2.php/cloud/capabilities`: with the same login, lists `spreed` exactly when
 *    Talk is installed and enabled for that account. (Capabilities alone would not do:
 *    the endpoint is public and answers anonymous callers too.)
 */
export async function checkAccount(account: NextcloudAccount, timeoutMs: number): Promise<NextcloudResult<void>> {
  const secrets = sentSecrets(account);
  const user = await send(
    { method: 'GET', url: joinUrl(account.server, 'ocs/v2.php/cloud/user'), headers: ocsHeaders(account) },
    timeoutMs,
  );
  if (!user.ok) return user;
  const userResult = classifyOcsAnswer(user.answer, secrets);
  if (!userResult.ok) return userResult;
  if (!currentUserDataSchema.safeParse(userResult.data).success) {
    return { ok: false, failure: garbled(user.answer, 'the user answer has no account id') };
  }
  const capabilities = await send(
    { method: 'GET', url: joinUrl(account.server, 'ocs/v2.php/cloud/capabilities'), headers: ocsHeaders(account) },
    timeoutMs,
  );
  if (!capabilities.ok) return capabilities;
  const capabilitiesResult = classifyOcsAnswer(capabilities.answer, secrets);
  if (!capabilitiesResult.ok) return capabilitiesResult;
  const parsed = capabilitiesDataSchema.safeParse(capabilitiesResult.data);
  if (!parsed.success) {
    return { ok: false, failure: garbled(capabilities.answer, 'the capabilities answer is not Nextcloud’s') };
  }
  if (parsed.data.capabilities['spreed'] === undefined) {
    return { ok: false, failure: { kind: 'refused', status: capabilities.answer.status, detail: TALK_MISSING } };
  }
  return { ok: true, value: undefined };
}

/** Detail of a Nextcloud without Talk for this account. */
export const TALK_MISSING = 'Talk (spreed) is not enabled for this account';

function garbled(answer: UpstreamAnswer, detail: string): ServiceFailure {
  // The excerpt is never shown by a check (SPEC §9), so none is kept here.
  return { kind: 'garbled', status: answer.status, excerpt: '', detail };
}
