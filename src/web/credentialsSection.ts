/**
 * The admin page's "own provider accounts" section (SPEC §10): for the owner, one form per
 * provider that takes organization credentials, built from the module's form declaration;
 * for admins, a read-only summary; for members, a note. Secret fields are never prefilled:
 * the page says whether one is set, and an empty secret keeps the stored one.
 * `src/web/client/adminCredentials.ts` drives it.
 */
import { isAdmin, type Identity } from '../auth/identity.js';
import type { CredentialFormField, OrgCredentialsSpec } from '../providers/module.js';
import { escapeHtml } from './html.js';

/** A provider whose credentials the section offers. */
export interface CredentialsSectionProvider {
  id: string;
  name: string;
  spec: OrgCredentialsSpec;
}

function fieldHtml(id: string, spec: OrgCredentialsSpec, field: CredentialFormField): string {
  const inputId = `cred-${id}-${field.name}`;
  const secret = spec.secretFields.includes(field.name);
  const described = [field.hint ? `${inputId}-hint` : '', secret ? `${inputId}-secret` : '', `${inputId}-error`]
    .filter(Boolean)
    .join(' ');
  const common = `id="${inputId}" name="${escapeHtml(field.name)}" aria-describedby="${described}" autocomplete="off" spellcheck="false"`;
  let control: string;
  if (field.choices) {
    const options = field.choices
      .map(
        (choice) =>
          `<option value="${escapeHtml(choice)}"${choice === field.initial ? ' selected' : ''}>${escapeHtml(choice)}</option>`,
      )
      .join('');
    control = `<select ${common}>${options}</select>`;
  } else if (field.multiline) {
    control = `<textarea ${common} rows="6"${secret ? ' data-secret' : ''}></textarea>`;
  } else {
    control = `<input ${common} type="${secret ? 'password' : 'text'}"${secret ? ' data-secret' : ''}>`;
  }
  const modes = field.modes ? ` data-modes="${escapeHtml(field.modes.join(' '))}"` : '';
  return `<div class="field"${modes}>
            <label for="${inputId}">${escapeHtml(field.label)}</label>
            ${control}
            ${field.hint ? `<p id="${inputId}-hint" class="hint">${escapeHtml(field.hint)}</p>` : ''}
            ${secret ? `<p id="${inputId}-secret" class="hint" data-secret-state></p>` : ''}
            <p id="${inputId}-error" class="field-error" aria-live="polite"></p>
          </div>`;
}

function formHtml(provider: CredentialsSectionProvider): string {
  const id = escapeHtml(provider.id);
  return `<form id="cred-${id}" class="stack credentials" data-credentials-provider="${id}" novalidate
          aria-labelledby="cred-${id}-title">
          <h3 id="cred-${id}-title">${escapeHtml(provider.name)}</h3>
          <p id="cred-${id}-state" class="note" data-state></p>
          ${provider.spec.form.map((field) => fieldHtml(provider.id, provider.spec, field)).join('\n')}
          <div class="actions">
            <button type="button" data-action="check">Test these credentials</button>
            <button type="submit" class="primary">Test and save</button>
            <button type="button" data-action="remove">Remove</button>
          </div>
          <p id="cred-${id}-status" class="status" role="status" aria-live="polite" data-status></p>
        </form>`;
}

function summaryHtml(provider: CredentialsSectionProvider): string {
  const id = escapeHtml(provider.id);
  return `<div id="cred-${id}" class="stack credentials" data-credentials-provider="${id}" data-readonly>
          <h3>${escapeHtml(provider.name)}</h3>
          <p class="note" data-state>Loading…</p>
          <dl data-fields></dl>
        </div>`;
}

/** The section's HTML; empty when no provider takes organization credentials (or the feature is off). */
export function renderCredentialsSection(identity: Identity, providers: readonly CredentialsSectionProvider[]): string {
  if (providers.length === 0) return '';
  const org = escapeHtml(identity.org);
  const intro = `<p class="hint">Your organization may use its own account at a provider instead of this
        server's. A provider with your own account always uses it for ${org}, never the server's;
        secrets are stored encrypted and never shown again.</p>`;
  let body: string;
  if (identity.role === 'owner') body = providers.map(formHtml).join('\n');
  else if (isAdmin(identity.role)) {
    body = `<p class="note">Only the owner of ${org} can change these.</p>${providers.map(summaryHtml).join('\n')}`;
  } else body = `<p class="note">Only administrators and owners of ${org} can see these.</p>`;
  return `<section aria-labelledby="credentials-title" id="credentials">
        <h2 id="credentials-title">Your own provider accounts</h2>
        ${intro}
        ${body}
      </section>`;
}
