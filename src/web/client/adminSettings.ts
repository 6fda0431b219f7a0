/** The admin page's settings: provider choice, connection test and the organization's Jitsi server. */
import { ApiError, byId, errorText, objectList, showStatus, stringField, type Json } from './api.js';
import { api, orgPath, providerNames } from './adminShared.js';

const providerForm = byId<HTMLFormElement>('provider-form');
const providerOptions = byId('provider-options');
const providerStatus = byId('provider-status');
const checkResult = byId('check-result');
const jitsiForm = byId<HTMLFormElement>('jitsi-form');
const jitsiInput = byId<HTMLInputElement>('jitsi-url');
const jitsiError = byId('jitsi-error');
const jitsiStatus = byId('jitsi-status');

function selectedProvider(): string {
  return providerForm.querySelector<HTMLInputElement>('input[name="video_chat_provider"]:checked')?.value ?? '';
}

function renderProviders(providers: Json[], settings: Json): void {
  const current = stringField(settings, 'video_chat_provider');
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

  byId('provider-check').addEventListener('click', () => {
    const provider = selectedProvider();
    if (!provider || provider === 'disabled') {
      showStatus(checkResult, 'Calls are turned off: choose a provider to test its connection.', 'error');
      return;
    }
    const name = providerNames[provider] ?? provider;
    showStatus(checkResult, `Testing the connection to ${name}…`);
    void (async () => {
      try {
        const result = await api('POST', `${orgPath}/providers/${encodeURIComponent(provider)}/check`);
        if (stringField(result, 'status') === 'ok') {
          showStatus(checkResult, `${name}: connection OK.`, 'ok');
        } else {
          const reason = stringField(result, 'reason', 'unknown');
          const detail = stringField(result, 'detail');
          showStatus(checkResult, `${name}: connection failed (${reason}).${detail ? ` ${detail}` : ''}`, 'error');
        }
      } catch (error) {
        showStatus(checkResult, `${name}: ${errorText(error)}`, 'error');
      }
    })();
  });

  function setJitsiError(text: string): void {
    jitsiError.textContent = text;
    if (text) jitsiInput.setAttribute('aria-invalid', 'true');
    else jitsiInput.removeAttribute('aria-invalid');
  }

  jitsiForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const value = jitsiInput.value.trim();
    setJitsiError('');
    showStatus(jitsiStatus, 'Saving…');
    void (async () => {
      try {
        const settings = await api('PATCH', `${orgPath}/settings`, { jitsi_server_url: value === '' ? null : value });
        renderJitsi(settings);
        showStatus(jitsiStatus, value === '' ? "Saved: using this server's default." : 'Saved.', 'ok');
        await afterChange();
      } catch (error) {
        if (error instanceof ApiError && stringField(error.body, 'field') === 'jitsi_server_url') {
          setJitsiError(error.message);
          showStatus(jitsiStatus, '');
          jitsiInput.focus();
        } else {
          showStatus(jitsiStatus, errorText(error), 'error');
        }
      }
    })();
  });
}
