/**
 * Organization settings (SPEC §3): the stored choice, or the default for an org never
 * seen before. Reads are cached per org and dropped whenever the store announces a
 * change (in-process on SQLite, LISTEN/NOTIFY across replicas on PostgreSQL).
 */
import type { Identity } from '../auth/identity.js';
import { parseServerUrl } from '../config/urls.js';
import { badRequest } from '../errors.js';
import type { AddressPolicy } from '../http/addressPolicy.js';
import type { ProviderId } from '../providers/ids.js';
import type { ProviderRegistry } from '../providers/registry.js';
import type { OrgContext } from '../providers/types.js';
import type { AuditEntry, Store } from '../store/types.js';

/** An organization's effective settings. */
export interface OrgSettings {
  org: string;
  videoChatProvider: ProviderId;
  jitsiServerUrl: string | null;
}

/** A requested change; `undefined` leaves a field as it is, null resets the Jitsi URL. */
export interface OrgSettingsPatch {
  videoChatProvider?: ProviderId;
  jitsiServerUrl?: string | null;
}

/** Reads and changes organization settings. */
export class OrgSettingsService {
  private readonly cache = new Map<string, OrgSettings>();

  constructor(private readonly deps: { store: Store; registry: ProviderRegistry; now?: () => number }) {
    deps.store.onOrgSettingsChanged((org) => {
      if (org === '*') this.cache.clear();
      else this.cache.delete(org);
    });
  }

  /** The org's settings: stored, else the default (Jitsi when available, else disabled). */
  async get(org: string): Promise<OrgSettings> {
    const cached = this.cache.get(org);
    if (cached) return cached;
    const stored = await this.deps.store.getOrgSettings(org);
    const settings: OrgSettings = stored
      ? { org, videoChatProvider: stored.videoChatProvider, jitsiServerUrl: stored.jitsiServerUrl }
      : {
          org,
          videoChatProvider: this.deps.registry.availability('jitsi_meet', { org, jitsiServerUrl: null }).available
            ? 'jitsi_meet'
            : 'disabled',
          jitsiServerUrl: null,
        };
    this.cache.set(org, settings);
    return settings;
  }

  /** Applies a patch, after checking it, and writes the audit entry. */
  async update(actor: Identity, org: string, patch: OrgSettingsPatch): Promise<OrgSettings> {
    const before = await this.get(org);
    const after: OrgSettings = { ...before };
    if (patch.jitsiServerUrl !== undefined) after.jitsiServerUrl = patch.jitsiServerUrl;
    if (patch.videoChatProvider !== undefined) after.videoChatProvider = patch.videoChatProvider;

    const availability = this.deps.registry.availability(after.videoChatProvider, orgContext(after));
    if (!availability.available) {
      throw badRequest('video_chat_provider', `${after.videoChatProvider} is not available: ${availability.reason}`);
    }
    const changes: AuditEntry['changes'] = {};
    if (after.videoChatProvider !== before.videoChatProvider) {
      changes['video_chat_provider'] = { from: before.videoChatProvider, to: after.videoChatProvider };
    }
    if (after.jitsiServerUrl !== before.jitsiServerUrl) {
      changes['jitsi_server_url'] = { from: before.jitsiServerUrl, to: after.jitsiServerUrl };
    }
    if (Object.keys(changes).length === 0) return before;
    await this.deps.store.saveOrgSettings(
      { ...after, updatedAt: (this.deps.now ?? Date.now)() },
      { org, actorUserId: actor.userId, actorName: actor.name, action: 'settings.update', changes },
    );
    this.cache.delete(org);
    return after;
  }
}

/** The provider-facing view of settings. */
export function orgContext(settings: OrgSettings): OrgContext {
  return { org: settings.org, jitsiServerUrl: settings.jitsiServerUrl };
}

/**
 * Parses an admin's Jitsi URL: `"default"` or null reset it; otherwise a checked server URL
 * whose host the address policy allows (SPEC §9; a name is not resolved here).
 */
export function parseJitsiServerUrlInput(value: string | null, policy: AddressPolicy): string | null {
  if (value === null || value === 'default') return null;
  let url: string;
  try {
    url = parseServerUrl(value);
  } catch (error) {
    throw badRequest('jitsi_server_url', (error as Error).message);
  }
  const refusal = policy.refusalOf(url);
  if (refusal !== null) throw badRequest('jitsi_server_url', refusal);
  return url;
}
