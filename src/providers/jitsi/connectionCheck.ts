/**
 * The admin's Jitsi connection test (SPEC §6). Fetches `<base>/external_api.js`, which
 * every Jitsi Meet web deployment serves, tenant paths included (jitsi-meet's nginx
 * config maps `/<tenant>/<file>` to the root files; JaaS serves
 * `https://8x8.vc/<appId>/external_api.js`, see
 * https://developer.8x8.com/jaas/docs/iframe-api-overview). One request proves both that
 * the server answers and that it is Jitsi Meet.
 */
import { upstreamRequest, UpstreamError, type UpstreamAnswer } from '../../http/upstream.js';
import { z } from 'zod';
import type { CheckResult } from '../types.js';

/** The largest answer read; Jitsi's external_api.js is a few hundred KiB. */
const MAX_ANSWER_BYTES = 4 * 1024 * 1024;

/** The identifier external_api.js defines; a page without it is not Jitsi Meet. */
const JITSI_MARKER = 'JitsiMeetExternalAPI';

/**
 * Tests a Jitsi base URL. A redirect is reported, not followed: callgate appends room
 * paths to the configured URL, so the admin should enter the address the server
 * redirects to.
 */
export async function checkJitsiServer(base: string, options: { timeoutMs: number }): Promise<CheckResult> {
  const url = `${base.replace(/\/+$/, '')}/external_api.js`;
  let response: UpstreamAnswer;
  try {
    response = await upstreamRequest({ method: 'GET', url, timeoutMs: options.timeoutMs, maxBytes: MAX_ANSWER_BYTES });
  } catch (error) {
    if (!(error instanceof UpstreamError)) throw error;
    const { failure } = error;
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
    const location = z.string().safeParse(response.headers['location']);
    const target = location.success ? ` to ${location.data.slice(0, 200)}` : '';
    return {
      status: 'failed',
      reason: 'redirected',
      detail: `${url} answered HTTP ${status}, redirecting${target}; use the final address as the Jitsi URL`,
    };
  }
  if (status === 429) {
    const retryAfter = z.string().safeParse(response.headers['retry-after']);
    const when = retryAfter.success ? ` (Retry-After: ${retryAfter.data.slice(0, 40)})` : '';
    return { status: 'failed', reason: 'rate_limited', detail: `${url} answered HTTP 429, too many requests${when}` };
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
