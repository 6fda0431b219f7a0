/** The simulator's API calls: `create` (idempotent per meetingID), `join` and `getMeetings`. */
import { createHash } from 'node:crypto';
import type { Response } from 'express';
import { escapeHtml, renderPage } from '../../../web/html.js';
import type { SimulatedMeeting } from './types.js';
import { sendXml, xmlFields } from './xml.js';

/** The call handlers of one simulator. */
export interface BbbCallHandlers {
  create(res: Response, params: Record<string, string>, missingFields: boolean): void;
  join(res: Response, params: Record<string, string>): void;
  getMeetings(res: Response): void;
}

/** Creates the handlers over the simulator's meetings. */
export function createCallHandlers(meetings: Map<string, SimulatedMeeting>, now: () => number): BbbCallHandlers {
  function create(res: Response, params: Record<string, string>, missingFields: boolean): void {
    const meetingId = params['meetingID'];
    if (!meetingId) {
      sendXml(res, {
        returncode: 'FAILED',
        messageKey: 'missingParamMeetingID',
        message: 'You must specify a meeting ID',
      });
      return;
    }
    if (missingFields) {
      sendXml(res, { returncode: 'SUCCESS', messageKey: '', message: '' });
      return;
    }
    // `create` on an existing meetingID answers the existing meeting (BBB: duplicateWarning).
    let meeting = meetings.get(meetingId);
    const duplicate = meeting !== undefined;
    if (!meeting) {
      const createTime = String(now());
      meeting = {
        meetingId,
        internalMeetingId: `${createHash('sha1').update(meetingId).digest('hex')}-${createTime}`,
        name: params['name'] ?? meetingId,
        createTime,
        lockSettingsDisableCam: params['lockSettingsDisableCam'] === 'true',
        muteOnStart: params['muteOnStart'] === 'true',
        attendees: [],
      };
      meetings.set(meetingId, meeting);
    }
    sendXml(res, {
      returncode: 'SUCCESS',
      meetingID: meeting.meetingId,
      internalMeetingID: meeting.internalMeetingId,
      parentMeetingID: 'bbb-none',
      createTime: meeting.createTime,
      voiceBridge: '70757',
      dialNumber: '613-555-1234',
      createDate: new Date(Number(meeting.createTime)).toUTCString(),
      hasUserJoined: String(meeting.attendees.length > 0),
      duration: '0',
      hasBeenForciblyEnded: 'false',
      messageKey: duplicate ? 'duplicateWarning' : '',
      message: duplicate ? 'This conference was already in existence and may currently be in progress.' : '',
    });
  }

  function join(res: Response, params: Record<string, string>): void {
    const meeting = meetings.get(params['meetingID'] ?? '');
    const fullName = params['fullName'];
    const role = params['role'];
    if (!meeting) {
      sendXml(res, {
        returncode: 'FAILED',
        messageKey: 'notFound',
        message: 'We could not find a meeting with that meeting ID',
      });
      return;
    }
    if (!fullName || (role !== 'MODERATOR' && role !== 'VIEWER')) {
      sendXml(res, { returncode: 'FAILED', messageKey: 'missingParam', message: 'You must specify fullName and role' });
      return;
    }
    if (params['createTime'] !== undefined && params['createTime'] !== meeting.createTime) {
      sendXml(res, {
        returncode: 'FAILED',
        messageKey: 'mismatchCreateTime',
        message: 'The createTime does not match',
      });
      return;
    }
    meeting.attendees.push({ userId: params['userID'] ?? '', fullName, role });
    res.type('html').send(
      renderPage({
        title: `Joined ${meeting.name}`,
        paragraphs: [
          `Meeting: ${meeting.name}`,
          `Meeting ID: ${meeting.meetingId}`,
          `Joined by: ${fullName}`,
          `Role: ${role}`,
          `Cameras: ${meeting.lockSettingsDisableCam ? 'locked (voice call)' : 'allowed'}`,
        ],
        trustedHtml: `<p data-testid="simulator">BigBlueButton simulator · user ${escapeHtml(params['userID'] ?? '')}</p>`,
      }),
    );
  }

  function getMeetings(res: Response): void {
    const list = [...meetings.values()];
    const inner = list
      .map(
        (meeting) =>
          `<meeting>${xmlFields({
            meetingName: meeting.name,
            meetingID: meeting.meetingId,
            internalMeetingID: meeting.internalMeetingId,
            createTime: meeting.createTime,
            participantCount: String(meeting.attendees.length),
            moderatorCount: String(meeting.attendees.filter((a) => a.role === 'MODERATOR').length),
          })}</meeting>`,
      )
      .join('');
    const extra =
      list.length === 0
        ? xmlFields({ messageKey: 'noMeetings', message: 'no meetings were found on this server' })
        : '';
    res
      .type('application/xml')
      .send(`<response><returncode>SUCCESS</returncode><meetings>${inner}</meetings>${extra}</response>`);
  }

  return { create, join, getMeetings };
}
