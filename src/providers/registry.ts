/** The provider registry: a typed map from provider id to implementation. */
import { CallgateError } from '../errors.js';
import type { CallProviderId, ProviderId } from './ids.js';
import type { Availability, OrgContext, Provider } from './types.js';

/** Every call provider, keyed by its id. */
export type ProviderMap = { readonly [K in CallProviderId]: Provider & { readonly id: K } };

/** A provider's description for `GET /api/v1/providers`. */
export interface ProviderDescription {
  id: ProviderId;
  name: string;
  available: boolean;
  reason?: string;
  capabilities: { voice_only: boolean; requires_user_authorization: boolean };
}

/** Looks providers up and reports their availability. */
export class ProviderRegistry {
  constructor(private readonly providers: ProviderMap) {}

  /** The provider with this id. */
  get(id: CallProviderId): Provider {
    return this.providers[id];
  }

  /** Availability of any id; `disabled` is always available. */
  availability(id: ProviderId, orgContext: OrgContext): Availability {
    return id === 'disabled' ? { available: true } : this.providers[id].availability(orgContext);
  }

  /** Ids available to this organization, `disabled` included. */
  availableIds(orgContext: OrgContext): ProviderId[] {
    return this.describe(orgContext)
      .filter((provider) => provider.available)
      .map((provider) => provider.id);
  }

  /** Every provider with its availability for this organization. */
  describe(orgContext: OrgContext): ProviderDescription[] {
    const disabled: ProviderDescription = {
      id: 'disabled',
      name: 'None',
      available: true,
      capabilities: { voice_only: false, requires_user_authorization: false },
    };
    return [
      disabled,
      ...Object.values(this.providers).map((provider: Provider) => {
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
  requireAvailable(id: CallProviderId, orgContext: OrgContext): Provider {
    const availability = this.providers[id].availability(orgContext);
    if (!availability.available) throw new CallgateError('PROVIDER_NOT_CONFIGURED', availability.reason);
    return this.providers[id];
  }
}
