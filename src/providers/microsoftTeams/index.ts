/**
 * The Microsoft Teams provider module (SPEC §4a): settings, the per-user OAuth declaration the
 * generic service serves (`/calls/microsoft_teams/register|complete`, connections, disconnect
 * that deletes locally only), the provider, check-config lines and the local simulator.
 */
import { defineProviderModule } from '../module.js';
import type { Provider } from '../types.js';
import { microsoftTeamsOAuthSpec } from './oauth.js';
import {
  checkMicrosoftTeamsConnection,
  createMicrosoftTeamsCall,
  MICROSOFT_TEAMS_CAPABILITIES,
  microsoftTeamsConfigLines,
  type MicrosoftTeamsDeps,
} from './provider.js';
import {
  MICROSOFT_TEAMS_ID,
  MICROSOFT_TEAMS_NAME,
  MICROSOFT_TEAMS_SECRETS,
  microsoftTeamsAvailability,
  microsoftTeamsSettingsSchema,
} from './settings.js';

/** Microsoft Teams, as the module list declares it. */
export const microsoftTeamsModule = defineProviderModule({
  key: 'microsoftTeams',
  ids: [MICROSOFT_TEAMS_ID],
  secretNames: MICROSOFT_TEAMS_SECRETS,
  settings: microsoftTeamsSettingsSchema,
  create(settings, core) {
    const oauth = microsoftTeamsOAuthSpec(settings);
    const tokens = core.userTokens(oauth);
    const deps: MicrosoftTeamsDeps = {
      settings,
      timeoutMs: core.upstreamTimeoutMs,
      redirectUri: `${core.publicUrl}/calls/${oauth.path}/complete`,
      now: core.now,
    };
    const provider: Provider = {
      id: MICROSOFT_TEAMS_ID,
      name: MICROSOFT_TEAMS_NAME,
      capabilities: MICROSOFT_TEAMS_CAPABILITIES,
      oauth,
      availability: () => microsoftTeamsAvailability(settings),
      createCall: (request) => createMicrosoftTeamsCall(deps, tokens, request),
      checkConnection: () => checkMicrosoftTeamsConnection(deps),
    };
    return { providers: [provider] };
  },
  configLines: (settings) => microsoftTeamsConfigLines(settings),
  simulator: () => import('./simulator.js'),
});
