/**
 * Organization settings (SPEC §3): the stored choice, or the default for an org never
 * seen before. Reads are cached per org and dropped whenever the store announces a
 * change (in-process on SQLite, LISTEN/NOTIFY across replicas on PostgreSQL).
 */
import type { Identity } from '../auth/identity.js';
import { parseServerUrl } from '../config/urls.js';
import { badRequest } from '../errors.js';
import type { ProviderId } from '../providers/ids.js';
import type { ProviderRegistry } from '../providers/registry.js';
import type { OrgContext } from '../providers/types.js';
import type { AuditEntry, OrgSettingsRepository } from '../store/types.js';

/** The stored name of the org's Jitsi server override (the settings field's wire name). */
const JITSI_SERVER_URL = 'jitsi_server_url';

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

  constructor(private readonly deps: { store: OrgSettingsRepository; registry: ProviderRegistry; now?: () => number }) {
    deps.store.onChanged((org) => {
      if (org === '*') this.cache.clear();
      else this.cache.delete(org);
    });
  }

  /** The org's settings: stored, else the default (Jitsi when available, else disabled). */
  async get(org: string): Promise<OrgSettings> {
    const cached = this.cache.get(org);
    if (cached) return cached;
    const stored = await this.deps.store.get(org);
    const settings: OrgSettings = stored
      ? {
          org,
          videoChatProvider: stored.videoChatProvider,
          jitsiServerUrl: stored.providerSettings[JITSI_SERVER_URL] ?? null,
        }
      : {
          org,
          videoChatProvider: this.deps.registry.defaultFor({ org, fields: {} }),
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
    const providerSettings: Record<string, string> = {};
    if (after.jitsiServerUrl !== null) providerSettings[JITSI_SERVER_URL] = after.jitsiServerUrl;
    await this.deps.store.save(
      {
        org,
        videoChatProvider: after.videoChatProvider,
        providerSettings,
        updatedAt: (this.deps.now ?? Date.now)(),
      },
      { org, actorUserId: actor.userId, actorName: actor.name, action: 'settings.update', changes },
    );
    this.cache.delete(org);
    return after;
  }
}

/** The provider-facing view of settings. */
export function orgContext(settings: OrgSettings): OrgContext {
  return { org: settings.org, fields: { jitsi_server_url: settings.jitsiServerUrl } };
}

/** Parses an admin's Jitsi URL: `"default"` or null reset it; otherwise a checked server URL. */
export function parseJitsiServerUrlInput(value: string | null): string | null {
  if (value === null || value === 'default') return null;
  try {
    return parseServerUrl(value);
  } catch (error) {
    throw badRequest('jitsi_server_url', (error as Error).message);
  }
}
