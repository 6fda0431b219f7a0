/**
 * The provider authorization popup (SPEC §5), seen from the page that opened it. callgate's
 * last popup page reports `{"type":"<provider id>_token","value":bool}` on the
 * BroadcastChannel "callgate" (reaches pages of callgate's own origin) and by `postMessage`
 * to HOST_ORIGIN (reaches a frontend on another origin). A success closes the popup; a
 * refusal leaves it open with a retry link, so a later success still counts.
 */

/** The part of a popup window the client uses (a real `Window` fits). */
export interface PopupWindow {
  readonly closed: boolean;
  close(): void;
  location: { href: string };
  opener: unknown;
}

/** A message as the page receives it. */
export interface ReceivedMessage {
  origin: string;
  data: unknown;
}

/** The part of `window` the client uses; tests pass a fake. */
export interface BrowserWindow {
  open(url: string, target: string, features?: string): PopupWindow | null;
  addEventListener(type: 'message', listener: (event: ReceivedMessage) => void): void;
  removeEventListener(type: 'message', listener: (event: ReceivedMessage) => void): void;
  setInterval(handler: () => void, ms: number): number;
  clearInterval(id: number): void;
}

/** A BroadcastChannel, reduced to what the client uses. */
export interface MessageChannelLike {
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  close(): void;
}

/** How an authorization ended. */
export type AuthorizationOutcome =
  /** The popup reported success. */
  | { kind: 'granted' }
  /** The popup was closed without reporting success; `denied` when it had reported a refusal. */
  | { kind: 'closed'; denied: boolean };

/** How often a popup is checked for having been closed: a closed popup is noticed within this. */
export const CLOSED_POLL_MS = 400;

/** Options of waitForAuthorization. */
export interface WaitOptions {
  window: BrowserWindow;
  popup: PopupWindow;
  /** The provider id: the message type is `<id>_token`; empty accepts any `*_token`. */
  provider: string;
  /** callgate's origin: only its messages count. */
  origin: string;
  openChannel: (() => MessageChannelLike) | null;
  signal?: AbortSignal | undefined;
  /** Called when the popup reports a refusal; it stays open for a retry. */
  onDenied?: () => void;
}

/** Waits for the popup's report, its closing, or the signal's abort (which closes it). */
export function waitForAuthorization(options: WaitOptions): Promise<AuthorizationOutcome> {
  return new Promise((resolve, reject) => {
    let denied = false;
    let channel: MessageChannelLike | null = null;
    const finish = (outcome: AuthorizationOutcome | { kind: 'aborted' }): void => {
      options.window.removeEventListener('message', onWindowMessage);
      options.window.clearInterval(timer);
      options.signal?.removeEventListener('abort', onAbort);
      channel?.close();
      if (outcome.kind === 'aborted') {
        if (!options.popup.closed) options.popup.close();
        reject(options.signal?.reason ?? new DOMException('The call was cancelled.', 'AbortError'));
      } else {
        resolve(outcome);
      }
    };
    const onReport = (data: unknown): void => {
      const value = reportValue(data, options.provider);
      if (value === true) finish({ kind: 'granted' });
      else if (value === false && !denied) {
        denied = true;
        options.onDenied?.();
      }
    };
    const onWindowMessage = (event: ReceivedMessage): void => {
      if (event.origin === options.origin) onReport(event.data);
    };
    const onAbort = (): void => finish({ kind: 'aborted' });
    options.window.addEventListener('message', onWindowMessage);
    options.signal?.addEventListener('abort', onAbort);
    const timer = options.window.setInterval(() => {
      if (options.popup.closed) finish({ kind: 'closed', denied });
    }, CLOSED_POLL_MS);
    if (options.openChannel) {
      try {
        channel = options.openChannel();
        channel.addEventListener('message', (event) => onReport(event.data));
      } catch {
        channel = null;
      }
    }
    if (options.signal?.aborted) onAbort();
  });
}

/** The `value` of a popup report for `provider`, or null when `data` is none. */
export function reportValue(data: unknown, provider: string): boolean | null {
  if (data === null || typeof data !== 'object') return null;
  const type = (data as Record<string, unknown>)['type'];
  const value = (data as Record<string, unknown>)['value'];
  if (typeof type !== 'string' || typeof value !== 'boolean') return null;
  const matches = provider ? type === `${provider}_token` : /^[a-z0-9_]+_token$/.test(type);
  return matches ? value : null;
}
