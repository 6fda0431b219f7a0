/**
 * The demo chat's posted calls, kept for the browser session (sessionStorage), so that a
 * reload or a visit to the admin page does not empty the chat. Stored as data, never as
 * HTML or Markdown: a meeting name is shown as text, whatever it contains.
 */

/** A call the demo posted to its chat. */
export interface PostedCall {
  author: string;
  /** ISO time of posting. */
  at: string;
  meetingName: string;
  /** The provider's name, e.g. "Jitsi Meet". */
  providerName: string;
  isVideoCall: boolean;
  url: string;
}

/** sessionStorage key of the log. */
export const LOG_KEY = 'callgate-demo-messages';

/** The most messages kept: a session's worth, well under sessionStorage's quota. */
export const MAX_MESSAGES = 100;

/** The line a posted call reads as, before its link, e.g. 'Video call "standup" on Zoom.' */
export function callSummary(call: Pick<PostedCall, 'isVideoCall' | 'meetingName' | 'providerName'>): string {
  const kind = call.isVideoCall ? 'Video call' : 'Voice call';
  const name = call.meetingName.trim() ? ` “${call.meetingName.trim()}”` : '';
  const provider = call.providerName ? ` on ${call.providerName}` : '';
  return `${kind}${name}${provider}.`;
}

function isPostedCall(value: unknown): value is PostedCall {
  if (value === null || typeof value !== 'object') return false;
  const call = value as Record<string, unknown>;
  return (
    ['author', 'at', 'meetingName', 'providerName', 'url'].every((key) => typeof call[key] === 'string') &&
    typeof call['isVideoCall'] === 'boolean'
  );
}

/** The calls posted in `org` this session; anything unreadable counts as none. */
export function loadLog(storage: Pick<Storage, 'getItem'>, org: string): PostedCall[] {
  try {
    const stored: unknown = JSON.parse(storage.getItem(LOG_KEY) ?? 'null');
    if (stored === null || typeof stored !== 'object') return [];
    const { org: storedOrg, calls } = stored as { org?: unknown; calls?: unknown };
    if (storedOrg !== org || !Array.isArray(calls)) return [];
    return calls.filter(isPostedCall).slice(-MAX_MESSAGES);
  } catch {
    return [];
  }
}

/** Appends a call to the log of `org` (a log of another organization is replaced) and returns the log. */
export function appendToLog(
  storage: Pick<Storage, 'getItem' | 'setItem'>,
  org: string,
  call: PostedCall,
): PostedCall[] {
  const calls = [...loadLog(storage, org), call].slice(-MAX_MESSAGES);
  try {
    storage.setItem(LOG_KEY, JSON.stringify({ org, calls }));
  } catch {
    // Storage full or refused (private mode): the chat still shows the call until a reload.
  }
  return calls;
}
