/**
 * Webex's own error bodies for the shared fault injection of
 * `src/local/simulators/faults.ts`: what its 429, 401, truncated and garbled answers look like.
 */
import type { FaultBodies } from '../../../local/simulators/faults.js';

/** A body in Webex's error format. */
export function webexError(message: string): {
  message: string;
  errors: Array<{ description: string }>;
  trackingId: string;
} {
  return { message, errors: [{ description: message }], trackingId: `SIM_${Date.now().toString(36)}` };
}

/** How the Webex simulator's injected failures answer. */
export const WEBEX_FAULT_BODIES: FaultBodies = {
  truncatedStart: '{"id":"Y2lzY29zcGFyazovL3VzL1JPT00v","webLink":"https://',
  garbled: '{"id":"Y2lzY29zcGFyazovL3VzL1JPT00v","webLink":',
  rateLimited: () => webexError('Too many requests have been sent in a given amount of time.'),
  invalidToken: () => webexError('The request requires a valid access token set in the Authorization request header.'),
};
