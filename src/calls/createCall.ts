/**
 * createCall: org settings → provider → call record. The one path every new call takes,
 * whatever the provider.
 */
import type { Identity } from '../auth/identity.js';
import { CallgateError } from '../errors.js';
import { countProviderError, type Metrics } from '../metrics.js';
import { orgContext, type OrgSettingsService } from '../orgs/orgSettings.js';
import type { CallProviderId } from '../providers/ids.js';
import type { ProviderRegistry } from '../providers/registry.js';
import type { CallRecordRepository } from '../store/types.js';
import type { CallRateLimiter } from './rateLimit.js';

/** A request for a call, as the API received it. */
export interface NewCall {
  isVideoCall: boolean;
  meetingName: string;
}

/** A created call, as the API answers it. */
export interface CallResult {
  provider: CallProviderId;
  url: string;
  isVideoCall: boolean;
}

/** Dependencies of the call service. */
export interface CallServiceDeps {
  callRecords: CallRecordRepository;
  registry: ProviderRegistry;
  orgSettings: OrgSettingsService;
  metrics: Metrics;
  rateLimiter: CallRateLimiter;
  now?: () => number;
}

/** Creates calls with the organization's provider and records each one. */
export function createCallService(deps: CallServiceDeps): {
  create(identity: Identity, call: NewCall): Promise<CallResult>;
} {
  return {
    async create(identity, call) {
      await deps.rateLimiter.hit(identity);
      const settings = await deps.orgSettings.get(identity.org);
      const providerId = settings.videoChatProvider;
      if (providerId === 'disabled') {
        throw new CallgateError('CALLS_DISABLED', 'Video calls are disabled in this organization');
      }
      const context = orgContext(settings);
      let url: string;
      let isVideoCall = call.isVideoCall;
      try {
        const provider = deps.registry.requireAvailable(providerId, context);
        // SPEC §4a: a provider that cannot start with cameras off answers a voice request
        // with its ordinary meeting, and the answer says it is a video call.
        isVideoCall ||= !provider.capabilities.voiceOnly;
        ({ url } = await provider.createCall({
          identity,
          orgContext: context,
          isVideoCall: call.isVideoCall,
          meetingName: call.meetingName,
        }));
      } catch (error) {
        countProviderError(deps.metrics, providerId, error);
        throw error;
      }
      // Queued, not awaited: records are written in batches (one statement for many calls),
      // so the answer does not wait for the database; a failed batch is retried and reported
      // by the store, and shutdown writes what is queued.
      deps.callRecords
        .record({
          org: identity.org,
          userId: identity.userId,
          provider: providerId,
          isVideoCall,
          createdAt: (deps.now ?? Date.now)(),
        })
        .catch(() => undefined);
      deps.metrics.callsCreated.inc({ provider: providerId });
      return { provider: providerId, url, isVideoCall };
    },
  };
}
