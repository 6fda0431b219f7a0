/** `POST /api/v1/calls` (SPEC §4). */
import { Router } from 'express';
import { z } from 'zod';
import { identityOf, requireBearer } from '../auth/middleware.js';
import { parseInput } from '../http/validate.js';
import { sendSuccess } from '../http/respond.js';
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
export function callRoutes(services: Services): Router {
  const router = Router();
  router.post('/api/v1/calls', requireBearer(services.verifier), async (req, res) => {
    const identity = identityOf(req);
    const body = parseInput(createCallBody, req.body ?? {});
    const isVideoCall = body.is_video_call ?? true;
    const meetingName = body.meeting_name ?? `${identity.name}'s meeting`.slice(0, MAX_MEETING_NAME);
    const call = await services.calls.create(identity, { isVideoCall, meetingName });
    sendSuccess(res, { provider: call.provider, url: call.url, is_video_call: call.isVideoCall });
  });
  return router;
}
