import { describe, expect, test } from '@jest/globals';
import { appendToLog, callSummary, loadLog, LOG_KEY, MAX_MESSAGES, type PostedCall } from './demoLog.js';

/** A Storage stand-in: the same getItem/setItem contract as sessionStorage. */
function memoryStorage(): Pick<Storage, 'getItem' | 'setItem'> & { items: Map<string, string> } {
  const items = new Map<string, string>();
  return {
    items,
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => void items.set(key, value),
  };
}

const call = (n: number): PostedCall => ({
  author: 'Ada',
  at: `2026-01-01T00:00:${String(n % 60).padStart(2, '0')}.000Z`,
  meetingName: `meeting ${n}`,
  providerName: 'Jitsi Meet',
  isVideoCall: true,
  url: `https://meet.example/${n}`,
});

describe('callSummary', () => {
  test('when a call is posted, then its line names the kind, the meeting and the provider', () => {
    expect(callSummary({ isVideoCall: true, meetingName: 'general > demo', providerName: 'Jitsi Meet' })).toBe(
      'Video call “general > demo” on Jitsi Meet.',
    );
    expect(callSummary({ isVideoCall: false, meetingName: 'standup', providerName: 'Zoom' })).toBe(
      'Voice call “standup” on Zoom.',
    );
  });

  test('when the meeting has no name or the provider is unknown, then the line leaves them out', () => {
    expect(callSummary({ isVideoCall: true, meetingName: '  ', providerName: '' })).toBe('Video call.');
  });
});

describe('the session log', () => {
  test('when calls are appended, then they are read back in order for the same organization only', () => {
    const storage = memoryStorage();
    appendToLog(storage, 'acme', call(1));
    appendToLog(storage, 'acme', call(2));
    expect(loadLog(storage, 'acme')).toEqual([call(1), call(2)]);
    expect(loadLog(storage, 'globex')).toEqual([]);
  });

  test('when another organization posts, then its log replaces the previous one', () => {
    const storage = memoryStorage();
    appendToLog(storage, 'acme', call(1));
    expect(appendToLog(storage, 'globex', call(2))).toEqual([call(2)]);
    expect(loadLog(storage, 'acme')).toEqual([]);
  });

  test('when more than the limit are posted, then the oldest are dropped', () => {
    const storage = memoryStorage();
    for (let n = 0; n < MAX_MESSAGES + 5; n += 1) appendToLog(storage, 'acme', call(n));
    const calls = loadLog(storage, 'acme');
    expect(calls).toHaveLength(MAX_MESSAGES);
    expect(calls[0]).toEqual(call(5));
  });

  test.each(['not json', '[]', '{"org":"acme","calls":"x"}', '{"org":"acme","calls":[{"author":1}]}'])(
    'when the stored value is unreadable (%s), then the log is empty',
    (stored) => {
      const storage = memoryStorage();
      storage.items.set(LOG_KEY, stored);
      expect(loadLog(storage, 'acme')).toEqual([]);
    },
  );

  test('when storage refuses to write, then the call is still returned for the page', () => {
    const storage = {
      getItem: () => null,
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
    };
    expect(appendToLog(storage, 'acme', call(1))).toEqual([call(1)]);
  });
});
