/** The admin page's settings: provider choice, connection test and the organization's Jitsi server. */
import { ApiError, byId, errorText, objectList, showStatus, stringField, type Json } from './api.js';
import { api, orgPath, providerNames } from './adminShared.js';
import { checkReasonText, fieldErrorText } from './words.js';

const providerForm = byId<HTMLFormElement>('provider-form');
const providerOptions = byId('provider-options');
const providerStatus = byId('provider-status');
const checkResult = byId('check-result');
const jitsiForm = byId<HTMLFormElement>('jitsi-form');
const jitsiInput = byId<HTMLInputElement>('jitsi-url');
const jitsiError = byId('jitsi-error');
const jitsiStatus = byId('jitsi-status');
/** The provider as last loaded or saved, to tell a test of an unsaved choice apart. */
let savedProvider = '';

function selectedProvider(): string {
  return providerForm.querySelector<HTMLInputElement>('input[name="video_chat_provider"]:checked')?.value ?? '';
}

/** Empties every result of an earlier action, so nothing on screen describes a state that has moved on. */
function clearResults(): void {
  for (const element of [providerStatus, checkResult, jitsiStatus]) showStatus(element, '');
  setJitsiError('');
}

function setJitsiError(text: string): void {
  jitsiError.textContent = text;
  if (text) jitsiInput.setAttribute('aria-invalid', 'true');
  else jitsiInput.removeAttribute('aria-invalid');
}

function renderProviders(providers: Json[], settings: Json): void {
  const current = stringField(settings, 'video_chat_provider');
  savedProvider = current;
  // Re-rendering replaces the radios: keep the keyboard where it was (e.g. after Enter saved).
  const focused = document.activeElement instanceof HTMLInputElement ? document.activeElement.id : '';
  const options = providers.map((provider) => {
    const id = stringField(provider, 'id');
    const name = stringField(provider, 'name', id);
    providerNames[id] = name;
    const available = provider['available'] === true;
    const wrapper = document.createElement('div');
    wrapper.className = 'option';
    const input = document.createElement('input');
    input.type = 'radio';
    input.name = 'video_chat_provider';
    input.id = `provider-${id}`;
    input.value = id;
    input.checked = id === current;
    input.disabled = !available;
    const label = document.createElement('label');
    label.htmlFor = input.id;
    label.textContent = id === 'disabled' ? 'None: calls are turned off' : name;
    wrapper.append(input, label);
    if (!available) {
      const reason = document.createElement('p');
      reason.className = 'hint';
      reason.id = `provider-${id}-reason`;
      reason.textContent = `Not available: ${stringField(provider, 'reason', 'not configured on this server')}`;
      input.setAttribute('aria-describedby', reason.id);
      wrapper.append(reason);
    }
    return wrapper;
  });
  providerOptions.replaceChildren(...options);
  if (focused) providerOptions.querySelector<HTMLInputElement>(`#${CSS.escape(focused)}`)?.focus();
}

function renderJitsi(settings: Json): void {
  jitsiInput.value = stringField(settings, 'jitsi_server_url');
  const serverDefault = stringField(settings, 'server_jitsi_server_url');
  byId('jitsi-default').textContent = serverDefault ? ` (${serverDefault})` : ' (none: Jitsi is off on this server)';
}

/** Loads the providers and the organization's settings. */
export async function loadSettings(): Promise<void> {
  const [providers, settings] = await Promise.all([api('GET', '/api/v1/providers'), api('GET', `${orgPath}/settings`)]);
  renderProviders(objectList(providers, 'providers'), settings);
  renderJitsi(settings);
}

/** Wires the forms; `afterChange` reloads what a saved change affects. */
export function wireSettingsForms(afterChange: () => Promise<void>): void {
  providerForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const provider = selectedProvider();
    if (!provider) {
      showStatus(providerStatus, 'Choose a provider first.', 'error');
      return;
    }
    clearResults();
    showStatus(providerStatus, 'Saving…');
    void (async () => {
      try {
        const settings = await api('PATCH', `${orgPath}/settings`, { video_chat_provider: provider });
        const saved = stringField(settings, 'video_chat_provider');
        showStatus(
          providerStatus,
          saved === 'disabled'
            ? 'Saved: calls are turned off.'
            : `Saved: calls now use ${providerNames[saved] ?? saved}.`,
          'ok',
        );
        await afterChange();
      } catch (error) {
        showStatus(providerStatus, errorText(error), 'error');
      }
    })();
  });

  // A result about the previous choice would now describe the wrong provider.
  providerOptions.addEventListener('change', () => {
    showStatus(providerStatus, '');
    showStatus(checkResult, '');
  });

  byId('provider-check').addEventListener('click', () => {
    const provider = selectedProvider();
    clearResults();
    if (!provider || provider === 'disabled') {
      showStatus(checkResult, 'Calls are turned off: choose a provider to test its connection.', 'error');
      return;
    }
    const unsaved = provider === savedProvider ? '' : ' (not saved yet)';
    const name = `${providerNames[provider] ?? provider}${unsaved}`;
    showStatus(checkResult, `Testing the connection to ${name}…`);
    void (async () => {
      try {
        const result = await api('POST', `${orgPath}/providers/${encodeURIComponent(provider)}/check`);
        if (stringField(result, 'status') === 'ok') {
          showStatus(checkResult, `${name}: connection OK.`, 'ok');
        } else {
          const reason = checkReasonText(stringField(result, 'reason'));
          const detail = stringField(result, 'detail');
          showStatus(checkResult, `${name}: connection failed: ${reason}.${detail ? ` ${detail}` : ''}`, 'error');
        }
      } catch (error) {
        showStatus(checkResult, `${name}: ${errorText(error)}`, 'error');
      }
    })();
  });

  jitsiForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const value = jitsiInput.value.trim();
    clearResults();
    showStatus(jitsiStatus, 'Saving…');
    void (async () => {
      try {
        const settings = await api('PATCH', `${orgPath}/settings`, { jitsi_server_url: value === '' ? null : value });
        renderJitsi(settings);
        showStatus(jitsiStatus, value === '' ? "Saved: using this server's default." : 'Saved.', 'ok');
        await afterChange();
      } catch (error) {
        if (error instanceof ApiError && stringField(error.body, 'field') === 'jitsi_server_url') {
          setJitsiError(fieldErrorText('jitsi_server_url', error.message));
          showStatus(jitsiStatus, '');
          jitsiInput.focus();
        } else {
          showStatus(jitsiStatus, errorText(error), 'error');
        }
      }
    })();
  });
}
