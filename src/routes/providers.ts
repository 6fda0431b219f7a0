/** `GET /api/v1/providers` (SPEC §3): every provider with its availability for the caller's org. */
import { z } from 'zod';
import { callerOf, defineRoute, type RouteEntry } from '../http/route.js';
import { orgContext } from '../orgs/orgSettings.js';
import type { Services } from '../services.js';

/** Routes of provider discovery. */
export function providerRoutes(services: Services): RouteEntry[] {
  const description = z.object({
    id: z.enum(services.registry.ids()),
    name: z.string(),
    available: z.boolean(),
    reason: z.string().optional(),
    capabilities: z.object({ voice_only: z.boolean(), requires_user_authorization: z.boolean() }),
  });
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/providers',
      summary: "Providers and their availability for the caller's organization",
      auth: 'bearer',
      // The admin page lists providers too, so its page token is accepted here.
      pageToken: true,
      success: { status: 200, schema: z.object({ providers: z.array(description) }) },
      errors: [401],
      async handle(request) {
        const settings = await services.orgSettings.get(callerOf(request).org);
        return { kind: 'success', fields: { providers: services.registry.describe(orgContext(settings)) } };
      },
    }),
  ];
}
