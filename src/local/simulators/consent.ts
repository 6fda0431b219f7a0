/**
 * What every simulated provider's consent ("Allow callgate?") page shares. In local mode
 * callgate sends the signed-in user's email as OIDC's `login_hint` on the authorize
 * redirect (`loginHint` of the user-authorization service), so a simulator can name the
 * person who is actually signing in and issue its tokens to an account of that name,
 * instead of one fixed user.
 */
import { escapeHtml, renderPage } from '../../web/html.js';

/** The user callgate hinted at on an authorize request, or null (then the simulator's default user). */
export function hintedLogin(param: (name: string) => string | undefined): string | null {
  const hint = param('login_hint')?.trim() ?? '';
  return hint === '' ? null : hint.slice(0, 254);
}

/** Options of renderConsentPage. */
export interface ConsentPage {
  /** The simulated provider, e.g. "Zoom". */
  provider: string;
  /** What callgate asks for, e.g. "create meetings". */
  wants: string;
  /** Who is signing in, e.g. the hinted email. */
  who: string;
  /** Where the form posts (relative to the authorize URL), with `decision=allow|deny`. */
  action: string;
  /** The authorize parameters to send back with the decision. */
  params: Record<string, string>;
}

/** The simulated provider's "Allow / Deny" page. */
export function renderConsentPage(page: ConsentPage): string {
  const hidden = Object.entries(page.params)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('');
  return renderPage({
    title: `${page.provider} (simulated): allow callgate?`,
    paragraphs: [`callgate would like to ${page.wants} as ${page.who}.`],
    trustedHtml: `<form method="post" action="${escapeHtml(page.action)}">${hidden}<button name="decision" value="allow">Allow</button> <button name="decision" value="deny">Deny</button></form>`,
  });
}
