import { describe, expect, test } from '@jest/globals';
import { checkReasonText, describeChange, fieldErrorText, fieldLabel } from './words.js';

const names = { jitsi_meet: 'Jitsi Meet', big_blue_button: 'BigBlueButton', zoom: 'Zoom' };

describe('fieldLabel', () => {
  test('when a setting is known, then its label is the one the page uses', () => {
    expect(fieldLabel('video_chat_provider')).toBe('Provider');
    expect(fieldLabel('jitsi_server_url')).toBe('Jitsi server URL');
  });

  test('when a setting is new, then its name is spelled out with abbreviations in capitals', () => {
    expect(fieldLabel('nextcloud_talk_server_url')).toBe('Nextcloud talk server URL');
    expect(fieldLabel('webex_site_id')).toBe('Webex site ID');
  });
});

describe('describeChange', () => {
  test('when the provider changed, then both sides are provider names', () => {
    expect(describeChange('video_chat_provider', 'big_blue_button', 'jitsi_meet', names)).toBe(
      'Provider: BigBlueButton → Jitsi Meet',
    );
    expect(describeChange('video_chat_provider', 'jitsi_meet', 'disabled', names)).toBe(
      'Provider: Jitsi Meet → None (calls turned off)',
    );
  });

  test("when an organization's own credentials changed, then the label names the provider and the field", () => {
    expect(describeChange('big_blue_button.secret', 'not set', 'replaced', names)).toBe(
      'BigBlueButton secret: not set → replaced',
    );
    expect(describeChange('big_blue_button.url', null, 'https://bbb.example.com/', names)).toBe(
      "BigBlueButton URL: this server's default → https://bbb.example.com/",
    );
  });

  test("when a setting was reset, then the empty side reads as the server's default", () => {
    expect(describeChange('jitsi_server_url', null, 'https://meet.example.com', names)).toBe(
      "Jitsi server URL: this server's default → https://meet.example.com",
    );
  });
});

describe('fieldErrorText', () => {
  test('when the API names the field and says https, then the page says it in words', () => {
    expect(fieldErrorText('jitsi_server_url', 'jitsi_server_url: must use https (http only for loopback hosts)')).toBe(
      'Jitsi server URL must start with https://',
    );
    expect(fieldErrorText('jitsi_server_url', 'jitsi_server_url: must be an absolute URL')).toBe(
      'Jitsi server URL must be a full address starting with https://',
    );
  });

  test('when the phrasing is not known, then its words are kept, without the key', () => {
    expect(fieldErrorText('jitsi_server_url', 'jitsi_server_url: must be at most 200 characters')).toBe(
      'Jitsi server URL must be at most 200 characters',
    );
  });
});

describe('checkReasonText', () => {
  test('when a reason is known, then it is a phrase, not a key', () => {
    expect(checkReasonText('not_a_jitsi_server')).toBe('this does not look like a Jitsi Meet server');
    expect(checkReasonText('unreachable')).toBe('the server could not be reached');
  });

  test('when a reason is new, then it is spelled out', () => {
    expect(checkReasonText('some_new_reason')).toBe('some new reason');
    expect(checkReasonText('')).toBe('unknown reason');
  });
});
