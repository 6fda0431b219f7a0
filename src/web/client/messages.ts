/**
 * Chat messages as a chat product writes them: Markdown where `[text](url)` is a link.
 * Rendering builds DOM nodes, never HTML strings, so no message can inject markup.
 */

/** The message a chat posts for a new call, as Zulip writes it. */
export function callMessage(isVideoCall: boolean, url: string): string {
  return `[${isVideoCall ? 'Join video call.' : 'Join voice call.'}](${url})`;
}

/** One piece of a message: plain text, or a link. */
export type MessagePart = { text: string } | { text: string; href: string };

const LINK = /\[([^\]]+)\]\(([^)\s]+)\)/g;

/** Splits a message into text and links; only http(s) URLs become links. */
export function parseMessage(message: string): MessagePart[] {
  const parts: MessagePart[] = [];
  let last = 0;
  for (const match of message.matchAll(LINK)) {
    const [whole, text = '', href = ''] = match;
    const index = match.index ?? 0;
    if (index > last) parts.push({ text: message.slice(last, index) });
    parts.push(isWebUrl(href) ? { text, href } : { text: whole });
    last = index + whole.length;
  }
  if (last < message.length) parts.push({ text: message.slice(last) });
  return parts;
}

function isWebUrl(href: string): boolean {
  try {
    const url = new URL(href);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}
