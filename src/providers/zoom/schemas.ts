/**
 * Zoom wire formats, parsed with zod. Wire names stay snake_case here; the domain gets camelCase.
 * OAuth: https://developers.zoom.us/docs/integrations/oauth/
 * Server-to-server OAuth: https://developers.zoom.us/docs/internal-apps/s2s-oauth/
 * Meetings: https://developers.zoom.us/docs/api/meetings/#tag/meetings/POST/users/{userId}/meetings
 */
import { z } from 'zod';

/** A token endpoint answer (account_credentials, authorization_code, refresh_token). */
export const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string(),
  expires_in: z.number().positive(),
  refresh_token: z.string().min(1).optional(),
  scope: z.string().optional(),
});

/** The answer of `POST /v2/users/{userId}/meetings` (only what callgate uses). */
export const meetingResponseSchema = z.object({
  id: z.union([z.number(), z.string()]),
  join_url: z.url(),
});

/** The answer of `GET /v2/users/me` (only what callgate uses). */
export const currentUserSchema = z.object({
  id: z.string().min(1),
  account_id: z.string().min(1),
});

/** Zoom's API error body, e.g. `{"code":1001,"message":"User does not exist"}`. */
export const apiErrorSchema = z.object({
  code: z.number(),
  message: z.string().optional(),
});

/** A webhook envelope: https://developers.zoom.us/docs/api/webhooks/ */
export const webhookEnvelopeSchema = z.object({
  event: z.string(),
  payload: z.record(z.string(), z.unknown()),
});

/** Payload of `endpoint.url_validation`. */
export const urlValidationPayloadSchema = z.object({ plainToken: z.string().min(1).max(256) });

/** Payload of `app_deauthorized`: https://developers.zoom.us/docs/integrations/#deauthorization */
export const deauthorizedPayloadSchema = z.object({
  user_id: z.string().min(1),
  account_id: z.string().min(1).optional(),
});

/** The body of a meeting creation, as Zulip sends it. */
export interface MeetingRequestBody {
  topic: string;
  settings: { host_video: boolean; participant_video: boolean };
  default_password: true;
}

/** Builds the meeting body: voice calls start with cameras off. */
export function meetingBody(meetingName: string, isVideoCall: boolean): MeetingRequestBody {
  return {
    topic: meetingName,
    settings: { host_video: isVideoCall, participant_video: isVideoCall },
    default_password: true,
  };
}
