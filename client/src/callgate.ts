/**
 * callgate's browser client, served at `/client/callgate.js`:
 *
 * ```js
 * import { createCallgateClient } from 'https://callgate.example.com/client/callgate.js';
 * const callgate = createCallgateClient({ baseUrl: 'https://callgate.example.com', getToken });
 * button.onclick = async () => post((await callgate.startCall({ meetingName: 'standup' })).url);
 * ```
 *
 * Importing it also registers `<callgate-call-button>`.
 */
import { defineCallButton } from './element.js';

export {
  createCallgateClient,
  type CallCapabilities,
  type CallgateClient,
  type CallgateClientOptions,
  type CallProgress,
  type ProviderInfo,
  type StartCallOptions,
  type StartedCall,
} from './client.js';
export * from './errors.js';
export { defineCallButton, type CallButtonElement, type TokenSource } from './element.js';
export { DEFAULT_MESSAGES, type CallButtonMessages } from './messages.js';
export type { BrowserWindow, MessageChannelLike, PopupWindow, ReceivedMessage } from './popup.js';

defineCallButton();
