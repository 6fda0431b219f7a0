/** The secrets file parser (SPEC §9): values verbatim, comments only at the start of a line. */
import { describe, expect, test } from '@jest/globals';
import { parseSecrets } from './secrets.js';

describe('secrets parser', () => {
  test('when a value holds ;, #, = or quotes, then it is kept verbatim, trimmed', () => {
    const text = [
      '# leading comment',
      '[other]',
      'anything = goes here',
      '[secrets]',
      '; comment = not a secret',
      'auth_jwt_secret =  abc;def#ghi  ',
      'signing_secret="quoted" value',
      'token_encryption_key = AAAA==',
      'video_zoom_client_secret =',
    ].join('\r\n');
    expect(parseSecrets(text, 'f')).toEqual({
      auth_jwt_secret: 'abc;def#ghi',
      signing_secret: '"quoted" value',
      token_encryption_key: 'AAAA==',
    });
  });

  test('when the [secrets] section is malformed, then the error names the file and the problem', () => {
    expect(() => parseSecrets('[secrets]\nauth_jwt_secret\n', 'f')).toThrow(/^f: line 2 is not "name = value"$/);
    expect(() => parseSecrets('[secrets]\nsigning_secret = a\nsigning_secret = b\n', 'f')).toThrow(/set twice/);
    expect(() => parseSecrets('[secrets]\nmystery = a\n', 'f')).toThrow(/unknown secret "mystery"/);
    expect(() => parseSecrets('[other]\nsigning_secret = a\n', 'f')).toThrow(/no \[secrets\] section/);
  });
});
