/**
 * Turning an owner's credentials body into a complete, validated set (SPEC §10): secrets
 * left out are taken from the stored set when the rest names the same account (forms
 * cannot prefill secrets), URLs are checked against the address policy (SPEC §9), and every
 * failure is a 400 naming the field. Pure: no storage, no network.
 */
import { createHash } from 'node:crypto';
import type { z } from 'zod';
import { badRequest } from '../errors.js';
import type { OrgCredentialsSpec } from '../providers/module.js';

/** Why an organization-set URL may not be used, in words for the admin; null when it may. */
export type AddressRefusal = (url: string) => string | null;

/** A failed parse, as a 400 naming the first offending field. */
function issueToError(error: z.ZodError): Error {
  const issue = error.issues[0];
  const field = issue?.path.map(String).join('.') || 'body';
  return badRequest(field, issue?.message ?? 'invalid');
}

/**
 * The complete set a body asks for. `stored` is the organization's current set, or null.
 * A secret field that is absent (or empty) is kept from `stored` only when the parsed
 * account fields equal the stored ones; otherwise it is required (a new account needs every field).
 */
export function resolveCredentials(
  spec: OrgCredentialsSpec,
  body: Readonly<Record<string, unknown>>,
  stored: Readonly<Record<string, string>> | null,
  addressRefusal: AddressRefusal,
): Record<string, string> {
  const given: Record<string, unknown> = {};
  const omitted: string[] = [];
  for (const [name, value] of Object.entries(body)) {
    if (spec.secretFields.includes(name) && (value === '' || value === null)) continue;
    given[name] = value;
  }
  for (const name of spec.secretFields) if (!(name in given)) omitted.push(name);
  const kept: Record<string, string> = {};
  if (stored) for (const name of omitted) if (stored[name] !== undefined) kept[name] = stored[name];
  const parsed = spec.schema.safeParse({ ...given, ...kept });
  if (!parsed.success) {
    // A secret the schema misses was left out: say it is needed, rather than "expected string".
    const missing = parsed.error.issues.find((issue) => omitted.includes(String(issue.path[0])));
    if (missing) throw badRequest(String(missing.path[0]), 'required for a new account');
    throw issueToError(parsed.error);
  }
  const fields = parsed.data;
  const keptNames = Object.keys(kept).filter((name) => fields[name] !== undefined);
  if (keptNames.length > 0 && stored) {
    const changed = spec.accountFields.find((name) => (fields[name] ?? null) !== (stored[name] ?? null));
    if (changed !== undefined) {
      throw badRequest(keptNames[0] ?? 'body', `required for a new account (${changed} changed)`);
    }
  }
  for (const name of spec.addressFields ?? []) {
    const url = fields[name];
    if (url === undefined) continue;
    const refusal = addressRefusal(url);
    if (refusal !== null) throw badRequest(name, refusal);
  }
  return fields;
}

/** The non-secret fields of a set, as `GET` answers them. */
export function publicFields(
  spec: OrgCredentialsSpec,
  fields: Readonly<Record<string, string>>,
): Record<string, string> {
  return Object.fromEntries(Object.entries(fields).filter(([name]) => !spec.secretFields.includes(name)));
}

/**
 * What an audit entry records of a change: non-secret fields with their values, secret
 * fields only as `set` / `replaced` / `kept`, never a value.
 */
export function auditChanges(
  spec: OrgCredentialsSpec,
  before: Readonly<Record<string, string>> | null,
  after: Readonly<Record<string, string>>,
): Record<string, { from: unknown; to: unknown }> {
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  const names = new Set([...Object.keys(before ?? {}), ...Object.keys(after)]);
  for (const name of names) {
    const from = before?.[name] ?? null;
    const to = after[name] ?? null;
    if (from === to) continue;
    const key = `${spec.providerId}.${name}`;
    if (spec.secretFields.includes(name)) {
      changes[key] = { from: from === null ? 'not set' : 'set', to: to === null ? 'not set' : 'replaced' };
    } else {
      changes[key] = { from, to };
    }
  }
  if (Object.keys(changes).length === 0)
    changes[spec.providerId] = { from: 'own credentials', to: 'own credentials (unchanged)' };
  return changes;
}

/**
 * A fingerprint of one organization's set: the key of per-credential caches (account
 * tokens, clients), so a change of any field, secret or not, starts a fresh cache entry.
 */
export function credentialFingerprint(org: string, provider: string, fields: Readonly<Record<string, string>>): string {
  const sorted = Object.keys(fields)
    .sort()
    .map((name) => [name, fields[name]]);
  return createHash('sha256')
    .update(JSON.stringify([org, provider, sorted]))
    .digest('base64url');
}
