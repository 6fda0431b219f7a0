/**
 * Local mode's `/demo` page: a sign-in as any org, user and role, then a chat-like page
 * whose call buttons are the `<callgate-call-button>` element of the browser client
 * (`client/`, served at `/client/callgate.js`), as a chat product would embed it (SPEC §8).
 * `src/web/client/demo.ts` drives it.
 */
import { ROLES } from '../auth/identity.js';
import type { Assets } from './assets.js';
import { escapeHtml } from './html.js';
import { renderAppPage } from './layout.js';

/** Renders the demo page. */
export function renderDemoPage(options: { assets: Assets; publicUrl: string }): string {
  const roles = ROLES.map(
    (role) => `<option value="${role}"${role === 'admin' ? ' selected' : ''}>${escapeHtml(role)}</option>`,
  ).join('');
  const bodyHtml = `    <header class="banner">
      <p class="app-name">callgate demo</p>
      <p class="warning">Local mode: development secrets and simulated providers. Not for production.</p>
    </header>
    <main id="main">
      <h1>Try callgate</h1>
      <section id="sign-in" aria-labelledby="sign-in-title">
        <h2 id="sign-in-title">Sign in as anyone</h2>
        <p>Pick an organization, a user and a role; the demo signs an identity token the way a chat server would.</p>
        <form id="sign-in-form" class="stack" novalidate>
          <div class="field">
            <label for="org">Organization</label>
            <input id="org" name="org" required value="acme" autocomplete="off" spellcheck="false"
              aria-describedby="org-hint">
            <p id="org-hint" class="hint">Lowercase letters, digits and dashes, e.g. <code>acme</code>.</p>
          </div>
          <div class="field">
            <label for="user-id">User id</label>
            <input id="user-id" name="user_id" required value="1" autocomplete="off" maxlength="128">
          </div>
          <div class="field">
            <label for="display-name">Display name</label>
            <input id="display-name" name="name" required value="Ada Lovelace" autocomplete="off" maxlength="200">
          </div>
          <div class="field">
            <label for="role">Role</label>
            <select id="role" name="role">${roles}</select>
          </div>
          <div class="actions">
            <button type="submit" class="primary">Sign in</button>
          </div>
          <p id="sign-in-status" class="status" role="status" aria-live="polite"></p>
        </form>
      </section>
      <section id="chat" aria-labelledby="chat-title" hidden>
        <div class="chat-head">
          <h2 id="chat-title" tabindex="-1">#general</h2>
          <p id="who" class="who"></p>
          <nav aria-label="Account">
            <a id="admin-link" href="/calls/admin">Organization call settings</a>
            <button type="button" id="sign-out">Sign out</button>
          </nav>
        </div>
        <div class="messages" role="log" aria-live="polite" aria-labelledby="chat-title">
          <ol id="messages"></ol>
        </div>
        <div class="composer">
          <div class="field">
            <label for="meeting-name">Meeting name</label>
            <input id="meeting-name" value="general &gt; demo" maxlength="200" autocomplete="off">
          </div>
          <callgate-call-button id="call-button" base-url="${escapeHtml(options.publicUrl)}"></callgate-call-button>
        </div>
      </section>
    </main>`;
  return renderAppPage({
    title: 'Demo',
    assets: options.assets,
    script: 'demo.js',
    meta: { 'callgate-public-url': options.publicUrl },
    bodyHtml,
  });
}
