/**
 * TEMPORARY: providers whose implementation is in progress. Each reports its real
 * availability but refuses to create calls. Removed as each provider folder lands.
 */
import { CallgateError } from '../errors.js';
import type { CallProviderId } from './ids.js';
import type { Availability, Provider } from './types.js';

/** A provider that is not implemented yet. */
export function pendingProvider<K extends CallProviderId>(
  id: K,
  name: string,
  availability: () => Availability,
): Provider & { id: K } {
  return {
    id,
    name,
    capabilities: { voiceOnly: true, requiresUserAuthorization: id === 'zoom' },
    availability,
    async createCall() {
      throw new CallgateError('PROVIDER_NOT_CONFIGURED', `${name} is not supported by this server yet`);
    },
    async checkConnection() {
      return { status: 'failed', reason: 'not_supported', detail: `${name} is not supported yet` };
    },
  };
}
