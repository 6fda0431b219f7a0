/** The admin page's audit log: the latest settings changes, newest first. */
import { byId, errorText, objectList, stringField, type Json } from './api.js';
import { api, cell, headerRow, orgPath, paragraph } from './adminShared.js';

function describeChanges(changes: unknown): string {
  if (changes === null || typeof changes !== 'object') return '';
  return Object.entries(changes as Record<string, unknown>)
    .map(([field, change]) => {
      const { from, to } = (change ?? {}) as { from?: unknown; to?: unknown };
      const show = (value: unknown): string => (value === null || value === undefined ? 'default' : String(value));
      return `${field}: ${show(from)} → ${show(to)}`;
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
      cell(row, stringField(entry, 'created_at').replace('T', ' ').slice(0, 19), true);
      const actor = (entry['actor'] ?? {}) as Json;
      cell(row, `${stringField(actor, 'name')} (${stringField(actor, 'user_id')})`);
      cell(row, describeChanges(entry['changes']));
    }
    container.replaceChildren(table);
  } catch (error) {
    container.replaceChildren(paragraph(`Could not load the audit log: ${errorText(error)}`));
  }
}
