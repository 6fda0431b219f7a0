/** Organization settings, audit log, statistics and connection tests (SPEC §3, §6), as route entries. */
import { z } from 'zod';
import { ORG_ID_PATTERN, type Identity } from '../auth/identity.js';
import { assertOrgAdmin, assertSameOrg } from '../auth/middleware.js';
import { CallgateError } from '../errors.js';
import { callerOf, defineRoute, type RouteEntry } from '../http/route.js';
import { orgContext, type OrgSettings } from '../orgs/orgSettings.js';
import { DISABLED } from '../providers/ids.js';
import type { Services } from '../services.js';

const orgParams = z.object({ org: z.string().regex(ORG_ID_PATTERN, 'invalid organization id') });
const checkParams = orgParams.extend({ id: z.string() });

const auditQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(200).optional(),
    before: z.coerce.number().int().min(1).optional(),
  })
  .strict();

const statsQuery = z.object({ days: z.coerce.number().int().min(1).max(366).optional() }).strict();

const checkResult = z.object({
  status: z.enum(['ok', 'failed']),
  reason: z.string().optional(),
  detail: z.string().optional(),
});

/** What an access check of an org route sees. */
interface OrgRequest {
  identity: Identity | null;
  params: { org: string };
}

/** Routes under `/api/v1/orgs/{org}`. */
export function orgRoutes(services: Services): RouteEntry[] {
  const providerIds = services.registry.ids();
  const providerId = z.enum(providerIds as [string, ...string[]]);
  const fields = services.orgSettings.fields;

  const settingsSchema = z.object({
    video_chat_provider: providerId,
    ...Object.fromEntries(
      fields.flatMap((field) => [
        [field.name, z.string().nullable().describe(`Organization override: ${field.description}`)],
        ...(field.serverValue ? [[field.serverValue.name, z.string().nullable()]] : []),
      ]),
    ),
    available_video_chat_providers: z.array(providerId),
  });
  const patchBody = z
    .object({
      video_chat_provider: providerId.optional(),
      ...Object.fromEntries(fields.map((field) => [field.name, field.input.optional().describe(field.description)])),
    })
    .strict();

  const settingsBody = (settings: OrgSettings): Record<string, unknown> => ({
    video_chat_provider: settings.videoChatProvider,
    ...Object.fromEntries(
      fields.flatMap((field) => [
        [field.name, settings.fields[field.name] ?? null],
        ...(field.serverValue ? [[field.serverValue.name, field.serverValue.value]] : []),
      ]),
    ),
    available_video_chat_providers: services.registry.availableIds(orgContext(settings)),
  });
  const member = (request: OrgRequest): void => assertSameOrg(callerOf(request), request.params.org);
  const admin = (request: OrgRequest): void => assertOrgAdmin(callerOf(request), request.params.org);

  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/orgs/{org}/settings',
      summary: 'Organization settings',
      auth: 'bearer',
      // Every route here is one the admin page calls, so its page token is accepted (SPEC §9).
      pageToken: true,
      params: orgParams,
      access: member,
      success: { status: 200, schema: settingsSchema },
      errors: [400, 401, 403],
      async handle({ params }) {
        return { kind: 'success', fields: settingsBody(await services.orgSettings.get(params.org)) };
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/api/v1/orgs/{org}/settings',
      summary: 'Change organization settings (admin/owner)',
      auth: 'bearer',
      pageToken: true,
      params: orgParams,
      access: admin,
      body: patchBody,
      bodyRequired: true,
      success: { status: 200, schema: settingsSchema },
      errors: [400, 401, 403, 413],
      async handle(request) {
        const { video_chat_provider: videoChatProvider, ...changed } = request.body as Record<string, unknown>;
        const patch = Object.fromEntries(
          Object.entries(changed).filter((entry): entry is [string, string | null] => entry[1] !== undefined),
        );
        const updated = await services.orgSettings.update(callerOf(request), request.params.org, {
          ...(typeof videoChatProvider === 'string' ? { videoChatProvider } : {}),
          fields: patch,
        });
        return { kind: 'success', fields: settingsBody(updated) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/orgs/{org}/audit-log',
      summary: 'Settings changes, newest first (admin/owner)',
      auth: 'bearer',
      pageToken: true,
      params: orgParams,
      access: admin,
      query: auditQuery,
      success: {
        status: 200,
        schema: z.object({ entries: z.array(z.object({}).loose()), next_before: z.number().int().nullable() }),
      },
      errors: [400, 401, 403],
      async handle({ params, query }) {
        const limit = query.limit ?? 50;
        const entries = await services.store.auditLog.list(params.org, {
          limit,
          ...(query.before !== undefined ? { beforeId: query.before } : {}),
        });
        return {
          kind: 'success',
          fields: {
            entries: entries.map((entry) => ({
              id: entry.id,
              actor: { user_id: entry.actorUserId, name: entry.actorName },
              action: entry.action,
              changes: entry.changes,
              created_at: new Date(entry.createdAt).toISOString(),
            })),
            next_before: entries.length === limit ? (entries[entries.length - 1]?.id ?? null) : null,
          },
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/orgs/{org}/calls/stats',
      summary: 'Calls per provider per UTC day (admin/owner)',
      auth: 'bearer',
      pageToken: true,
      params: orgParams,
      access: admin,
      query: statsQuery,
      success: {
        status: 200,
        schema: z.object({ days: z.number().int(), since: z.string(), counts: z.array(z.object({}).loose()) }),
      },
      errors: [400, 401, 403],
      async handle({ params, query }) {
        const days = query.days ?? 30;
        const since = startOfUtcDay(services.now()) - (days - 1) * 86_400_000;
        return {
          kind: 'success',
          fields: {
            days,
            since: new Date(since).toISOString(),
            counts: await services.store.callRecords.countByDay(params.org, { since }),
          },
        };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/orgs/{org}/providers/{id}/check',
      summary: "Test a provider's connection live (admin/owner)",
      auth: 'bearer',
      pageToken: true,
      params: checkParams,
      access: admin,
      success: { status: 200, schema: checkResult },
      errors: [401, 403, 404, 429],
      async handle(request) {
        const { params } = request;
        const id = params.id;
        if (!services.registry.has(id) || id === DISABLED) {
          throw new CallgateError('NOT_FOUND', `Unknown provider: ${id}`);
        }
        // Limited per user (SPEC §9): a check opens connections on the caller's say-so.
        await services.checkLimiter.hit(callerOf(request));
        const context = orgContext(await services.orgSettings.get(params.org));
        const availability = services.registry.availability(id, context);
        if (!availability.available) {
          return {
            kind: 'success',
            fields: { status: 'failed', reason: 'not_configured', detail: availability.reason },
          };
        }
        const provider = services.registry.get(id);
        // A provider with nothing to test live is as good as its availability.
        const result = provider.checkConnection ? await provider.checkConnection(context) : { status: 'ok' };
        return { kind: 'success', fields: { ...result } };
      },
    }),
  ];
}

function startOfUtcDay(ms: number): number {
  return ms - (ms % 86_400_000);
}
