/**
 * The admin settings page (`/calls/admin`): the organization's provider, its Jitsi server,
 * a connection test, calls per day and the audit log. The page is authenticated by the
 * session cookie; its script calls the Bearer-only API with a page token the page embeds
 * (API routes never accept cookies, so they stay free of CSRF). The page token works only
 * on the routes this page calls, for this org, for at most 15 minutes (`auth/pageToken.ts`).
 * `src/web/client/admin.ts` drives it.
 */
import { isAdmin, type Identity } from '../auth/identity.js';
import type { Assets } from './assets.js';
import { escapeHtml } from './html.js';
import { renderAppPage } from './layout.js';

/** Renders the admin page for the signed-in caller. */
export function renderAdminPage(options: { assets: Assets; identity: Identity; token: string }): string {
  const { identity } = options;
  const admin = isAdmin(identity.role);
  const org = escapeHtml(identity.org);
  const readOnlyNote = admin
    ? ''
    : `<p id="read-only-note" class="note">You are signed in as a ${escapeHtml(identity.role)}: you can see these
        settings, but only administrators and owners of ${org} can change them.</p>`;
  const adminOnly = (what: string): string =>
    `<p class="note">Only administrators and owners of ${org} can see ${what}.</p>`;
  const disabled = admin ? '' : ' disabled';
  const bodyHtml = `    <header class="banner">
      <p class="app-name">callgate</p>
      <p class="who">Signed in as <strong>${escapeHtml(identity.name)}</strong> (${escapeHtml(identity.role)})
        in <strong>${org}</strong></p>
    </header>
    <main id="main">
      <h1>Video call settings for ${org}</h1>
      ${readOnlyNote}
      <p id="load-status" class="status" role="status" aria-live="polite"></p>
      <section aria-labelledby="provider-title">
        <h2 id="provider-title">Video call provider</h2>
        <form id="provider-form" class="stack" novalidate>
          <fieldset id="provider-fieldset"${disabled}>
            <legend>Provider used when someone starts a call</legend>
            <div id="provider-options" class="options"></div>
          </fieldset>
          <div class="actions">
            <button type="submit" class="primary"${disabled}>Save provider</button>
            <button type="button" id="provider-check"${disabled}>Test connection</button>
          </div>
          <p id="provider-status" class="status" role="status" aria-live="polite"></p>
          <div id="check-result" class="status" role="status" aria-live="polite"></div>
        </form>
      </section>
      <section aria-labelledby="jitsi-title">
        <h2 id="jitsi-title">Jitsi Meet server</h2>
        <form id="jitsi-form" class="stack" novalidate>
          <div class="field">
            <label for="jitsi-url">Jitsi server URL</label>
            <input id="jitsi-url" name="jitsi_server_url" inputmode="url" autocomplete="off" spellcheck="false"
              aria-describedby="jitsi-hint jitsi-error"${disabled}>
            <p id="jitsi-hint" class="hint">Leave empty to use this server's default<span id="jitsi-default"></span>.
              An https URL; http only for a server on this machine.</p>
            <p id="jitsi-error" class="field-error" aria-live="polite"></p>
          </div>
          <div class="actions">
            <button type="submit" class="primary"${disabled}>Save Jitsi server</button>
          </div>
          <p id="jitsi-status" class="status" role="status" aria-live="polite"></p>
        </form>
      </section>
      <section aria-labelledby="stats-title">
        <h2 id="stats-title">Calls per day</h2>
        ${admin ? '<div id="stats"><p>Loading…</p></div>' : adminOnly('call statistics')}
      </section>
      <section aria-labelledby="audit-title">
        <h2 id="audit-title">Audit log</h2>
        ${admin ? '<div id="audit"><p>Loading…</p></div>' : adminOnly('the audit log')}
      </section>
    </main>`;
  return renderAppPage({
    title: 'Video call settings',
    assets: options.assets,
    script: 'admin.js',
    meta: {
      'callgate-token': options.token,
      'callgate-org': identity.org,
      'callgate-role': identity.role,
    },
    bodyHtml,
  });
}
