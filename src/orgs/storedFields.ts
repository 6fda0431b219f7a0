/**
 * TEMPORARY (R1, issue 13): maps the modules' org fields to the release's org-settings
 * record, which has one column for them. R2's store keeps them as a string map by name;
 * this file goes away when that lands.
 */
import type { OrgSettingsRecord } from '../store/types.js';

const COLUMN_FIELD = 'jitsi_server_url';

/** The fields kept in a stored record. */
export function fieldsFromRecord(record: OrgSettingsRecord): Record<string, string | null> {
  return { [COLUMN_FIELD]: record.jitsiServerUrl };
}

/** The record columns of some fields. */
export function recordFields(fields: Record<string, string | null>): Pick<OrgSettingsRecord, 'jitsiServerUrl'> {
  return { jitsiServerUrl: fields[COLUMN_FIELD] ?? null };
}
