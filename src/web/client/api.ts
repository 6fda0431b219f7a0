/** The browser side of callgate's JSON API (SPEC §2): Bearer requests and readable errors. */

/** A parsed JSON object. */
export type Json = Record<string, unknown>;

/** An API error answer, or a failure to reach the API; `msg` is meant for people. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly body: Json,
  ) {
    super(typeof body['msg'] === 'string' && body['msg'] !== '' ? body['msg'] : `Request failed (HTTP ${status})`);
    this.name = 'ApiError';
  }
}

/** Options of apiRequest. */
export interface RequestOptions {
  token?: string | null;
  body?: unknown;
}

/** Sends a JSON request; resolves with the success body, rejects with ApiError. */
export async function apiRequest(method: string, path: string, options: RequestOptions = {}): Promise<Json> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.token) headers['authorization'] = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  let response: Response;
  try {
    response = await fetch(path, { method, headers, body, credentials: 'same-origin', cache: 'no-store' });
  } catch {
    throw new ApiError(0, 'NETWORK', { msg: 'Could not reach callgate. Check your connection and try again.' });
  }
  let parsed: Json = {};
  try {
    const value: unknown = await response.json();
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) parsed = value as Json;
  } catch {
    parsed = {};
  }
  if (!response.ok || parsed['result'] !== 'success') {
    throw new ApiError(response.status, typeof parsed['code'] === 'string' ? parsed['code'] : 'UNKNOWN', parsed);
  }
  return parsed;
}

/** The message of any thrown value, for showing to a person. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A string field of a JSON object, or a fallback. */
export function stringField(body: Json, name: string, fallback = ''): string {
  const value = body[name];
  return typeof value === 'string' ? value : fallback;
}

/** A JSON object's array field, keeping only object items. */
export function objectList(body: Json, name: string): Json[] {
  const value = body[name];
  if (!Array.isArray(value)) return [];
  return value.filter((item): item is Json => item !== null && typeof item === 'object' && !Array.isArray(item));
}

/** Sets an element's text and a visual tone for a status region. */
export function showStatus(element: HTMLElement | null, text: string, tone: 'info' | 'ok' | 'error' = 'info'): void {
  if (!element) return;
  element.textContent = text;
  element.dataset['tone'] = tone;
}

/** Finds an element by id, failing loudly when the page and script disagree. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`#${id} is missing from the page`);
  return element as T;
}
