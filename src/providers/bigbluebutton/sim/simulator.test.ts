import { describe, expect, test } from '@jest/globals';
import { encodeBbbQuery } from '../checksum.js';
import { javaUrlEncode } from '../simulator.js';

describe('javaUrlEncode', () => {
  test('when encoding the characters URLEncoder keeps or changes, then Java’s output comes out', () => {
    expect(javaUrlEncode("a b*~'()!+&%é😀.-_")).toBe('a+b*%7E%27%28%29%21%2B%26%25%C3%A9%F0%9F%98%80.-_');
  });

  test('when any printable ASCII or sample non-ASCII text is encoded, then URLSearchParams agrees with it', () => {
    let ascii = '';
    for (let code = 0x20; code < 0x7f; code += 1) ascii += String.fromCharCode(code);
    for (const text of [ascii, 'Ünïcödé 会议 مكالمة 🎉', '\t\n\r']) {
      expect(encodeBbbQuery([['v', text]])).toBe(`v=${javaUrlEncode(text)}`);
    }
  });
});
