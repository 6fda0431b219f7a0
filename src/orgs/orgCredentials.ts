/**
 * Organizations' own provider credentials (SPEC §10), provider-agnostic: each provider
 * module declares its fields (`OrgCredentialsSpec`); this service validates, seals, audits
 * and loads them. Sealed with the token cipher under associated data binding organization
 * and provider, so a row copied to another organization (or provider) does not decrypt.
 * Loaded sets reach providers through `OrgContext.credentials`; the org settings cache that
 * holds them is dropped on every change, on every replica (NOTIFY on PostgreSQL).
 */
import { z } from 'zod';
import type { Identity } from '../auth/identity.js';
import type { TokenCipher } from '../crypto/tokenCipher.js';
import { CallgateError } from '../errors.js';
import type { Logger } from '../log.js';
import type { OrgCredentialsSpec } from '../providers/module.js';
import type { OrgCredentialState } from '../providers/types.js';
import type { OrgCredentialsRepository, StoredOrgCredentials } from '../store/types.js';
import {
  auditChanges,
  credentialFingerprint,
  publicFields,
  resolveCredentials,
  type AddressRefusal,
} from './credentialInput.js';

/** What `GET .../credentials` answers. */
export type CredentialsView =
  | { configured: false }
  | {
      configured: true;
      fields: Record<string, string>;
      updated_at: string;
      updated_by: { user_id: string; name: string };
    };

/** Dependencies of the credentials service. */
export interface OrgCredentialsDeps {
  repository: OrgCredentialsRepository;
  cipher: TokenCipher;
  /** Every module's specs; only these providers take organization credentials. */
  specs: readonly OrgCredentialsSpec[];
  /** SPEC §9 for URLs an organization sets. */
  addressRefusal: AddressRefusal;
  logger: Logger;
  now: () => number;
}

const sealedFields = z.record(z.string(), z.string());

/** The associated data of a row: organization and provider. */
export function credentialsAssociatedData(org: string, provider: string): string {
  return JSON.stringify(['org_credentials', org, provider]);
}

/** Reads, writes and removes organizations' own credentials. */
export class OrgCredentialsService {
  private readonly specs: ReadonlyMap<string, OrgCredentialsSpec>;
  /** Told at once of this process's own changes (NOTIFY reaches every process too, but later). */
  private readonly localListeners: Array<(org: string) => void> = [];

  constructor(private readonly deps: OrgCredentialsDeps) {
    this.specs = new Map(deps.specs.map((spec) => [spec.providerId, spec]));
  }

  /** Provider ids that take organization credentials. */
  providerIds(): string[] {
    return [...this.specs.keys()];
  }

  /** The spec of a provider; NOT_FOUND when it takes no organization credentials. */
  spec(providerId: string): OrgCredentialsSpec {
    const spec = this.specs.get(providerId);
    if (!spec) throw new CallgateError('NOT_FOUND', `${providerId} takes no organization credentials`);
    return spec;
  }

  /** Calls `listener` when any process changes an organization's credentials. */
  onChanged(listener: (org: string) => void): void {
    this.deps.repository.onChanged(listener);
    this.localListeners.push(listener);
  }

  /** Tells this process's listeners at once, so the next request here sees the change. */
  private changed(org: string): void {
    for (const listener of this.localListeners) listener(org);
  }

  /** Every provider's state for an organization, decrypted; what `OrgContext.credentials` holds. */
  async load(org: string): Promise<Record<string, OrgCredentialState>> {
    const states: Record<string, OrgCredentialState> = {};
    for (const row of await this.deps.repository.listOf(org)) {
      if (!this.specs.has(row.provider)) continue;
      states[row.provider] = this.open(row);
    }
    return states;
  }

  /** `GET`: the non-secret fields and who changed them last. */
  async view(org: string, providerId: string): Promise<CredentialsView> {
    const spec = this.spec(providerId);
    const row = await this.row(org, providerId);
    const state = row ? this.open(row) : null;
    if (!row || state?.kind !== 'own') return { configured: false };
    return {
      configured: true,
      fields: publicFields(spec, state.fields),
      updated_at: new Date(row.updatedAt).toISOString(),
      updated_by: { user_id: row.updatedByUserId, name: row.updatedByName },
    };
  }

  /** The complete set a body asks for (stored secrets kept where allowed); 400 when invalid. */
  async resolve(
    org: string,
    providerId: string,
    body: Readonly<Record<string, unknown>>,
  ): Promise<Record<string, string>> {
    const spec = this.spec(providerId);
    const stored = await this.stored(org, providerId);
    return resolveCredentials(spec, body, stored, this.deps.addressRefusal);
  }

  /** A state for a set not (yet) stored, e.g. for a live check. */
  candidate(org: string, providerId: string, fields: Record<string, string>): OrgCredentialState {
    return { kind: 'own', fields, fingerprint: credentialFingerprint(org, providerId, fields) };
  }

  /** `PUT`: validates, seals and stores a set, with its audit entry. */
  async put(actor: Identity, org: string, providerId: string, body: Readonly<Record<string, unknown>>): Promise<void> {
    const spec = this.spec(providerId);
    const stored = await this.stored(org, providerId);
    const fields = resolveCredentials(spec, body, stored, this.deps.addressRefusal);
    const sealed = this.deps.cipher.seal(JSON.stringify(fields), credentialsAssociatedData(org, providerId));
    const at = this.deps.now();
    await this.deps.repository.save(
      { org, provider: providerId, ...sealed, updatedAt: at, updatedByUserId: actor.userId, updatedByName: actor.name },
      {
        org,
        actorUserId: actor.userId,
        actorName: actor.name,
        action: 'credentials.update',
        changes: auditChanges(spec, stored, fields),
      },
    );
    this.changed(org);
    this.deps.logger.info({ org, provider: providerId, actor: actor.userId }, 'organization credentials saved');
  }

  /**
   * `DELETE`: removes a set. Where the provider is the organization's selected one, a
   * removal mark stays so the server's account is not used in its place (SPEC §10); the
   * mark goes once the organization selects another provider.
   */
  async remove(actor: Identity, org: string, providerId: string, selected: boolean): Promise<boolean> {
    this.spec(providerId);
    const row = await this.row(org, providerId);
    if (!row || row.ciphertext === null) return false;
    const at = this.deps.now();
    const audit = {
      org,
      actorUserId: actor.userId,
      actorName: actor.name,
      action: 'credentials.delete',
      changes: {
        [providerId]: { from: 'own credentials', to: selected ? 'none (provider not configured)' : 'server' },
      },
    };
    if (selected) {
      await this.deps.repository.save(
        {
          org,
          provider: providerId,
          keyId: null,
          ciphertext: null,
          updatedAt: at,
          updatedByUserId: actor.userId,
          updatedByName: actor.name,
        },
        audit,
      );
    } else {
      await this.deps.repository.delete(org, providerId, audit, at);
    }
    this.changed(org);
    this.deps.logger.info({ org, provider: providerId, actor: actor.userId }, 'organization credentials removed');
    return true;
  }

  /** Drops removal marks of providers other than `selected` (the organization moved on). */
  async clearRemovalMarks(actor: Identity, org: string, selected: string): Promise<void> {
    for (const row of await this.deps.repository.listOf(org)) {
      if (row.ciphertext !== null || row.provider === selected) continue;
      await this.deps.repository.delete(
        org,
        row.provider,
        {
          org,
          actorUserId: actor.userId,
          actorName: actor.name,
          action: 'credentials.release',
          changes: { [row.provider]: { from: 'none (provider not configured)', to: 'server' } },
        },
        this.deps.now(),
      );
      this.changed(org);
    }
  }

  private async row(org: string, providerId: string): Promise<StoredOrgCredentials | null> {
    return (await this.deps.repository.listOf(org)).find((row) => row.provider === providerId) ?? null;
  }

  private async stored(org: string, providerId: string): Promise<Record<string, string> | null> {
    const row = await this.row(org, providerId);
    const state = row ? this.open(row) : null;
    return state?.kind === 'own' ? { ...state.fields } : null;
  }

  /**
   * Decrypts a row. One that does not decrypt (copied from another organization, or its key
   * is gone) counts as removed: the provider is then not configured for the organization,
   * never silently the server's.
   */
  private open(row: StoredOrgCredentials): OrgCredentialState {
    if (row.ciphertext === null || row.keyId === null) return { kind: 'removed' };
    try {
      const plain = this.deps.cipher.open(
        { keyId: row.keyId, ciphertext: row.ciphertext },
        credentialsAssociatedData(row.org, row.provider),
      );
      const fields = sealedFields.parse(JSON.parse(plain));
      return { kind: 'own', fields, fingerprint: credentialFingerprint(row.org, row.provider, fields) };
    } catch (error) {
      this.deps.logger.error(
        { org: row.org, provider: row.provider, keyId: row.keyId, reason: (error as Error).message },
        'organization credentials do not decrypt; the provider is unavailable to this organization',
      );
      return { kind: 'removed' };
    }
  }
}

/**
 * Re-seals every organization's credentials under the current key (`npm run re-encrypt`),
 * each with a compare-and-set so a change made meanwhile is never overwritten. Returns how
 * many rows moved, of how many sealed rows there are.
 */
export async function reencryptOrgCredentials(
  repository: OrgCredentialsRepository,
  cipher: TokenCipher,
): Promise<{ moved: number; total: number }> {
  let moved = 0;
  let total = 0;
  for (const row of await repository.list()) {
    if (row.keyId === null || row.ciphertext === null) continue;
    total += 1;
    if (row.keyId === cipher.currentKeyId) continue;
    const ad = credentialsAssociatedData(row.org, row.provider);
    const plain = cipher.open({ keyId: row.keyId, ciphertext: row.ciphertext }, ad);
    if (await repository.reseal(row.org, row.provider, row.ciphertext, cipher.seal(plain, ad))) moved += 1;
  }
  return { moved, total };
}
