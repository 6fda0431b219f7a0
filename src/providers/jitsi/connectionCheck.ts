/**
 * The admin's Jitsi connection test (SPEC §6). Fetches `<base>/external_api.js`, which
 * every Jitsi Meet web deployment serves, tenant paths included (jitsi-meet's nginx
 * config maps `/<tenant>/<file>` to the root files; JaaS serves
 * `https://8x8.vc/<appId>/external_api.js`, see
 * https://developer.8x8.com/jaas/docs/iframe-api-overview). One request proves both that
 * the server answers and that it is Jitsi Meet.
 */
import type { AddressPolicy } from '../../http/addressPolicy.js';
import { upstreamRequest, UpstreamError, type UpstreamAnswer } from '../../http/upstream.js';
import type { CheckResult } from '../types.js';

/** The largest answer read; Jitsi's external_api.js is a few hundred KiB. */
const MAX_ANSWER_BYTES = 4 * 1024 * 1024;

/** The identifier external_api.js defines; a page without it is not Jitsi Meet. */
const JITSI_MARKER = 'JitsiMeetExternalAPI';

/**
 * Tests a Jitsi base URL. A redirect is reported, not followed: callgate appends room
 * paths to the configured URL, so the admin should enter the address the server
 * redirects to. The result is in our own words only (SPEC §9): nothing the server sent
 * (body, headers, redirect target) is repeated, so the check cannot be used to read
 * from somewhere callgate can reach and the admin cannot.
 */
export async function checkJitsiServer(
  base: string,
  options: { timeoutMs: number; addressPolicy?: AddressPolicy },
): Promise<CheckResult> {
  const url = `${base.replace(/\/+$/, '')}/external_api.js`;
  let response: UpstreamAnswer;
  try {
    response = await upstreamRequest({
      method: 'GET',
      url,
      timeoutMs: options.timeoutMs,
      maxBytes: MAX_ANSWER_BYTES,
      ...(options.addressPolicy ? { addressPolicy: options.addressPolicy } : {}),
    });
  } catch (error) {
    if (!(error instanceof UpstreamError)) throw error;
    const { failure } = error;
    if (failure.kind === 'address_not_allowed') {
      return {
        status: 'failed',
        reason: 'address_not_allowed',
        detail: `${url} leads to a private, loopback or otherwise internal address, which organizations may not use`,
      };
    }
    if (failure.kind === 'timeout') {
      return {
        status: 'failed',
        reason: 'unreachable',
        detail: `No answer from ${url} within ${options.timeoutMs} ms`,
      };
    }
    if (failure.kind === 'too_large') {
      return { status: 'failed', reason: 'not_a_jitsi_server', detail: `${url} answered with ${failure.detail}` };
    }
    return { status: 'failed', reason: 'unreachable', detail: `Could not connect to ${url}: ${failure.detail}` };
  }
  const status = response.status;
  if (status >= 300 && status < 400) {
    return {
      status: 'failed',
      reason: 'redirected',
      detail: `${url} answered HTTP ${status}, a redirect; open the Jitsi URL in a browser and use the address it ends up at`,
    };
  }
  if (status === 429) {
    return { status: 'failed', reason: 'rate_limited', detail: `${url} answered HTTP 429, too many requests` };
  }
  if (status >= 500) {
    return { status: 'failed', reason: 'server_error', detail: `${url} answered HTTP ${status}` };
  }
  if (status >= 200 && status < 300 && response.body.includes(JITSI_MARKER)) {
    return { status: 'ok' };
  }
  return {
    status: 'failed',
    reason: 'not_a_jitsi_server',
    detail:
      status >= 200 && status < 300
        ? `${url} answered, but not with Jitsi Meet's external API`
        : `${url} answered HTTP ${status}`,
  };
}
