/**
 * Nextcloud Talk (SPEC §4a), as Zulip integrates it: one service account creates a public
 * conversation per call, and the call's URL is Talk's public link to it. Talk has no
 * "start with cameras off" switch, so a voice request gets the ordinary conversation
 * (capabilities.voiceOnly is false; the core then answers `is_video_call: true`).
 */
import { CallgateError } from '../../errors.js';
import type { CoreContext } from '../module.js';
import { serviceFailureToCheck, serviceFailureToError, type ServiceNames } from '../shared/serviceFailure.js';
import {
  chooseAccount,
  availabilityWithCredentials,
  type CallRequest,
  type CheckResult,
  type CreatedCall,
  type OrgContext,
  type Provider,
} from '../types.js';
import { checkAccount, createConversation, TALK_MISSING } from './client.js';
import {
  NEXTCLOUD_TALK_ID,
  NEXTCLOUD_TALK_NAME,
  NEXTCLOUD_TALK_NOT_CONFIGURED,
  nextcloudAccount,
  nextcloudTalkAvailability,
  type NextcloudAccount,
  type NextcloudTalkSettings,
} from './settings.js';
import { nextcloudOwnAccount } from './orgCredentials.js';

const NAMES: ServiceNames = { name: NEXTCLOUD_TALK_NAME };

/** Creates the provider from its settings. */
export function createNextcloudTalkProvider(
  settings: NextcloudTalkSettings,
  core: Pick<CoreContext, 'upstreamTimeoutMs' | 'addressPolicy'>,
): Provider {
  const serverAccount = nextcloudAccount(settings);
  /** The org's own account when it has one (its server an org-set address), never the server's in its place. */
  const accountFor = (orgContext: OrgContext): NextcloudAccount | null =>
    chooseAccount(orgContext, NEXTCLOUD_TALK_ID, {
      own: ({ fields }) => ({ ...nextcloudOwnAccount(fields), addressPolicy: core.addressPolicy }),
      server: serverAccount,
    });
  const requireAccount = (orgContext: OrgContext): NextcloudAccount => {
    const account = accountFor(orgContext);
    if (!account) throw new CallgateError('PROVIDER_NOT_CONFIGURED', NEXTCLOUD_TALK_NOT_CONFIGURED);
    return account;
  };
  return {
    id: NEXTCLOUD_TALK_ID,
    name: NEXTCLOUD_TALK_NAME,
    capabilities: { voiceOnly: false, requiresUserAuthorization: false },
    availability(orgContext) {
      return availabilityWithCredentials(orgContext, NEXTCLOUD_TALK_ID, NEXTCLOUD_TALK_NOT_CONFIGURED, () =>
        nextcloudTalkAvailability(settings),
      );
    },
    async createCall(request: CallRequest): Promise<CreatedCall> {
      const result = await createConversation(
        requireAccount(request.orgContext),
        request.meetingName,
        core.upstreamTimeoutMs,
      );
      if (!result.ok) throw serviceFailureToError(NAMES, result.failure);
      return { url: result.value };
    },
    async checkConnection(orgContext): Promise<CheckResult> {
      const account = accountFor(orgContext);
      if (!account) return { status: 'failed', reason: 'not_configured', detail: NEXTCLOUD_TALK_NOT_CONFIGURED };
      const result = await checkAccount(account, core.upstreamTimeoutMs);
      if (result.ok) return { status: 'ok' };
      if (result.failure.kind === 'refused' && result.failure.detail === TALK_MISSING) {
        return {
          status: 'failed',
          reason: 'unexpected_answer',
          detail: 'The account signs in, but Nextcloud Talk is not installed or not enabled for it on this server.',
        };
      }
      return serviceFailureToCheck(NAMES, result.failure);
    },
  };
}
