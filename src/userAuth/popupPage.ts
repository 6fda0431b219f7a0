/**
 * The page of the authorization popup. It reports the outcome to the chat page on
 * BroadcastChannel "callgate" and by postMessage to HOST_ORIGIN only, never "*" (skipped
 * when no host origin is configured). A success closes the popup; a failure stays open to
 * explain and offer a retry. The one inline script runs under a per-response nonce.
 */
import { randomToken } from '../crypto/random.js';
import type { RouteReply } from '../http/route.js';
import { renderPage, type PageOptions } from '../web/html.js';

/** The popup page as a route reply; `messageType` is the provider's, e.g. `zoom_token`. */
export function popupPage(
  status: number,
  hostOrigin: string | null,
  page: Omit<PageOptions, 'script'> & { connected: boolean; messageType: string; headers?: Record<string, string> },
): RouteReply {
  const { connected, messageType, headers, ...content } = page;
  const nonce = randomToken(18);
  // JSON text with `<` escaped cannot close the script element.
  const origin = JSON.stringify(hostOrigin).replace(/</g, '\\u003c');
  const type = JSON.stringify(messageType).replace(/</g, '\\u003c');
  const code = `(function () {
  var message = { type: ${type}, value: ${connected ? 'true' : 'false'} };
  var origin = ${origin};
  try { new BroadcastChannel("callgate").postMessage(message); } catch (e) {}
  if (origin && window.opener) { try { window.opener.postMessage(message, origin); } catch (e) {} }
  ${connected ? 'window.close();' : ''}
})();`;
  return {
    kind: 'html',
    status,
    html: renderPage({ ...content, script: { nonce, code } }),
    headers: {
      ...headers,
      'Cache-Control': 'no-store',
      'Content-Security-Policy': `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
    },
  };
}
