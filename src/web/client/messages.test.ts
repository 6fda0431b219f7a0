import { describe, expect, test } from '@jest/globals';
import { callMessage, parseMessage } from './messages.js';

describe('chat messages', () => {
  test('when a call is posted, then the message is the Markdown link a chat writes', () => {
    expect(callMessage(true, 'https://meet.example/x')).toBe('[Join video call.](https://meet.example/x)');
    expect(callMessage(false, 'https://meet.example/x')).toBe('[Join voice call.](https://meet.example/x)');
  });

  test('when a message has a link, then it is split into text and the link', () => {
    expect(parseMessage('Hi [Join video call.](https://meet.example/a#b=1) now')).toEqual([
      { text: 'Hi ' },
      { text: 'Join video call.', href: 'https://meet.example/a#b=1' },
      { text: ' now' },
    ]);
  });

  test.each(['[click](javascript:alert(1))', '[x](data:text/html,hi)', '[x](/relative)'])(
    'when a link is not an absolute http(s) URL (%s), then it stays plain text',
    (message) => {
      const parts = parseMessage(message);
      expect(parts.some((part) => 'href' in part)).toBe(false);
      expect(parts.map((part) => part.text).join('')).toBe(message);
    },
  );
});
