import { describe, expect, test } from '@jest/globals';
import { parseSecrets } from '../../config/secrets.js';
import { buildConfig } from '../../config/index.js';
import { normalizeBigBlueButtonUrl } from './settings.js';

describe('normalizeBigBlueButtonUrl', () => {
  test.each([
    ['https://bbb.example.com/bigbluebutton/', 'https://bbb.example.com/bigbluebutton/'],
    ['https://bbb.example.com/bigbluebutton', 'https://bbb.example.com/bigbluebutton/'],
    ['  https://bbb.example.com/bigbluebutton/  ', 'https://bbb.example.com/bigbluebutton/'],
    ['https://bbb.example.com/bigbluebutton/api/', 'https://bbb.example.com/bigbluebutton/'],
    ['https://bbb.example.com/bigbluebutton/api', 'https://bbb.example.com/bigbluebutton/'],
    ['https://bbb.example.com/bigbluebutton/bigbluebutton/', 'https://bbb.example.com/bigbluebutton/'],
    ['https://bbb.example.com/bigbluebutton/bigbluebutton/api/', 'https://bbb.example.com/bigbluebutton/'],
    ['https://bbb.example.com/bigbluebutton//', 'https://bbb.example.com/bigbluebutton/'],
    ['https://bbb.example.com/', 'https://bbb.example.com/'],
    ['https://bbb.example.com:8443/b/', 'https://bbb.example.com:8443/b/'],
    ['http://127.0.0.1:4000/bigbluebutton', 'http://127.0.0.1:4000/bigbluebutton/'],
  ])('when an admin gives %j, then the base URL is %j', (raw, expected) => {
    expect(normalizeBigBlueButtonUrl(raw)).toBe(expected);
  });

  test.each([
    ['http://bbb.example.com/bigbluebutton/', /https/],
    ['https://bbb.example.com/bigbluebutton/?x=1', /query/],
    ['bbb.example.com', /absolute/],
  ])('when the URL is %j, then it is refused', (raw, problem) => {
    expect(() => normalizeBigBlueButtonUrl(raw)).toThrow(problem);
  });
});

describe('the BigBlueButton secret', () => {
  const base = {
    auth_jwt_secret: 'x'.repeat(32),
    signing_secret: 'y'.repeat(32),
    token_encryption_key: Buffer.alloc(32, 1).toString('base64'),
  };

  test('when the secrets file has spaces around it, then they are trimmed', () => {
    const secrets = parseSecrets('[secrets]\nbig_blue_button_secret =   s3cret  \n', 'test');
    expect(secrets.big_blue_button_secret).toBe('s3cret');
  });

  test('when the secret reaches the config with spaces around it, then the config holds it trimmed', () => {
    const config = buildConfig({
      env: { BIG_BLUE_BUTTON_URL: 'https://bbb.example.com/bigbluebutton/api/' },
      secrets: { ...base, big_blue_button_secret: '  s3cret ' },
    });
    expect(config.bigBlueButton).toEqual({
      url: 'https://bbb.example.com/bigbluebutton/',
      secret: 's3cret',
      checksumAlgorithm: 'sha256',
    });
  });

  test('when the checksum algorithm is set in capitals, then it is accepted; an unknown one stops start-up', () => {
    const config = buildConfig({ env: { BIG_BLUE_BUTTON_CHECKSUM_ALGORITHM: 'SHA512' }, secrets: base });
    expect(config.bigBlueButton.checksumAlgorithm).toBe('sha512');
    expect(() => buildConfig({ env: { BIG_BLUE_BUTTON_CHECKSUM_ALGORITHM: 'md5' }, secrets: base })).toThrow(
      /BIG_BLUE_BUTTON_CHECKSUM_ALGORITHM/,
    );
  });
});
