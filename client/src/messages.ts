/** The texts of `<callgate-call-button>`: every sentence it shows or announces. */
import type { StartedCall } from './client.js';

/** The texts of the element; a page may replace any of them through `messages`. */
export interface CallButtonMessages {
  video: string;
  voice: string;
  starting(isVideoCall: boolean): string;
  authorizing(providerName: string): string;
  denied(providerName: string): string;
  /** Before the join link, when the page did not post the call itself. */
  ready(call: StartedCall): string;
  link(call: StartedCall): string;
  /** When the page handled `callgate-call` (e.g. posted the link in the conversation). */
  posted(call: StartedCall): string;
  /** The link that opens a blocked authorization by hand. */
  connect(providerName: string): string;
  tabBlocked: string;
}

/** The default texts. */
export const DEFAULT_MESSAGES: CallButtonMessages = {
  video: 'Start video call',
  voice: 'Start voice call',
  starting: (isVideoCall) => (isVideoCall ? 'Starting a video call…' : 'Starting a voice call…'),
  authorizing: (name) => `${name} needs your permission first: finish in the window that opened, and the call starts.`,
  denied: (name) =>
    `${name} was not connected, so no call was started. Retry in the ${name} window, or start the call again.`,
  ready: (call) => (call.isVideoCall ? 'Your video call is ready: ' : 'Your voice call is ready: '),
  link: (call) => (call.isVideoCall ? 'Join video call' : 'Join voice call'),
  posted: () => 'Call started.',
  connect: (name) => `Connect ${name}`,
  tabBlocked: 'Your browser blocked the new tab. Allow pop-ups for this page and try again.',
};
