/** The admin page's audit log: the latest settings changes, newest first. */
import { byId, errorText, objectList, stringField, type Json } from './api.js';
import { api, cell, headerRow, orgPath, paragraph, providerNames, scrollBox } from './adminShared.js';
import { describeChange } from './words.js';

function describeChanges(changes: unknown): string {
  if (changes === null || typeof changes !== 'object') return '';
  return Object.entries(changes as Record<string, unknown>)
    .map(([field, change]) => {
      const { from, to } = (change ?? {}) as { from?: unknown; to?: unknown };
      return describeChange(field, from, to, providerNames);
    })
    .join('; ');
}

/** Loads and shows the audit log. */
export async function loadAudit(): Promise<void> {
  const container = byId('audit');
  try {
    const entries = objectList(await api('GET', `${orgPath}/audit-log?limit=20`), 'entries');
    if (entries.length === 0) {
      container.replaceChildren(paragraph('No settings changes yet.'));
      return;
    }
    const table = document.createElement('table');
    table.createCaption().textContent = 'The latest settings changes, newest first';
    headerRow(table, ['When (UTC)', 'Who', 'Change']);
    const body = table.createTBody();
    for (const entry of entries) {
      const row = body.insertRow();
      // Date and time on lines of their own, each kept whole.
      const when = stringField(entry, 'created_at').slice(0, 19).split('T');
      const header = cell(row, when[0] ?? '', true);
      if (when[1]) header.append(document.createElement('br'), when[1]);
      const actor = (entry['actor'] ?? {}) as Json;
      cell(row, `${stringField(actor, 'name')} (${stringField(actor, 'user_id')})`);
      cell(row, describeChanges(entry['changes'])).className = 'long-text';
    }
    container.replaceChildren(scrollBox(table));
  } catch (error) {
    container.replaceChildren(paragraph(`Could not load the audit log: ${errorText(error)}`));
  }
}
