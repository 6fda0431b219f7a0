/**
 * Nextcloud's OCS answers, parsed with zod and classified once into success or a
 * ServiceFailure. Every OCS answer is the envelope
 * `{"ocs":{"meta":{"status","statuscode","message"},"data":…}}`
 * (https://docs.nextcloud.com/server/latest/developer_manual/client_apis/OCS/ocs-api-overview.html).
 * On `/ocs/v2.php` the HTTP status mirrors `statuscode` (200, 201, 400, …); on `/ocs/v1.php`
 * success is statuscode 100 under HTTP 200 and "not logged in" is 997, so both are read.
 * Talk's room API: https://nextcloud-talk.readthedocs.io/en/latest/conversation/
 */
import { z } from 'zod';
import type { UpstreamAnswer } from '../../http/upstream.js';
import { retryAfterSeconds } from '../shared/providerHttp.js';
import { bodyExcerpt, parseJson, statusFailure, type ServiceFailure } from '../shared/serviceFailure.js';

/** The OCS envelope (data checked separately, per endpoint). */
export const ocsEnvelopeSchema = z.object({
  ocs: z.object({
    meta: z.object({
      status: z.string(),
      statuscode: z.number().int(),
      message: z.string().nullish(),
    }),
    data: z.unknown(),
  }),
});

/**
 * The `data` of a created conversation (only what callgate uses). Talk's tokens are short
 * lowercase alphanumerics; anything else is refused rather than pasted into a URL path.
 */
export const roomDataSchema = z.object({
  token: z.string().regex(/^[A-Za-z0-9]{1,64}$/),
});

/** The `data` of `GET /ocs/v2.php/cloud/user`: the account callgate signed in as. */
export const currentUserDataSchema = z.object({ id: z.string().min(1) });

/** The `data` of `GET /ocs/v2.php/cloud/capabilities`; Talk's own entry is `capabilities.spreed`. */
export const capabilitiesDataSchema = z.object({
  capabilities: z.record(z.string(), z.unknown()),
});

/** OCS v1's "not logged in"; v2 answers HTTP and statuscode 401 instead. */
const OCS_NOT_LOGGED_IN = 997;
/** OCS v1's success code. */
const OCS_V1_OK = 100;

/** An answer classified: the envelope's data, or why not. */
export type OcsResult = { ok: true; data: unknown } | { ok: false; failure: ServiceFailure };

/**
 * Classifies an OCS answer:
 * - 429 → rate_limited (Retry-After), 401 → auth_rejected, whatever the body;
 * - 3xx and 5xx → http_status (a redirect is never followed; a 5xx is the server in trouble);
 * - not an OCS envelope → garbled (2xx) or http_status (4xx: a proxy's page, not Nextcloud's);
 * - an envelope whose statuscode says "not logged in" → auth_rejected;
 * - an envelope that is not a success → refused (a well-formed refusal, e.g. 400 or 403);
 * - otherwise the envelope's data.
 * `sentSecrets` are redacted from any quoted body.
 */
export function classifyOcsAnswer(answer: UpstreamAnswer, sentSecrets: readonly string[]): OcsResult {
  const { status } = answer;
  if (status === 429 || (status >= 300 && status < 400) || status >= 500) {
    return { ok: false, failure: statusFailure(answer, sentSecrets) };
  }
  if (status === 401) {
    return { ok: false, failure: { kind: 'auth_rejected', status, detail: 'HTTP 401' } };
  }
  const envelope = ocsEnvelopeSchema.safeParse(parseJson(answer.body));
  if (!envelope.success) {
    if (status >= 200 && status < 300) {
      return {
        ok: false,
        failure: {
          kind: 'garbled',
          status,
          excerpt: bodyExcerpt(answer.body, sentSecrets),
          detail: 'the answer is not an OCS response',
        },
      };
    }
    return { ok: false, failure: statusFailure(answer, sentSecrets) };
  }
  const { meta, data } = envelope.data.ocs;
  const detail = `OCS ${meta.statuscode} ${meta.status}${meta.message ? `: ${meta.message.slice(0, 200)}` : ''}`;
  if (meta.statuscode === OCS_NOT_LOGGED_IN || meta.statuscode === 401) {
    return { ok: false, failure: { kind: 'auth_rejected', status, detail } };
  }
  if (meta.statuscode === 429) {
    return {
      ok: false,
      failure: { kind: 'rate_limited', retryAfterSeconds: retryAfterSeconds(answer.headers['retry-after']) },
    };
  }
  const ocsOk = meta.statuscode === OCS_V1_OK || (meta.statuscode >= 200 && meta.statuscode < 300);
  if (status >= 200 && status < 300 && ocsOk && meta.status === 'ok') return { ok: true, data };
  return { ok: false, failure: { kind: 'refused', status, detail } };
}

/** Reads the token of a created conversation from a classified answer. */
export function roomTokenOf(
  result: OcsResult,
  answer: UpstreamAnswer,
  sentSecrets: readonly string[],
): { ok: true; token: string } | { ok: false; failure: ServiceFailure } {
  if (!result.ok) return result;
  const room = roomDataSchema.safeParse(result.data);
  if (!room.success) {
    return {
      ok: false,
      failure: {
        kind: 'garbled',
        status: answer.status,
        excerpt: bodyExcerpt(answer.body, sentSecrets),
        detail: 'the answer has no valid conversation token',
      },
    };
  }
  return { ok: true, token: room.data.token };
}
