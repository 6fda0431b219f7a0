/** What the admin page's parts share: who is signed in, the API with their token, provider names, table helpers. */
import { apiRequest, type Json } from './api.js';

function meta(name: string): string {
  return document.querySelector<HTMLMetaElement>(`meta[name="${name}"]`)?.content ?? '';
}

const token = meta('callgate-token');
const org = meta('callgate-org');
const role = meta('callgate-role');

/** Whether the caller may change settings (admins and owners); members get a read-only view. */
export const isAdmin = role === 'admin' || role === 'owner';
/** The API path of the caller's organization. */
export const orgPath = `/api/v1/orgs/${encodeURIComponent(org)}`;

/** Provider names by id, for messages and the chart. */
export const providerNames: Record<string, string> = { disabled: 'None' };

/** Calls the API with the page token the server embeds in `<meta name="callgate-token">` (this page's calls only). */
export const api = (method: string, path: string, body?: unknown): Promise<Json> =>
  apiRequest(method, path, { token, ...(body === undefined ? {} : { body }) });

/** Adds a cell (a row header when `header`). */
export function cell(row: HTMLTableRowElement, text: string, header = false): void {
  const element = document.createElement(header ? 'th' : 'td');
  if (header) element.scope = 'row';
  element.textContent = text;
  row.append(element);
}

/** Adds the column headers. */
export function headerRow(table: HTMLTableElement, labels: string[]): void {
  const head = table.createTHead().insertRow();
  for (const label of labels) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = label;
    head.append(th);
  }
}

/** A paragraph of text. */
export function paragraph(text: string): HTMLParagraphElement {
  const p = document.createElement('p');
  p.textContent = text;
  return p;
}
