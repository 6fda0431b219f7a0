/** `POST /api/v1/calls` (SPEC §4). */
import { z } from 'zod';
import { callerOf, defineRoute, type RouteEntry } from '../http/route.js';
import type { Services } from '../services.js';

/** The longest meeting name accepted. */
export const MAX_MEETING_NAME = 200;

const createCallBody = z
  .object({
    is_video_call: z.boolean().optional(),
    meeting_name: z.string().trim().min(1).max(MAX_MEETING_NAME).optional(),
  })
  .strict();

/** Routes of call creation. */
export function callRoutes(services: Services): RouteEntry[] {
  return [
    defineRoute({
      method: 'post',
      path: '/api/v1/calls',
      summary: "Create a call with the organization's provider",
      auth: 'bearer',
      body: createCallBody,
      success: {
        status: 200,
        schema: z.object({ provider: z.enum(services.registry.ids()), url: z.string(), is_video_call: z.boolean() }),
      },
      errors: [400, 401, 403, 413, 429, 502, 503, 504],
      async handle(request) {
        const identity = callerOf(request);
        const isVideoCall = request.body.is_video_call ?? true;
        const meetingName = request.body.meeting_name ?? `${identity.name}'s meeting`.slice(0, MAX_MEETING_NAME);
        const call = await services.calls.create(identity, { isVideoCall, meetingName });
        return { kind: 'success', fields: { provider: call.provider, url: call.url, is_video_call: call.isVideoCall } };
      },
    }),
  ];
}
