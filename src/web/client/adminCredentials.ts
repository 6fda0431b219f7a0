/**
 * The admin page's own-provider-accounts forms (SPEC §10). Owners: each form loads the
 * non-secret fields, says whether each secret is set (never its value), tests the entered
 * credentials live before saving, shows a refused field next to it, and may remove them.
 * Admins: a read-only summary. An empty secret field keeps the stored secret.
 */
import { ApiError, errorText, showStatus, stringField, type Json } from './api.js';
import { api, orgPath } from './adminShared.js';

const pathOf = (provider: string): string => `${orgPath}/providers/${encodeURIComponent(provider)}/credentials`;

function providerOf(element: HTMLElement): string {
  return element.dataset['credentialsProvider'] ?? '';
}

function fieldsOf(body: Json): Record<string, string> {
  const value = body['fields'];
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return {};
  return Object.fromEntries(
    Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
}

function stateText(body: Json): string {
  if (body['configured'] !== true) return "Not set: this provider uses the server's account, if it has one.";
  const by = body['updated_by'];
  const name = by !== null && typeof by === 'object' ? stringField(by as Json, 'name') : '';
  const when = stringField(body, 'updated_at');
  const date = when ? new Date(when).toLocaleString() : '';
  return `Your own account is in use${name ? `, set by ${name}` : ''}${date ? ` on ${date}` : ''}.`;
}

type Control = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

function controls(form: HTMLFormElement): Control[] {
  return Array.from(form.querySelectorAll<Control>('input, select, textarea'));
}

/** Shows only the fields of the chosen mode (Jitsi: jwt or jaas). */
function applyMode(form: HTMLFormElement): void {
  const mode = form.querySelector<HTMLSelectElement>('select[name="mode"]')?.value ?? '';
  for (const field of Array.from(form.querySelectorAll<HTMLElement>('[data-modes]'))) {
    const hidden = !(field.dataset['modes'] ?? '').split(' ').includes(mode);
    field.hidden = hidden;
    // The stylesheet lays fields out as flex boxes, which would override `hidden` alone.
    field.style.display = hidden ? 'none' : '';
  }
}

/** The fields to send: visible ones, empty secrets left out (the stored ones are kept). */
function body(form: HTMLFormElement): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const control of controls(form)) {
    if (control.closest<HTMLElement>('[data-modes]')?.hidden) continue;
    const value = control.value.trim();
    if (control.hasAttribute('data-secret') && value === '') continue;
    fields[control.name] = value;
  }
  return fields;
}

function setFieldError(form: HTMLFormElement, name: string, text: string): void {
  for (const control of controls(form)) {
    const error = document.getElementById(`${control.id}-error`);
    const mine = control.name === name;
    if (error) error.textContent = mine ? text : '';
    if (mine && text) control.setAttribute('aria-invalid', 'true');
    else control.removeAttribute('aria-invalid');
  }
}

function render(form: HTMLElement, view: Json): void {
  const state = form.querySelector<HTMLElement>('[data-state]');
  if (state) state.textContent = stateText(view);
  const fields = fieldsOf(view);
  if (form instanceof HTMLFormElement) {
    for (const control of controls(form)) {
      const secret = control.hasAttribute('data-secret');
      if (secret) {
        control.value = '';
        const note = document.getElementById(`${control.id}-secret`);
        if (note) {
          note.textContent =
            view['configured'] === true ? 'Set. Leave empty to keep it.' : 'Not set: required for a new account.';
        }
      } else if (fields[control.name] !== undefined) {
        control.value = fields[control.name] ?? '';
      }
    }
    applyMode(form);
    return;
  }
  const list = form.querySelector('[data-fields]');
  if (!list) return;
  const items = Object.entries(fields).flatMap(([name, value]) => {
    const term = document.createElement('dt');
    term.textContent = name;
    const detail = document.createElement('dd');
    detail.textContent = value;
    return [term, detail];
  });
  list.replaceChildren(...items);
}

function checkText(result: Json): { text: string; ok: boolean } {
  if (stringField(result, 'status') === 'ok') return { text: 'Connection OK with these credentials.', ok: true };
  const reason = stringField(result, 'reason', 'unknown');
  const detail = stringField(result, 'detail');
  return { text: `Connection failed (${reason}).${detail ? ` ${detail}` : ''}`, ok: false };
}

function showError(form: HTMLFormElement, status: HTMLElement, error: unknown, prefix = ''): void {
  if (error instanceof ApiError && stringField(error.body, 'field') !== '') {
    const field = stringField(error.body, 'field');
    setFieldError(form, field, error.message);
    const control = controls(form).find((c) => c.name === field);
    showStatus(status, `${prefix}Please correct the field marked above.`, 'error');
    control?.focus();
    return;
  }
  showStatus(status, `${prefix}${errorText(error)}`, 'error');
}

function wireForm(form: HTMLFormElement, afterChange: () => Promise<void>): void {
  const provider = providerOf(form);
  const status = form.querySelector<HTMLElement>('[data-status]');
  if (!status) return;
  form.querySelector('select[name="mode"]')?.addEventListener('change', () => applyMode(form));
  const check = async (): Promise<boolean> => {
    setFieldError(form, '', '');
    showStatus(status, 'Testing the credentials…');
    const outcome = checkText(await api('POST', `${pathOf(provider)}/check`, body(form)));
    showStatus(status, outcome.text, outcome.ok ? 'ok' : 'error');
    return outcome.ok;
  };
  form.querySelector('[data-action="check"]')?.addEventListener('click', () => {
    check().catch((error: unknown) => showError(form, status, error));
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void (async () => {
      try {
        if (!(await check())) {
          status.textContent += ' Not saved.';
          return;
        }
        showStatus(status, 'Saving…');
        render(form, await api('PUT', pathOf(provider), body(form)));
        showStatus(status, 'Saved: calls with this provider now use your own account.', 'ok');
        await afterChange();
      } catch (error) {
        showError(form, status, error, 'Not saved. ');
      }
    })();
  });
  form.querySelector('[data-action="remove"]')?.addEventListener('click', () => {
    showStatus(status, 'Removing…');
    void (async () => {
      try {
        render(form, await api('DELETE', pathOf(provider)));
        showStatus(status, 'Removed.', 'ok');
        await afterChange();
      } catch (error) {
        showError(form, status, error);
      }
    })();
  });
}

/** Loads every credentials form or summary on the page. */
export async function loadCredentials(): Promise<void> {
  const parts = Array.from(document.querySelectorAll<HTMLElement>('[data-credentials-provider]'));
  await Promise.all(parts.map(async (part) => render(part, await api('GET', pathOf(providerOf(part))))));
}

/** Wires the owner's forms; `afterChange` reloads what a change affects (available providers, audit log). */
export function wireCredentialForms(afterChange: () => Promise<void>): void {
  for (const form of Array.from(document.querySelectorAll<HTMLFormElement>('form[data-credentials-provider]'))) {
    applyMode(form);
    wireForm(form, afterChange);
  }
}
