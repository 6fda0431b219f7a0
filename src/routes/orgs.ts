/** Organization settings, audit log and connection tests (SPEC §3, §6). */
import { Router, type Request } from 'express';
import { z } from 'zod';
import { ORG_ID_PATTERN } from '../auth/identity.js';
import { assertOrgAdmin, assertSameOrg, identityOf, requireBearer } from '../auth/middleware.js';
import { badRequest, CallgateError } from '../errors.js';
import { sendSuccess } from '../http/respond.js';
import { parseInput } from '../http/validate.js';
import { orgContext, parseJitsiServerUrlInput, type OrgSettings } from '../orgs/orgSettings.js';
import { DISABLED, PROVIDER_IDS } from '../providers/ids.js';
import type { Services } from '../services.js';

const patchBody = z
  .object({
    video_chat_provider: z.enum(PROVIDER_IDS).optional(),
    jitsi_server_url: z.string().max(2048).nullable().optional(),
  })
  .strict();

const auditQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(200).optional(),
    before: z.coerce.number().int().min(1).optional(),
  })
  .strict();

const statsQuery = z.object({ days: z.coerce.number().int().min(1).max(366).optional() }).strict();

/** The `{org}` path parameter, checked. */
function orgParam(req: Request): string {
  const org = String(req.params['org'] ?? '');
  if (!ORG_ID_PATTERN.test(org)) throw badRequest('org', 'invalid organization id');
  return org;
}

/** Routes under `/api/v1/orgs/{org}`. */
export function orgRoutes(services: Services): Router {
  const router = Router();
  const auth = requireBearer(services.verifier);

  const settingsBody = (settings: OrgSettings): Record<string, unknown> => ({
    video_chat_provider: settings.videoChatProvider,
    jitsi_server_url: settings.jitsiServerUrl,
    server_jitsi_server_url: services.config.jitsi.serverUrl,
    available_video_chat_providers: services.registry.availableIds(orgContext(settings)),
  });

  router.get('/api/v1/orgs/:org/settings', auth, async (req, res) => {
    const org = orgParam(req);
    assertSameOrg(identityOf(req), org);
    sendSuccess(res, settingsBody(await services.orgSettings.get(org)));
  });

  router.patch('/api/v1/orgs/:org/settings', auth, async (req, res) => {
    const org = orgParam(req);
    const identity = identityOf(req);
    assertOrgAdmin(identity, org);
    if (req.body === undefined || req.body === null || typeof req.body !== 'object' || Array.isArray(req.body)) {
      throw badRequest('body', 'must be a JSON object');
    }
    const body = parseInput(patchBody, req.body);
    const updated = await services.orgSettings.update(identity, org, {
      ...(body.video_chat_provider !== undefined ? { videoChatProvider: body.video_chat_provider } : {}),
      ...(body.jitsi_server_url !== undefined
        ? { jitsiServerUrl: parseJitsiServerUrlInput(body.jitsi_server_url) }
        : {}),
    });
    sendSuccess(res, settingsBody(updated));
  });

  router.get('/api/v1/orgs/:org/audit-log', auth, async (req, res) => {
    const org = orgParam(req);
    assertOrgAdmin(identityOf(req), org);
    const query = parseInput(auditQuery, req.query, 'query');
    const limit = query.limit ?? 50;
    const entries = await services.store.auditLog.list(org, {
      limit,
      ...(query.before !== undefined ? { beforeId: query.before } : {}),
    });
    sendSuccess(res, {
      entries: entries.map((entry) => ({
        id: entry.id,
        actor: { user_id: entry.actorUserId, name: entry.actorName },
        action: entry.action,
        changes: entry.changes,
        created_at: new Date(entry.createdAt).toISOString(),
      })),
      next_before: entries.length === limit ? (entries[entries.length - 1]?.id ?? null) : null,
    });
  });

  router.get('/api/v1/orgs/:org/calls/stats', auth, async (req, res) => {
    const org = orgParam(req);
    assertOrgAdmin(identityOf(req), org);
    const days = parseInput(statsQuery, req.query, 'query').days ?? 30;
    const since = startOfUtcDay(services.now()) - (days - 1) * 86_400_000;
    sendSuccess(res, {
      days,
      since: new Date(since).toISOString(),
      counts: await services.store.callRecords.countByDay(org, { since }),
    });
  });

  router.post('/api/v1/orgs/:org/providers/:id/check', auth, async (req, res) => {
    const org = orgParam(req);
    assertOrgAdmin(identityOf(req), org);
    const id = String(req.params['id']);
    if (!services.registry.has(id) || id === DISABLED) throw new CallgateError('NOT_FOUND', `Unknown provider: ${id}`);
    const providerId = id;
    const context = orgContext(await services.orgSettings.get(org));
    const availability = services.registry.availability(providerId, context);
    if (!availability.available) {
      sendSuccess(res, { status: 'failed', reason: 'not_configured', detail: availability.reason });
      return;
    }
    const provider = services.registry.get(providerId);
    // A provider with nothing to test live is as good as its availability.
    const result = provider.checkConnection ? await provider.checkConnection(context) : { status: 'ok' };
    sendSuccess(res, { ...result });
  });

  return router;
}

function startOfUtcDay(ms: number): number {
  return ms - (ms % 86_400_000);
}
