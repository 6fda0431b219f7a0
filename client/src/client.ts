/**
 * `createCallgateClient`: what a chat frontend needs from callgate (SPEC §3–§5) — whether to
 * show call buttons, starting a call, the provider authorization popup, and one-time tickets
 * for callgate links when the frontend is on another site (SPEC §1).
 */
import {
  AuthorizationDeniedError,
  AuthorizationPopupClosedError,
  AuthorizationRequiredError,
  PopupBlockedError,
} from './errors.js';
import { type BrowserWindow, type MessageChannelLike, type PopupWindow, waitForAuthorization } from './popup.js';
import { createTransport, type Transport } from './transport.js';

/** A video call provider as `GET /api/v1/providers` describes it. */
export interface ProviderInfo {
  id: string;
  name: string;
  available: boolean;
  /** Why it is not available, when it is not. */
  reason: string | null;
  /** Whether it can start a call with cameras off (a voice call). */
  voice: boolean;
  /** Whether each user authorizes it once in a popup (SPEC §5). */
  requiresUserAuthorization: boolean;
}

/** What the caller's organization offers, for deciding which buttons to show. */
export interface CallCapabilities {
  org: string;
  /** The organization's provider; null when calls are turned off. */
  provider: ProviderInfo | null;
  /** Whether a call can be started at all. */
  canCall: boolean;
  /** Whether to offer a voice call. */
  canVoiceCall: boolean;
  /** Why no call can be started, in words; null when one can. */
  reason: string | null;
  /** Whether the first call will ask the user to connect their account in a popup. */
  needsAuthorization: boolean;
}

/** A started call. */
export interface StartedCall {
  provider: string;
  url: string;
  isVideoCall: boolean;
}

/** What startCall reports while it waits for the user. */
export type CallProgress =
  | { stage: 'authorizing'; provider: string; providerName: string }
  | { stage: 'denied'; provider: string; providerName: string };

/** Options of startCall. */
export interface StartCallOptions {
  /** Default true. */
  isVideoCall?: boolean;
  /** 1–200 characters; callgate names the meeting after the user otherwise. */
  meetingName?: string;
  /** Cancels the call: requests stop and an open authorization popup closes. */
  signal?: AbortSignal;
  onProgress?: (progress: CallProgress) => void;
}

/** Options of createCallgateClient. */
export interface CallgateClientOptions {
  /** callgate's address, e.g. `https://callgate.example.com`. */
  baseUrl: string;
  /** The user's identity token (SPEC §1), fetched from the chat server; may be async. */
  getToken: () => string | null | undefined | Promise<string | null | undefined>;
  /** Defaults to the global fetch. */
  fetch?: typeof fetch;
  /** Defaults to the global window. */
  window?: BrowserWindow;
  /** Opens the BroadcastChannel "callgate"; defaults to the browser's, null for none. */
  openChannel?: (() => MessageChannelLike) | null;
}

/** The client. */
export interface CallgateClient {
  readonly baseUrl: string;
  /**
   * Starts a call. Call it directly in the click handler: when an authorization is known to
   * be needed, the popup is opened before anything is awaited, so popup blockers allow it.
   */
  startCall(options?: StartCallOptions): Promise<StartedCall>;
  /** Every provider, as `GET /api/v1/providers` lists them for the caller's organization. */
  providers(options?: { signal?: AbortSignal }): Promise<ProviderInfo[]>;
  /** What the caller's organization offers (remembered, so startCall can open popups in time). */
  capabilities(options?: { signal?: AbortSignal }): Promise<CallCapabilities>;
  /** A callgate `/calls/` URL with a fresh one-time ticket added; any other URL unchanged. */
  withTicket(url: string, options?: { signal?: AbortSignal }): Promise<string>;
  /**
   * Opens a join link in a new tab, without `window.opener`. Call it in the click handler;
   * callgate links get a ticket first. Resolves false when the browser blocked the tab.
   */
  openLink(url: string): Promise<boolean>;
}

/** A new window each time: a closing one is never reused for the next authorization. */
const POPUP_NAME = '_blank';
const POPUP_FEATURES = 'popup,width=640,height=720';
/** Names for the message texts when the provider list was not loaded. */
const FALLBACK_NAMES: Record<string, string> = {
  zoom: 'Zoom',
  webex: 'Webex',
  google_meet: 'Google Meet',
  microsoft_teams: 'Microsoft Teams',
};

/** Creates a client for one callgate server and one signed-in user. */
export function createCallgateClient(options: CallgateClientOptions): CallgateClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const origin = new URL(baseUrl).origin;
  const win = options.window ?? (globalThis.window as unknown as BrowserWindow);
  const openChannel =
    options.openChannel !== undefined
      ? options.openChannel
      : typeof BroadcastChannel === 'function'
        ? () => new BroadcastChannel('callgate')
        : null;
  const transport: Transport = createTransport({
    baseUrl,
    getToken: options.getToken,
    fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
  });
  let knownProviders: ProviderInfo[] = [];
  /** The provider the user must authorize before calling, as last learnt; null when none. */
  let mustAuthorize: string | null = null;

  const nameOf = (provider: string): string =>
    knownProviders.find((known) => known.id === provider)?.name ?? FALLBACK_NAMES[provider] ?? provider;

  const openPopup = (): PopupWindow | null => {
    const popup = win.open('', POPUP_NAME, POPUP_FEATURES);
    // Some blockers hand back a window that is already closed.
    return popup && !popup.closed ? popup : null;
  };

  const isCallgatePage = (url: string): boolean => {
    try {
      const parsed = new URL(url);
      return parsed.origin === origin && parsed.pathname.startsWith('/calls/');
    } catch {
      return false;
    }
  };

  const withTicket = async (url: string, signal?: AbortSignal): Promise<string> => {
    if (!isCallgatePage(url)) return url;
    const answer = await transport.request('POST', '/api/v1/session/ticket', { signal });
    const ticket = typeof answer['ticket'] === 'string' ? answer['ticket'] : '';
    // Appended as text: the rest of the URL keeps its exact spelling (signed links).
    const hash = url.indexOf('#');
    const [head, tail] = hash < 0 ? [url, ''] : [url.slice(0, hash), url.slice(hash)];
    return `${head}${head.includes('?') ? '&' : '?'}ticket=${encodeURIComponent(ticket)}${tail}`;
  };

  const createCall = async (body: Record<string, unknown>, signal?: AbortSignal): Promise<StartedCall> => {
    const answer = await transport.request('POST', '/api/v1/calls', { body, signal });
    const call = {
      provider: typeof answer['provider'] === 'string' ? answer['provider'] : '',
      url: typeof answer['url'] === 'string' ? answer['url'] : '',
      isVideoCall:
        typeof answer['is_video_call'] === 'boolean' ? answer['is_video_call'] : body['is_video_call'] !== false,
    };
    if (mustAuthorize === call.provider) mustAuthorize = null;
    return call;
  };

  /** Runs the popup for `required`, then starts the call; the popup may already be open. */
  const authorizeThenCall = async (
    required: AuthorizationRequiredError,
    popup: PopupWindow | null,
    body: Record<string, unknown>,
    options: StartCallOptions,
  ): Promise<StartedCall> => {
    const provider = required.provider || mustAuthorize || providerOfUrl(required.authorizeUrl);
    const providerName = nameOf(provider);
    mustAuthorize = provider;
    // Opening here, after a request, is allowed by browsers that keep the click's activation for a while.
    const window = popup ?? openPopup();
    if (!window) {
      const manual = await withTicket(required.authorizeUrl, options.signal).catch(() => required.authorizeUrl);
      throw new PopupBlockedError(provider, providerName, manual);
    }
    try {
      window.location.href = await withTicket(required.authorizeUrl, options.signal);
    } catch (error) {
      window.close();
      throw error;
    }
    options.onProgress?.({ stage: 'authorizing', provider, providerName });
    const outcome = await waitForAuthorization({
      window: win,
      popup: window,
      provider,
      // The popup's last page is callgate's, at PUBLIC_URL: where authorize_url points.
      origin: originOf(required.authorizeUrl) ?? origin,
      openChannel,
      signal: options.signal,
      onDenied: () => options.onProgress?.({ stage: 'denied', provider, providerName }),
    });
    try {
      return await createCall(body, options.signal);
    } catch (error) {
      // Closed without a report, yet the retry shows whether it finished before the close.
      if (outcome.kind === 'closed' && error instanceof AuthorizationRequiredError) {
        throw outcome.denied
          ? new AuthorizationDeniedError(provider, providerName)
          : new AuthorizationPopupClosedError(provider, providerName);
      }
      throw error;
    }
  };

  const client: CallgateClient = {
    baseUrl,
    async startCall(options = {}) {
      options.signal?.throwIfAborted();
      const body: Record<string, unknown> = { is_video_call: options.isVideoCall ?? true };
      if (options.meetingName) body['meeting_name'] = options.meetingName;
      // Synchronous up to here: a popup opened now is inside the click.
      let popup = mustAuthorize !== null ? openPopup() : null;
      try {
        const call = await createCall(body, options.signal);
        popup?.close();
        popup = null;
        return call;
      } catch (error) {
        if (!(error instanceof AuthorizationRequiredError)) {
          popup?.close();
          throw error;
        }
        return authorizeThenCall(error, popup, body, options);
      }
    },

    async providers(options = {}) {
      const answer = await transport.request('GET', '/api/v1/providers', { signal: options.signal });
      const list = Array.isArray(answer['providers']) ? (answer['providers'] as unknown[]) : [];
      knownProviders = list.flatMap((item) => {
        const provider = parseProvider(item);
        return provider ? [provider] : [];
      });
      return knownProviders;
    },

    async capabilities(options = {}) {
      const me = await transport.request('GET', '/api/v1/me', { signal: options.signal });
      const org = typeof me['org'] === 'string' ? me['org'] : '';
      const [settings, providers] = await Promise.all([
        transport.request('GET', `/api/v1/orgs/${encodeURIComponent(org)}/settings`, { signal: options.signal }),
        client.providers(options),
      ]);
      const id = typeof settings['video_chat_provider'] === 'string' ? settings['video_chat_provider'] : 'disabled';
      const provider = id === 'disabled' ? null : (providers.find((known) => known.id === id) ?? null);
      const connected = connectionOf(me, id);
      const needsAuthorization = provider?.requiresUserAuthorization === true && connected !== true;
      mustAuthorize = needsAuthorization ? id : mustAuthorize === id ? null : mustAuthorize;
      const reason =
        provider === null
          ? 'Calls are turned off for this organization.'
          : provider.available
            ? null
            : `${provider.name} is not set up on this server${provider.reason ? `: ${provider.reason}` : '.'}`;
      return {
        org,
        provider,
        canCall: reason === null,
        canVoiceCall: reason === null && provider?.voice === true,
        reason,
        needsAuthorization,
      };
    },

    withTicket: (url, options = {}) => withTicket(url, options.signal),

    async openLink(url) {
      // Opened blank inside the click, then sent on: the ticket request cannot trip the blocker.
      const tab = win.open('', '_blank');
      if (!tab) return false;
      tab.opener = null;
      try {
        tab.location.href = await withTicket(url);
      } catch {
        // Without a ticket the link still works where the session cookie is set.
        tab.location.href = url;
      }
      return true;
    },
  };
  return client;
}

function parseProvider(item: unknown): ProviderInfo | null {
  if (item === null || typeof item !== 'object') return null;
  const record = item as Record<string, unknown>;
  if (typeof record['id'] !== 'string') return null;
  const capabilities = (record['capabilities'] ?? {}) as Record<string, unknown>;
  return {
    id: record['id'],
    name: typeof record['name'] === 'string' ? record['name'] : record['id'],
    available: record['available'] === true,
    reason: typeof record['reason'] === 'string' ? record['reason'] : null,
    voice: capabilities['voice_only'] === true,
    requiresUserAuthorization: capabilities['requires_user_authorization'] === true,
  };
}

/** `connections.<provider>.connected` of `GET /api/v1/me`; null when not listed. */
function connectionOf(me: Record<string, unknown>, provider: string): boolean | null {
  const connections = me['connections'];
  if (connections === null || typeof connections !== 'object') return null;
  const entry = (connections as Record<string, unknown>)[provider];
  if (entry === null || typeof entry !== 'object') return null;
  const connected = (entry as Record<string, unknown>)['connected'];
  return typeof connected === 'boolean' ? connected : null;
}

/** `zoom` of `…/calls/zoom/register`: the provider when callgate's answer did not name it. */
function providerOfUrl(url: string): string {
  return /\/calls\/([a-z0-9_]+)\/register/.exec(url)?.[1] ?? '';
}

function originOf(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}
