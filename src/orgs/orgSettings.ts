/**
 * Organization settings (SPEC §3): the stored choice, or the default for an org never
 * seen before, plus the provider modules' own fields (e.g. a server URL the org sets).
 * Reads are cached per org and dropped whenever the store announces a change (in-process
 * on SQLite, LISTEN/NOTIFY across replicas on PostgreSQL).
 */
import type { Identity } from '../auth/identity.js';
import { badRequest } from '../errors.js';
import type { OrgSettingField } from '../providers/module.js';
import type { ProviderRegistry } from '../providers/registry.js';
import type { OrgContext, OrgCredentialState } from '../providers/types.js';
import type { AuditEntry, OrgSettingsRepository } from '../store/types.js';

/** An organization's effective settings. */
export interface OrgSettings {
  org: string;
  videoChatProvider: string;
  /** The modules' org fields by wire name; null uses the server's value. */
  fields: Record<string, string | null>;
  /** The org's own provider credentials by provider id (SPEC §10); empty when it has none or the feature is off. */
  credentials: Readonly<Record<string, OrgCredentialState>>;
}

/** Where an organization's own credentials come from (the credentials service), when the feature is on. */
export interface OrgCredentialsSource {
  load(org: string): Promise<Record<string, OrgCredentialState>>;
  onChanged(listener: (org: string) => void): void;
  /** The organization selected `selected`: removal marks of other providers no longer apply. */
  clearRemovalMarks(actor: Identity, org: string, selected: string): Promise<void>;
}

/** A requested change; `undefined` leaves a field as it is, null resets a module field. */
export interface OrgSettingsPatch {
  videoChatProvider?: string;
  fields?: Record<string, string | null>;
}

/** Organizations whose settings stay cached; past it the oldest entry goes (memory stays bounded). */
export const ORG_SETTINGS_CACHE_LIMIT = 10_000;

/** Reads and changes organization settings. */
export class OrgSettingsService {
  private readonly cache = new Map<string, OrgSettings>();
  /** Counts dropped entries: a read that overlapped a drop is answered but not cached. */
  private generation = 0;

  constructor(
    private readonly deps: {
      store: OrgSettingsRepository;
      registry: ProviderRegistry;
      fields: readonly OrgSettingField[];
      credentials?: OrgCredentialsSource | null;
      now?: () => number;
    },
  ) {
    const drop = (org: string): void => {
      this.generation += 1;
      if (org === '*') this.cache.clear();
      else this.cache.delete(org);
    };
    deps.store.onChanged(drop);
    deps.credentials?.onChanged(drop);
  }

  /** The modules' org settings fields. */
  get fields(): readonly OrgSettingField[] {
    return this.deps.fields;
  }

  /** The org's settings: stored, else the default (SPEC §3). */
  async get(org: string): Promise<OrgSettings> {
    const cached = this.cache.get(org);
    if (cached) return cached;
    const generation = this.generation;
    const [stored, credentials] = await Promise.all([
      this.deps.store.get(org),
      this.deps.credentials ? this.deps.credentials.load(org) : Promise.resolve({}),
    ]);
    const emptyFields = Object.fromEntries(this.deps.fields.map((field) => [field.name, null]));
    const settings: OrgSettings = stored
      ? {
          org,
          videoChatProvider: stored.videoChatProvider,
          fields: { ...emptyFields, ...stored.providerSettings },
          credentials,
        }
      : {
          org,
          videoChatProvider: this.deps.registry.defaultFor({ org, fields: {}, credentials }),
          fields: emptyFields,
          credentials,
        };
    if (generation === this.generation) {
      if (this.cache.size >= ORG_SETTINGS_CACHE_LIMIT) {
        // Oldest first: a Map keeps insertion order.
        const oldest = this.cache.keys().next().value;
        if (oldest !== undefined) this.cache.delete(oldest);
      }
      this.cache.set(org, settings);
    }
    return settings;
  }

  /** Applies a patch, after checking it, and writes the audit entry. */
  async update(actor: Identity, org: string, patch: OrgSettingsPatch): Promise<OrgSettings> {
    const before = await this.get(org);
    const after: OrgSettings = { ...before, fields: { ...before.fields, ...patch.fields } };
    if (patch.videoChatProvider !== undefined) after.videoChatProvider = patch.videoChatProvider;

    if (!this.deps.registry.has(after.videoChatProvider)) {
      throw badRequest('video_chat_provider', `${after.videoChatProvider} is not a provider`);
    }
    const availability = this.deps.registry.availability(after.videoChatProvider, orgContext(after));
    if (!availability.available) {
      throw badRequest('video_chat_provider', `${after.videoChatProvider} is not available: ${availability.reason}`);
    }
    const changes: AuditEntry['changes'] = {};
    if (after.videoChatProvider !== before.videoChatProvider) {
      changes['video_chat_provider'] = { from: before.videoChatProvider, to: after.videoChatProvider };
    }
    for (const field of this.deps.fields) {
      const from = before.fields[field.name] ?? null;
      const to = after.fields[field.name] ?? null;
      if (from !== to) changes[field.name] = { from, to };
    }
    if (Object.keys(changes).length === 0) return before;
    // Only set fields are stored: absent means "the server's".
    const providerSettings: Record<string, string> = {};
    for (const [name, value] of Object.entries(after.fields)) if (value !== null) providerSettings[name] = value;
    await this.deps.store.save(
      {
        org,
        videoChatProvider: after.videoChatProvider,
        providerSettings,
        updatedAt: (this.deps.now ?? Date.now)(),
      },
      { org, actorUserId: actor.userId, actorName: actor.name, action: 'settings.update', changes },
    );
    this.generation += 1;
    this.cache.delete(org);
    if (changes['video_chat_provider'])
      await this.deps.credentials?.clearRemovalMarks(actor, org, after.videoChatProvider);
    return after;
  }
}

/** The provider-facing view of settings. */
export function orgContext(settings: OrgSettings): OrgContext {
  return { org: settings.org, fields: settings.fields, credentials: settings.credentials };
}
