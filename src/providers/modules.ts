/**
 * The module list: adding a provider is a new folder under `src/providers/` and one line
 * here. Order is the order of `GET /api/v1/providers`.
 */
import { bigBlueButtonModule } from './bigbluebutton/index.js';
import { constructorGroupsModule } from './constructorGroups/index.js';
import { googleMeetModule } from './googleMeet/index.js';
import { jitsiModule } from './jitsi/index.js';
import { microsoftTeamsModule } from './microsoftTeams/index.js';
import { nextcloudTalkModule } from './nextcloudTalk/index.js';
import type { ProviderModule } from './module.js';
import { webexModule } from './webex/index.js';
import { zoomModule } from './zoom/index.js';

/** Every built-in provider module. */
export const PROVIDER_MODULES = [
  jitsiModule,
  zoomModule,
  bigBlueButtonModule,
  webexModule,
  googleMeetModule,
  microsoftTeamsModule,
  nextcloudTalkModule,
  constructorGroupsModule,
] as const satisfies readonly ProviderModule[];
