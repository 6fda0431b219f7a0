/**
 * The Google Meet provider module (SPEC §4a): settings, the per-user OAuth declaration the
 * generic service serves (`/calls/google_meet/register|complete`, connections, disconnect
 * with revocation at Google), the provider, check-config lines and the local simulator.
 */
import { defineProviderModule } from '../module.js';
import type { Provider } from '../types.js';
import { googleMeetOAuthSpec } from './oauth.js';
import {
  checkGoogleMeetConnection,
  createGoogleMeetCall,
  GOOGLE_MEET_CAPABILITIES,
  googleMeetConfigLines,
  type GoogleMeetDeps,
} from './provider.js';
import {
  GOOGLE_MEET_ID,
  GOOGLE_MEET_NAME,
  GOOGLE_MEET_SECRETS,
  googleMeetAvailability,
  googleMeetSettingsSchema,
} from './settings.js';

/** Google Meet, as the module list declares it. */
export const googleMeetModule = defineProviderModule({
  key: 'googleMeet',
  ids: [GOOGLE_MEET_ID],
  secretNames: GOOGLE_MEET_SECRETS,
  settings: googleMeetSettingsSchema,
  create(settings, core) {
    const oauth = googleMeetOAuthSpec(settings);
    const tokens = core.userTokens(oauth);
    const deps: GoogleMeetDeps = {
      settings,
      timeoutMs: core.upstreamTimeoutMs,
      redirectUri: `${core.publicUrl}/calls/${oauth.path}/complete`,
    };
    const provider: Provider = {
      id: GOOGLE_MEET_ID,
      name: GOOGLE_MEET_NAME,
      capabilities: GOOGLE_MEET_CAPABILITIES,
      oauth,
      availability: () => googleMeetAvailability(settings),
      createCall: (request) => createGoogleMeetCall(deps, tokens, request),
      checkConnection: () => checkGoogleMeetConnection(deps),
    };
    return { providers: [provider] };
  },
  configLines: (settings) => googleMeetConfigLines(settings),
  simulator: () => import('./simulator.js'),
});
