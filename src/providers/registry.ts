/** The provider registry: every built provider by id, with availability and why. */
import { CallgateError } from '../errors.js';
import { DISABLED } from './ids.js';
import type { Availability, OrgContext, Provider } from './types.js';

/** A provider's description for `GET /api/v1/providers`. */
export interface ProviderDescription {
  id: string;
  name: string;
  available: boolean;
  reason?: string;
  capabilities: { voice_only: boolean; requires_user_authorization: boolean };
}

/** Looks providers up and reports their availability. */
export class ProviderRegistry {
  private readonly byId: ReadonlyMap<string, Provider>;

  constructor(providers: readonly Provider[]) {
    const byId = new Map<string, Provider>();
    for (const provider of providers) {
      if (provider.id === DISABLED || byId.has(provider.id)) throw new Error(`duplicate provider id ${provider.id}`);
      byId.set(provider.id, provider);
    }
    this.byId = byId;
  }

  /** Every provider, in module order. */
  all(): Provider[] {
    return [...this.byId.values()];
  }

  /** Whether `id` names a provider here or is `disabled`. */
  has(id: string): boolean {
    return id === DISABLED || this.byId.has(id);
  }

  /** Every id, `disabled` first. */
  ids(): string[] {
    return [DISABLED, ...this.byId.keys()];
  }

  /** The provider with this id; NOT_FOUND when there is none. */
  get(id: string): Provider {
    const provider = this.byId.get(id);
    if (!provider) throw new CallgateError('NOT_FOUND', `Unknown provider: ${id}`);
    return provider;
  }

  /** Availability of any id; `disabled` is always available. */
  availability(id: string, orgContext: OrgContext): Availability {
    return id === DISABLED ? { available: true } : this.get(id).availability(orgContext);
  }

  /** Ids available to this organization, `disabled` included. */
  availableIds(orgContext: OrgContext): string[] {
    return this.describe(orgContext)
      .filter((provider) => provider.available)
      .map((provider) => provider.id);
  }

  /** The provider an organization never seen before starts with (SPEC §3). */
  defaultFor(orgContext: OrgContext): string {
    const provider = this.all().find((p) => p.defaultForNewOrgs === true && p.availability(orgContext).available);
    return provider?.id ?? DISABLED;
  }

  /** Every provider with its availability for this organization. */
  describe(orgContext: OrgContext): ProviderDescription[] {
    const disabled: ProviderDescription = {
      id: DISABLED,
      name: 'None',
      available: true,
      capabilities: { voice_only: false, requires_user_authorization: false },
    };
    return [
      disabled,
      ...this.all().map((provider) => {
        const availability = provider.availability(orgContext);
        return {
          id: provider.id,
          name: provider.name,
          available: availability.available,
          ...(availability.available ? {} : { reason: availability.reason }),
          capabilities: {
            voice_only: provider.capabilities.voiceOnly,
            requires_user_authorization: provider.capabilities.requiresUserAuthorization,
          },
        };
      }),
    ];
  }

  /** Throws PROVIDER_NOT_CONFIGURED with the provider's reason when it is not available. */
  requireAvailable(id: string, orgContext: OrgContext): Provider {
    const provider = this.get(id);
    const availability = provider.availability(orgContext);
    if (!availability.available) throw new CallgateError('PROVIDER_NOT_CONFIGURED', availability.reason);
    return provider;
  }
}
