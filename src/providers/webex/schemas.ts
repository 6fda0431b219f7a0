/**
 * Webex wire formats, parsed with zod (only what callgate uses; Webex adds fields freely).
 * Rooms: https://developer.webex.com/docs/api/v1/rooms/create-a-room
 * Meetings: https://developer.webex.com/docs/api/v1/meetings/create-a-meeting
 * Errors: https://developer.webex.com/docs/basics#api-errors
 */
import { z } from 'zod';

/** How long a personal-room meeting is booked for, as Zulip books it. */
export const PERSONAL_ROOM_MEETING_MINUTES = 40;

/** A link a browser may open: http(s) only, never `javascript:` or `data:`. */
const webUrl = z.url({ protocol: /^https?$/ });

/** The answer of `POST rooms`. */
export const roomResponseSchema = z.object({ id: z.string().min(1).max(1000) });

/** The answer of `POST meetings`; `webLink` is the join URL. */
export const meetingResponseSchema = z.object({ id: z.string().min(1).max(1000), webLink: webUrl });

/**
 * Webex's error body, e.g. `{"message":"...","errors":[{"description":"..."}],"trackingId":"..."}`.
 * Only a body of this shape is a Webex refusal; anything else is not Webex speaking.
 */
export const apiErrorSchema = z.object({
  message: z.string(),
  errors: z.array(z.object({ description: z.string() }).loose()).optional(),
  trackingId: z.string().optional(),
});

/** An OAuth error answer of `access_token` (RFC 6749 §5.2). */
export const oauthErrorSchema = z.object({
  error: z.string().min(1),
  error_description: z.string().optional(),
});

/** `POST rooms`: a public space, so anyone with the link can join its meeting. */
export interface RoomRequestBody {
  title: string;
  isPublic: true;
  /** Webex refuses a public room without a description. */
  description: string;
}

/** `POST meetings`: an ad-hoc meeting in a room, or a meeting in the user's personal room. */
export type MeetingRequestBody =
  | { adhoc: true; roomId: string; title: string }
  | { scheduledType: 'personalRoomMeeting'; title: string; start: string; end: string };

/** The room body for a meeting name. */
export function roomBody(meetingName: string): RoomRequestBody {
  return { title: meetingName, isPublic: true, description: meetingName };
}

/** The ad-hoc meeting body for a created room. */
export function adhocMeetingBody(meetingName: string, roomId: string): MeetingRequestBody {
  return { adhoc: true, roomId, title: meetingName };
}

/**
 * The personal-room meeting body, starting now. Webex refuses a start in the past, so the
 * start is rounded up to the next whole second (it is also written without milliseconds).
 */
export function personalRoomMeetingBody(meetingName: string, nowMs: number): MeetingRequestBody {
  const start = Math.ceil(nowMs / 1000) * 1000;
  const end = start + PERSONAL_ROOM_MEETING_MINUTES * 60_000;
  return { scheduledType: 'personalRoomMeeting', title: meetingName, start: isoSeconds(start), end: isoSeconds(end) };
}

function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
