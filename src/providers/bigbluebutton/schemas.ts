/**
 * Schemas of BigBlueButton's XML answers (https://docs.bigbluebutton.org/development/api/),
 * after xml2js with `explicitArray: false`: every answer is `<response>` with a `returncode`
 * and, on FAILED, a `messageKey` and `message`. Wire names as BBB spells them.
 */
import { z } from 'zod';

/** Any API answer: enough to tell success from failure. */
export const responseEnvelopeSchema = z.object({
  response: z
    .object({
      returncode: z.enum(['SUCCESS', 'FAILED']),
      messageKey: z.string().optional(),
      message: z.string().optional(),
    })
    .passthrough(),
});

/** A parsed answer envelope. */
export type BbbResponse = z.infer<typeof responseEnvelopeSchema>['response'];

/** The fields of a successful `create` answer that callgate uses. */
export const createResponseSchema = z.object({
  meetingID: z.string().min(1),
  // Milliseconds since the epoch; `join` must repeat it so a stale link cannot join a newer meeting.
  createTime: z.string().regex(/^\d+$/),
});

/** A successful `create` answer, in domain names. */
export interface CreatedMeeting {
  meetingId: string;
  createTime: string;
}
