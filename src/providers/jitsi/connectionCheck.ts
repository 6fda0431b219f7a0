/**
 * The admin's Jitsi connection test (SPEC §6). Fetches `<base>/external_api.js`, which
 * every Jitsi Meet web deployment serves, tenant paths included (jitsi-meet's nginx
 * config maps `/<tenant>/<file>` to the root files; JaaS serves
 * `https://8x8.vc/<appId>/external_api.js`, see
 * https://developer.8x8.com/jaas/docs/iframe-api-overview). One request proves both that
 * the server answers and that it is Jitsi Meet.
 */
import axios, { type AxiosInstance } from 'axios';
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
export async function checkJitsiServer(
  base: string,
  options: { timeoutMs: number; http?: AxiosInstance },
): Promise<CheckResult> {
  const url = `${base.replace(/\/+$/, '')}/external_api.js`;
  let response;
  try {
    response = await (options.http ?? axios).get<unknown>(url, {
      timeout: options.timeoutMs,
      maxRedirects: 0,
      validateStatus: () => true,
      responseType: 'text',
      transformResponse: (data: unknown) => data,
      maxContentLength: MAX_ANSWER_BYTES,
    });
  } catch (error) {
    const code = axios.isAxiosError(error) ? error.code : undefined;
    if (code === 'ECONNABORTED' || code === 'ETIMEDOUT') {
      return {
        status: 'failed',
        reason: 'unreachable',
        detail: `No answer from ${url} within ${options.timeoutMs} ms`,
      };
    }
    const why = code ?? (error instanceof Error ? error.message : 'unknown error');
    return { status: 'failed', reason: 'unreachable', detail: `Could not connect to ${url}: ${why}` };
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
  const body = z.string().safeParse(response.data);
  if (status >= 200 && status < 300 && body.success && body.data.includes(JITSI_MARKER)) {
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
