/**
 * Fakes for the client's unit tests: a fetch that answers like callgate from a table of
 * handlers (unmatched requests fail loudly), and windows, popups and a BroadcastChannel
 * that tests drive by hand.
 */
import type { BrowserWindow, MessageChannelLike, PopupWindow, ReceivedMessage } from '../src/popup.js';

/** callgate's address in the tests. */
export const BASE = 'https://callgate.test';

/** One request the fake fetch received. */
export interface SeenRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: unknown;
  credentials: RequestCredentials | undefined;
}

/** An answer of a handler: status, JSON body (or raw text) and headers. */
export interface FakeAnswer {
  status?: number;
  body?: unknown;
  text?: string;
  headers?: Record<string, string>;
}

/** A handler per `METHOD /path`; a list is answered in order, one item per request. */
export type Routes = Record<string, FakeAnswer | FakeAnswer[] | ((request: SeenRequest) => FakeAnswer)>;

/** A success body of callgate. */
export function ok(fields: Record<string, unknown> = {}): FakeAnswer {
  return { status: 200, body: { result: 'success', msg: '', ...fields } };
}

/** An error body of callgate. */
export function fail(status: number, code: string, msg: string, fields: Record<string, unknown> = {}): FakeAnswer {
  return { status, body: { result: 'error', msg, code, ...fields } };
}

/** A fake fetch and what it saw. */
export function fakeFetch(routes: Routes): { fetch: typeof fetch; seen: SeenRequest[] } {
  const seen: SeenRequest[] = [];
  const fetchImpl = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const url = new URL(String(input));
    if (url.origin !== BASE) throw new Error(`unexpected origin ${url.origin}`);
    init.signal?.throwIfAborted();
    const request: SeenRequest = {
      method: init.method ?? 'GET',
      path: `${url.pathname}${url.search}`,
      headers: { ...(init.headers as Record<string, string>) },
      body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined,
      credentials: init.credentials,
    };
    seen.push(request);
    const route = routes[`${request.method} ${url.pathname}`];
    if (route === undefined) throw new Error(`no fake route for ${request.method} ${url.pathname}`);
    const answer = typeof route === 'function' ? route(request) : Array.isArray(route) ? route.shift() : route;
    if (!answer) throw new Error(`no more fake answers for ${request.method} ${url.pathname}`);
    const text = answer.text ?? JSON.stringify(answer.body ?? {});
    return new Response(text, { status: answer.status ?? 200, headers: answer.headers ?? {} });
  };
  return { fetch: fetchImpl as typeof fetch, seen };
}

/** A popup the test closes or inspects. */
export class FakePopup implements PopupWindow {
  closed = false;
  opener: unknown = 'the opener';
  /** Every address it was sent to, in order. */
  readonly visited: string[] = [];
  readonly location: { href: string };
  constructor(url: string) {
    const visited = this.visited;
    let href = url;
    this.location = {
      get href() {
        return href;
      },
      set href(next: string) {
        href = next;
        visited.push(next);
      },
    };
  }
  close(): void {
    this.closed = true;
  }
}

/** A window whose popups are fakes; `blockPopups` makes `open` answer null like a blocker. */
export class FakeWindow implements BrowserWindow {
  blockPopups = false;
  readonly opened: Array<{ url: string; target: string; features: string | undefined; popup: FakePopup }> = [];
  readonly #listeners = new Set<(event: ReceivedMessage) => void>();

  open(url: string, target: string, features?: string): FakePopup | null {
    if (this.blockPopups) return null;
    const popup = new FakePopup(url);
    this.opened.push({ url, target, features, popup });
    return popup;
  }
  addEventListener(_type: 'message', listener: (event: ReceivedMessage) => void): void {
    this.#listeners.add(listener);
  }
  removeEventListener(_type: 'message', listener: (event: ReceivedMessage) => void): void {
    this.#listeners.delete(listener);
  }
  setInterval(handler: () => void, ms: number): number {
    return setInterval(handler, ms) as unknown as number;
  }
  clearInterval(id: number): void {
    clearInterval(id);
  }
  /** Delivers a `message` event as postMessage from `origin` would. */
  post(origin: string, data: unknown): void {
    for (const listener of [...this.#listeners]) listener({ origin, data });
  }
  /** How many message listeners are registered (0 once a wait is over). */
  get listenerCount(): number {
    return this.#listeners.size;
  }
}

/** A BroadcastChannel stand-in shared by every "page" of one test. */
export class FakeChannels {
  readonly #open = new Set<(event: { data: unknown }) => void>();
  /** Opens a channel, as `new BroadcastChannel("callgate")` does. */
  readonly open = (): MessageChannelLike => {
    const listeners: Array<(event: { data: unknown }) => void> = [];
    const open = this.#open;
    return {
      addEventListener(_type, listener) {
        listeners.push(listener);
        open.add(listener);
      },
      close() {
        for (const listener of listeners) open.delete(listener);
      },
    };
  };
  /** Broadcasts like callgate's popup page. */
  post(data: unknown): void {
    for (const listener of [...this.#open]) listener({ data });
  }
  /** How many listeners are open. */
  get openCount(): number {
    return this.#open.size;
  }
}
