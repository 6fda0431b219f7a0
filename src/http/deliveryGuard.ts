/**
 * Acting on each signed webhook delivery once (SPEC §9). A signature proves who sent a
 * delivery, not that it is the first time it arrives: within the sender's timestamp window,
 * a captured `app_deauthorized` could be sent again to disconnect a user who reconnected
 * meanwhile. The first arrival claims the delivery in the store (atomic across replicas);
 * a replay answers 200 and changes nothing. A failed action gives its claim back, so the
 * sender's own retry can still act.
 */
import { createHash } from 'node:crypto';
import type { WebhookDeliveryRepository } from '../store/types.js';

/** The outcome of `once`: the action's value, or that the delivery was a replay. */
export type DeliveryOutcome<T> = { replay: false; value: T } | { replay: true };

/** Runs a delivery's action once. */
export interface DeliveryGuard {
  /**
   * Runs `act` unless a delivery with this key (e.g. `zoom:` + its signature) was acted on
   * within `ttlMs`, which should outlast the sender's timestamp window.
   */
  once<T>(key: string, ttlMs: number, act: () => Promise<T>): Promise<DeliveryOutcome<T>>;
}

/** Creates the guard over the store's delivery claims. */
export function createDeliveryGuard(deps: { deliveries: WebhookDeliveryRepository; now: () => number }): DeliveryGuard {
  return {
    async once(key, ttlMs, act) {
      // A digest: fixed length whatever the header held, and no signature text at rest.
      const digest = createHash('sha256').update(key).digest('hex');
      const now = deps.now();
      if (!(await deps.deliveries.claim(digest, now + ttlMs, now))) return { replay: true };
      try {
        return { replay: false, value: await act() };
      } catch (error) {
        await deps.deliveries.release(digest);
        throw error;
      }
    },
  };
}
