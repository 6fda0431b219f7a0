/**
 * Constructor Groups (SPEC §4a), as Zulip integrates it: the organization's API key asks for
 * the caller's default room (get-or-create: each creator keeps one room) and the answer's
 * `url` is the call. There is no voice-only room, so a voice request gets the ordinary room
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
import { checkAccount, createRoom, fallbackName } from './client.js';
import {
  CONSTRUCTOR_GROUPS_ID,
  CONSTRUCTOR_GROUPS_NAME,
  CONSTRUCTOR_GROUPS_NOT_CONFIGURED,
  constructorAccount,
  constructorGroupsAvailability,
  type ConstructorAccount,
  type ConstructorGroupsSettings,
} from './settings.js';
import { constructorOwnAccount } from './orgCredentials.js';

const NAMES: ServiceNames = { name: CONSTRUCTOR_GROUPS_NAME };

/** Creates the provider from its settings. */
export function createConstructorGroupsProvider(
  settings: ConstructorGroupsSettings,
  core: Pick<CoreContext, 'upstreamTimeoutMs' | 'addressPolicy'>,
): Provider {
  const serverAccount = constructorAccount(settings);
  /** The org's own key when it has one (its URL an org-set address), never the server's in its place. */
  const accountFor = (orgContext: OrgContext): ConstructorAccount | null =>
    chooseAccount(orgContext, CONSTRUCTOR_GROUPS_ID, {
      own: ({ fields }) => ({ ...constructorOwnAccount(fields), addressPolicy: core.addressPolicy }),
      server: serverAccount,
    });
  return {
    id: CONSTRUCTOR_GROUPS_ID,
    name: CONSTRUCTOR_GROUPS_NAME,
    capabilities: { voiceOnly: false, requiresUserAuthorization: false },
    availability(orgContext) {
      return availabilityWithCredentials(orgContext, CONSTRUCTOR_GROUPS_ID, CONSTRUCTOR_GROUPS_NOT_CONFIGURED, () =>
        constructorGroupsAvailability(settings),
      );
    },
    async createCall(request: CallRequest): Promise<CreatedCall> {
      const account = accountFor(request.orgContext);
      if (!account) throw new CallgateError('PROVIDER_NOT_CONFIGURED', CONSTRUCTOR_GROUPS_NOT_CONFIGURED);
      const { identity } = request;
      // The room belongs to its creator by email; without one there is nobody to create it for.
      if (identity.email.trim() === '') {
        throw new CallgateError('BAD_REQUEST', 'email: Constructor Groups needs the caller’s email address', {
          fields: { field: 'email' },
        });
      }
      const result = await createRoom(
        account,
        { creator_email: identity.email, name: request.meetingName, fallback_name: fallbackName(identity) },
        core.upstreamTimeoutMs,
      );
      if (!result.ok) throw serviceFailureToError(NAMES, result.failure);
      return { url: result.value };
    },
    async checkConnection(orgContext): Promise<CheckResult> {
      const account = accountFor(orgContext);
      if (!account) return { status: 'failed', reason: 'not_configured', detail: CONSTRUCTOR_GROUPS_NOT_CONFIGURED };
      const result = await checkAccount(account, core.upstreamTimeoutMs);
      return result.ok ? { status: 'ok' } : serviceFailureToCheck(NAMES, result.failure);
    },
  };
}
