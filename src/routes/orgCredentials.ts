/**
 * `/api/v1/orgs/{org}/providers/{id}/credentials` (SPEC §10): an organization's own
 * provider account. Owners write and test; admins read the non-secret fields. Served only
 * when the feature is on (`ORG_CREDENTIALS`); secrets never appear in any answer.
 */
import { z } from 'zod';
import { ORG_ID_PATTERN, type Identity } from '../auth/identity.js';
import { assertOrgAdmin, assertSameOrg } from '../auth/middleware.js';
import { CallgateError } from '../errors.js';
import { callerOf, defineRoute, type RouteEntry } from '../http/route.js';
import type { OrgCredentialsService } from '../orgs/orgCredentials.js';
import { orgContext } from '../orgs/orgSettings.js';
import type { CheckResult } from '../providers/types.js';
import type { Services } from '../services.js';

const params = z.object({
  org: z.string().regex(ORG_ID_PATTERN, 'invalid organization id'),
  id: z.string().max(64),
});

/** The fields themselves; each provider's own schema checks them in the handler. */
const body = z
  .record(z.string().max(64), z.string().max(8192).nullable())
  .describe(
    'The provider\'s fields, e.g. {"account_id","client_id","client_secret"}; a secret left out (or empty) keeps the stored one when the rest names the same account',
  );

const view = z.object({
  configured: z.boolean(),
  fields: z.record(z.string(), z.string()).optional().describe('Non-secret fields only'),
  updated_at: z.string().optional(),
  updated_by: z.object({ user_id: z.string(), name: z.string() }).optional(),
});

const checkResult = z.object({
  status: z.enum(['ok', 'failed']),
  reason: z.string().optional(),
  detail: z.string().optional(),
});

/** What an access check sees. */
interface CredentialsRequest {
  identity: Identity | null;
  params: { org: string; id: string };
}

/** Throws FORBIDDEN unless the caller is the owner of `org`. */
function assertOrgOwner(identity: Identity, org: string): void {
  assertSameOrg(identity, org);
  if (identity.role !== 'owner') {
    throw new CallgateError('FORBIDDEN', "Only the organization's owner can change its provider credentials");
  }
}

/** Routes of organizations' own credentials; none when the feature is off. */
export function orgCredentialRoutes(services: Services): RouteEntry[] {
  const credentials = services.orgCredentials;
  if (!credentials) return [];
  const path = '/api/v1/orgs/{org}/providers/{id}/credentials';
  const admin = (request: CredentialsRequest): void => {
    assertOrgAdmin(callerOf(request), request.params.org);
    credentials.spec(request.params.id);
  };
  const owner = (request: CredentialsRequest): void => {
    assertOrgOwner(callerOf(request), request.params.org);
    credentials.spec(request.params.id);
  };
  const ids = credentials.providerIds().join(', ');
  return [
    defineRoute({
      method: 'get',
      path,
      summary: `An organization's own credentials for a provider, without secrets (admin/owner; ${ids})`,
      auth: 'bearer',
      // The admin page calls these with its page token (SPEC §9).
      pageToken: true,
      params,
      access: admin,
      success: { status: 200, schema: view },
      errors: [400, 401, 403, 404],
      async handle(request) {
        return { kind: 'success', fields: await credentials.view(request.params.org, request.params.id) };
      },
    }),
    defineRoute({
      method: 'put',
      path,
      summary: "Set an organization's own credentials for a provider (owner); answers as GET",
      auth: 'bearer',
      // The admin page calls these with its page token (SPEC §9).
      pageToken: true,
      params,
      access: owner,
      body,
      bodyRequired: true,
      success: { status: 200, schema: view },
      errors: [400, 401, 403, 404, 413],
      async handle(request) {
        const { org, id } = request.params;
        await credentials.put(callerOf(request), org, id, request.body);
        return { kind: 'success', fields: await credentials.view(org, id) };
      },
    }),
    defineRoute({
      method: 'delete',
      path,
      summary: "Remove an organization's own credentials (owner); a selected provider is then not configured",
      auth: 'bearer',
      // The admin page calls these with its page token (SPEC §9).
      pageToken: true,
      params,
      access: owner,
      success: { status: 200, schema: view },
      errors: [400, 401, 403, 404],
      async handle(request) {
        const { org, id } = request.params;
        const settings = await services.orgSettings.get(org);
        await credentials.remove(callerOf(request), org, id, settings.videoChatProvider === id);
        return { kind: 'success', fields: await credentials.view(org, id) };
      },
    }),
    defineRoute({
      method: 'post',
      path: `${path}/check`,
      summary: 'Test credentials live without storing them (owner); answers like the connection check',
      auth: 'bearer',
      // The admin page calls these with its page token (SPEC §9).
      pageToken: true,
      params,
      access: owner,
      body,
      bodyRequired: true,
      success: { status: 200, schema: checkResult },
      errors: [400, 401, 403, 404, 413, 429],
      async handle(request) {
        const { org, id } = request.params;
        // Limited per user, with the connection checks (SPEC §9): a check connects on the caller's say-so.
        await services.checkLimiter.hit(callerOf(request));
        const result = await checkCandidate(services, credentials, org, id, request.body);
        return { kind: 'success', fields: { ...result } };
      },
    }),
  ];
}

/** Runs the provider's connection check with a candidate set in place of the stored one. */
async function checkCandidate(
  services: Services,
  credentials: OrgCredentialsService,
  org: string,
  id: string,
  candidateBody: Record<string, string | null>,
): Promise<CheckResult> {
  const fields = await credentials.resolve(org, id, candidateBody);
  const current = orgContext(await services.orgSettings.get(org));
  const context = {
    ...current,
    credentials: { ...current.credentials, [id]: credentials.candidate(org, id, fields) },
  };
  const availability = services.registry.availability(id, context);
  if (!availability.available) return { status: 'failed', reason: 'not_configured', detail: availability.reason };
  const provider = services.registry.get(id);
  return provider.checkConnection ? provider.checkConnection(context) : { status: 'ok' };
}
