/**
 * `<callgate-call-button base-url="…">`: a ready call button for chat frontends, on top of
 * the client. The page sets its `getToken` property. It shows "Start video call", and
 * "Start voice call" where the organization's provider can start one; when calls are off it
 * keeps the buttons disabled with the reason (or hides itself with `hide-when-unavailable`).
 * One click starts one call; progress and errors are told in a live region.
 *
 * It dispatches `callgate-call` (detail: the call; cancelable) when a call started: a page
 * that posts the link itself calls `preventDefault()`, otherwise the element shows the link.
 * Failures also dispatch `callgate-error` (detail: `{ error }`).
 */
import { type CallCapabilities, type CallgateClient, createCallgateClient, type StartedCall } from './client.js';
import { CallgateError, CallsDisabledError, PopupBlockedError, ProviderNotConfiguredError } from './errors.js';
import { type CallButtonMessages, DEFAULT_MESSAGES } from './messages.js';
import { CALL_BUTTON_CSS } from './styles.js';

/** Where the element gets the user's identity token. */
export type TokenSource = () => string | null | undefined | Promise<string | null | undefined>;

/** The element's properties and methods. */
export interface CallButtonElement extends HTMLElement {
  /** Gives the user's identity token (SPEC §1); setting it (re)loads the capabilities. */
  getToken: TokenSource | null;
  /** The meeting's name for the next call (also the `meeting-name` attribute). */
  meetingName: string;
  /** Replaces some of the texts. */
  messages: Partial<CallButtonMessages>;
  /** The client, once `base-url` and `getToken` are set. */
  readonly client: CallgateClient | null;
  /** The last capabilities loaded; null before. */
  readonly capabilities: CallCapabilities | null;
  /** Reloads the capabilities (e.g. after the organization changed its provider). */
  refresh(): Promise<void>;
}

declare global {
  interface HTMLElementTagNameMap {
    'callgate-call-button': CallButtonElement;
  }
}

type Tone = 'info' | 'ok' | 'error';

/** Registers the element (once); the module `callgate.js` does it when imported. */
export function defineCallButton(name = 'callgate-call-button'): void {
  if (typeof customElements === 'undefined' || customElements.get(name)) return;
  customElements.define(name, createCallButtonClass());
}

function createCallButtonClass(): CustomElementConstructor {
  return class CallButton extends HTMLElement implements CallButtonElement {
    static observedAttributes = ['base-url', 'hide-when-unavailable'];
    #getToken: TokenSource | null = null;
    #meetingName: string | null = null;
    #messages: CallButtonMessages = DEFAULT_MESSAGES;
    #client: CallgateClient | null = null;
    #capabilities: CallCapabilities | null = null;
    #loaded = false;
    /** `busy` while a call starts; `denied` while it waits after a refusal (a click may start over). */
    #stage: 'idle' | 'busy' | 'denied' = 'idle';
    #loading: AbortController | null = null;
    #call: AbortController | null = null;
    readonly #group: HTMLDivElement;
    readonly #video: HTMLButtonElement;
    readonly #voice: HTMLButtonElement;
    readonly #status: HTMLParagraphElement;

    constructor() {
      super();
      const root = this.attachShadow({ mode: 'open' });
      adoptStyles(root);
      this.#group = element('div', { class: 'buttons', part: 'buttons', hidden: '' });
      this.#video = element('button', {
        type: 'button',
        id: 'video-call',
        class: 'primary',
        part: 'button video-button',
      });
      this.#voice = element('button', { type: 'button', id: 'voice-call', part: 'button voice-button' });
      this.#status = element('p', { id: 'call-status', class: 'status', part: 'status', role: 'status' });
      this.#status.setAttribute('aria-live', 'polite');
      this.#group.append(this.#video, this.#voice);
      root.append(this.#group, this.#status);
      this.#video.addEventListener('click', () => this.#start(true));
      this.#voice.addEventListener('click', () => this.#start(false));
      this.#render();
    }

    connectedCallback(): void {
      // A page may set properties before this module defined the element: take them over.
      for (const name of ['getToken', 'meetingName', 'messages'] as const) {
        if (Object.prototype.hasOwnProperty.call(this, name)) {
          const value: unknown = this[name];
          delete (this as Partial<Record<typeof name, unknown>>)[name];
          (this as Record<typeof name, unknown>)[name] = value;
        }
      }
      void this.refresh();
    }

    disconnectedCallback(): void {
      this.#loading?.abort();
      this.#call?.abort();
    }

    attributeChangedCallback(name: string, before: string | null, after: string | null): void {
      if (before === after) return;
      if (name === 'base-url') {
        this.#client = null;
        if (this.isConnected) void this.refresh();
      } else {
        this.#render();
      }
    }

    get getToken(): TokenSource | null {
      return this.#getToken;
    }
    set getToken(source: TokenSource | null) {
      this.#getToken = source;
      this.#client = null;
      if (this.isConnected) void this.refresh();
    }

    get meetingName(): string {
      return this.#meetingName ?? this.getAttribute('meeting-name') ?? '';
    }
    set meetingName(name: string) {
      this.#meetingName = name;
    }

    get messages(): Partial<CallButtonMessages> {
      return this.#messages;
    }
    set messages(texts: Partial<CallButtonMessages>) {
      this.#messages = { ...DEFAULT_MESSAGES, ...texts };
      this.#render();
    }

    get capabilities(): CallCapabilities | null {
      return this.#capabilities;
    }

    get client(): CallgateClient | null {
      const baseUrl = this.getAttribute('base-url');
      const getToken = this.#getToken;
      if (!baseUrl || !getToken) return null;
      this.#client ??= createCallgateClient({ baseUrl, getToken });
      return this.#client;
    }

    refresh(): Promise<void> {
      return this.#load({ keepStatus: false });
    }

    async #load({ keepStatus }: { keepStatus: boolean }): Promise<void> {
      this.#loading?.abort();
      const client = this.client;
      if (!client) {
        // Signed out (or not configured yet): nothing to offer, nothing to say.
        this.#call?.abort();
        this.#capabilities = null;
        this.#loaded = false;
        this.#say('', 'info');
        this.#render();
        return;
      }
      const loading = new AbortController();
      this.#loading = loading;
      try {
        this.#capabilities = await client.capabilities({ signal: loading.signal });
        if (this.#stage === 'idle' && !keepStatus) this.#say(this.#capabilities.reason ?? '', 'info');
      } catch (error) {
        if (loading.signal.aborted) return;
        // Buttons stay usable: starting a call reports the same problem, or works by then.
        this.#capabilities = null;
        if (this.#stage === 'idle' && !keepStatus) this.#say(textOf(error), 'error');
      }
      this.#loaded = true;
      this.#render();
    }

    #render(): void {
      const capabilities = this.#capabilities;
      const unavailable = capabilities !== null && !capabilities.canCall;
      if (this.hasAttribute('hide-when-unavailable')) this.hidden = unavailable;
      this.#group.hidden = !this.#loaded;
      const busy = this.#stage === 'busy';
      this.#group.setAttribute('aria-busy', String(busy));
      this.#video.textContent = this.#messages.video;
      this.#voice.textContent = this.#messages.voice;
      this.#voice.hidden = !(capabilities?.canVoiceCall ?? false);
      for (const button of [this.#video, this.#voice]) {
        // aria-disabled, not disabled: the button keeps focus while the call is under way.
        if (busy || unavailable) button.setAttribute('aria-disabled', 'true');
        else button.removeAttribute('aria-disabled');
        if (unavailable) button.setAttribute('aria-describedby', 'call-status');
        else button.removeAttribute('aria-describedby');
      }
    }

    #say(text: string, tone: Tone, link?: { text: string; href: string; onClick: () => void }): void {
      this.#status.replaceChildren(text);
      this.#status.dataset['tone'] = tone;
      if (!link) return;
      const anchor = element('a', { href: link.href, part: 'link', target: '_blank', rel: 'noopener noreferrer' });
      anchor.textContent = link.text;
      anchor.addEventListener('click', (event) => {
        event.preventDefault();
        link.onClick();
      });
      this.#status.append(anchor);
    }

    #start(isVideoCall: boolean): void {
      const client = this.client;
      const unavailable = this.#capabilities !== null && !this.#capabilities.canCall;
      // One click, one call: further clicks are ignored until this one ends, except that a
      // call waiting after a refusal gives way to a new one ("start the call again").
      if (this.#stage === 'busy' || !client || unavailable) return;
      this.#call?.abort();
      const controller = new AbortController();
      this.#call = controller;
      this.#stage = 'busy';
      this.#render();
      this.#say(this.#messages.starting(isVideoCall), 'info');
      // Called synchronously, inside the click: the client may need to open a popup now.
      const started = client.startCall({
        isVideoCall,
        meetingName: this.meetingName.trim(),
        signal: controller.signal,
        onProgress: (progress) => {
          if (progress.stage === 'authorizing') {
            this.#say(this.#messages.authorizing(progress.providerName), 'info');
            return;
          }
          this.#stage = 'denied';
          this.#render();
          this.#say(this.#messages.denied(progress.providerName), 'error');
        },
      });
      const current = (): boolean => this.#call === controller;
      started
        .then((call) => {
          if (current()) this.#started(client, call);
        })
        .catch((error: unknown) => {
          if (current()) this.#failed(error, isVideoCall, controller.signal);
        })
        .finally(() => {
          if (!current()) return;
          this.#stage = 'idle';
          this.#call = null;
          this.#render();
        });
    }

    #started(client: CallgateClient, call: StartedCall): void {
      const event = new CustomEvent<StartedCall>('callgate-call', {
        detail: call,
        bubbles: true,
        composed: true,
        cancelable: true,
      });
      if (!this.dispatchEvent(event)) {
        this.#say(this.#messages.posted(call), 'ok');
        return;
      }
      this.#say(this.#messages.ready(call), 'ok', {
        text: this.#messages.link(call),
        href: call.url,
        onClick: () => {
          void client.openLink(call.url).then((opened) => {
            if (!opened) this.#say(this.#messages.tabBlocked, 'error');
          });
        },
      });
    }

    #failed(error: unknown, isVideoCall: boolean, signal: AbortSignal): void {
      if (signal.aborted) {
        this.#say('', 'info');
        return;
      }
      this.dispatchEvent(new CustomEvent('callgate-error', { detail: { error }, bubbles: true, composed: true }));
      if (error instanceof PopupBlockedError) {
        this.#say(`${error.message} `, 'error', {
          text: this.#messages.connect(error.providerName),
          href: error.authorizeUrl,
          // A click is a new user gesture: the client now opens the popup before any request.
          onClick: () => this.#start(isVideoCall),
        });
        return;
      }
      this.#say(textOf(error), 'error');
      // The organization's settings changed since they were loaded: show the new state,
      // keeping the error, which says why.
      if (error instanceof CallsDisabledError || error instanceof ProviderNotConfiguredError) {
        void this.#load({ keepStatus: true });
      }
    }
  };
}

function textOf(error: unknown): string {
  if (error instanceof CallgateError) return error.message;
  return error instanceof Error ? error.message : String(error);
}

function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string>,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  return node;
}

/**
 * A constructed style sheet where supported: unlike a `<style>` element, it is not inline
 * style, so pages with a strict Content-Security-Policy need no exception for it.
 */
function adoptStyles(root: ShadowRoot): void {
  if ('adoptedStyleSheets' in root && typeof CSSStyleSheet === 'function' && 'replaceSync' in CSSStyleSheet.prototype) {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(CALL_BUTTON_CSS);
    root.adoptedStyleSheets = [sheet];
    return;
  }
  const style = document.createElement('style');
  style.textContent = CALL_BUTTON_CSS;
  root.append(style);
}
