/**
 * Constructor Groups' API through the one upstream module (deadline, no redirects, size cap).
 * `POST {url}room/default` is get-or-create: each creator keeps one room, as in Zulip, so a
 * repeated call answers the same room. It is still never retried here: a lost answer is
 * reported, and the user's next click gets the same room anyway.
 */
import { z } from 'zod';
import { joinUrl } from '../shared/providerHttp.js';
import { upstreamRequest, UpstreamError, type UpstreamAnswer } from '../../http/upstream.js';
import {
  bodyExcerpt,
  parseJson,
  statusFailure,
  transportFailure,
  type ServiceFailure,
} from '../shared/serviceFailure.js';
import { constructorAuthorization, constructorKeyDigest } from './auth.js';
import type { ConstructorAccount } from './settings.js';

/** The endpoint that creates (or returns) a creator's room. */
export const ROOM_PATH = 'room/default';
/** Answers are small JSON documents; anything larger is not one. */
const MAX_ANSWER_BYTES = 256 * 1024;

/** The body of a room request. */
export interface RoomRequestBody {
  creator_email: string;
  name: string;
  fallback_name: string;
}

/** The answer of `room/default` (only what callgate uses): the room's URL, http(s) only. */
export const roomAnswerSchema = z.object({
  url: z.url({ protocol: /^https?$/ }),
});

/** The outcome of a request: a value, or why not. */
export type ConstructorResult<T> = { ok: true; value: T } | { ok: false; failure: ServiceFailure };

/** Zulip's fallback name: `<display name> (<org>-<user id>)`, so two people of one name stay apart. */
export function fallbackName(identity: { name: string; org: string; userId: string }): string {
  return `${identity.name} (${identity.org}-${identity.userId})`;
}

/** What is redacted from quoted bodies: the secret key and the digest that stands for it. */
function sentSecrets(account: ConstructorAccount): string[] {
  return [account.secretKey, constructorKeyDigest(account.accessKey, account.secretKey)];
}

async function postRoom(
  account: ConstructorAccount,
  body: unknown,
  timeoutMs: number,
): Promise<ConstructorResult<UpstreamAnswer>> {
  try {
    const answer = await upstreamRequest({
      method: 'POST',
      url: joinUrl(account.url, ROOM_PATH),
      headers: {
        authorization: constructorAuthorization(account.accessKey, account.secretKey),
        'content-type': 'application/json',
        accept: 'application/json',
      },
      data: JSON.stringify(body),
      timeoutMs,
      maxBytes: MAX_ANSWER_BYTES,
    });
    return { ok: true, value: answer };
  } catch (error) {
    if (!(error instanceof UpstreamError)) throw error;
    return { ok: false, failure: transportFailure(error) };
  }
}

/**
 * Classifies a non-2xx answer:
 * - 429 → rate_limited; 3xx and 5xx → http_status;
 * - 401 and 403 → auth_rejected: for an API key, "forbidden" means the key may not do this,
 *   which the operator fixes the same way as a wrong key;
 * - another 4xx in JSON → refused (a well-formed refusal); not JSON → http_status (a proxy's page).
 */
export function classifyFailure(answer: UpstreamAnswer, secrets: readonly string[]): ServiceFailure {
  const { status } = answer;
  if (status === 401 || status === 403) return { kind: 'auth_rejected', status, detail: `HTTP ${status}` };
  if (status >= 400 && status < 500 && status !== 429 && parseJson(answer.body) !== undefined) {
    return { kind: 'refused', status, detail: bodyExcerpt(answer.body, secrets) };
  }
  return statusFailure(answer, secrets);
}

/** Gets or creates the creator's room; answers its URL. One request. */
export async function createRoom(
  account: ConstructorAccount,
  body: RoomRequestBody,
  timeoutMs: number,
): Promise<ConstructorResult<string>> {
  const sent = await postRoom(account, body, timeoutMs);
  if (!sent.ok) return sent;
  const answer = sent.value;
  const secrets = sentSecrets(account);
  if (answer.status < 200 || answer.status >= 300) return { ok: false, failure: classifyFailure(answer, secrets) };
  const room = roomAnswerSchema.safeParse(parseJson(answer.body));
  if (!room.success) {
    return {
      ok: false,
      failure: {
        kind: 'garbled',
        status: answer.status,
        excerpt: bodyExcerpt(answer.body, secrets),
        detail: 'the answer has no valid room url',
      },
    };
  }
  return { ok: true, value: room.data.url };
}

/**
 * The admin's connection check. Constructor Groups documents no read-only endpoint, so the
 * check sends `room/default` a body without its required fields: the server authenticates
 * the key before it validates the body, so 401/403 means the key is refused while a 400/422
 * refusal of the body means the key was accepted and nothing was created (the same trick
 * as SPEC §6's made-up OAuth code). A 2xx also proves the key; anything else is reported.
 */
export async function checkAccount(account: ConstructorAccount, timeoutMs: number): Promise<ConstructorResult<void>> {
  const sent = await postRoom(account, {}, timeoutMs);
  if (!sent.ok) return sent;
  const answer = sent.value;
  if (answer.status >= 200 && answer.status < 300) return { ok: true, value: undefined };
  if ((answer.status === 400 || answer.status === 422) && parseJson(answer.body) !== undefined) {
    return { ok: true, value: undefined };
  }
  return { ok: false, failure: classifyFailure(answer, sentSecrets(account)) };
}
