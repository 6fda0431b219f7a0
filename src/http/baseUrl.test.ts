import { describe, expect, test } from '@jest/globals';
import { joinUrl } from '../providers/shared/providerHttp.js';
import { parseProviderBaseUrl } from './baseUrl.js';

describe('provider base URLs', () => {
  test('when an operator enters a base URL, then https is required off loopback and one trailing slash is added', () => {
    expect(parseProviderBaseUrl(' https://cloud.example.com/nc ')).toBe('https://cloud.example.com/nc/');
    expect(parseProviderBaseUrl('https://cloud.example.com/nc//')).toBe('https://cloud.example.com/nc/');
    expect(parseProviderBaseUrl('http://127.0.0.1:8080')).toBe('http://127.0.0.1:8080/');
    expect(() => parseProviderBaseUrl('http://cloud.example.com')).toThrow('https');
    expect(() => parseProviderBaseUrl('https://user:pw@cloud.example.com')).toThrow('credentials');
    expect(() => parseProviderBaseUrl('https://cloud.example.com/?a=1')).toThrow('query');
    expect(() => parseProviderBaseUrl('not a url')).toThrow('absolute URL');
  });

  test('when a parsed base with a path is joined, then the whole path is kept', () => {
    const base = parseProviderBaseUrl('https://cloud.example.com/nextcloud');
    expect(joinUrl(base, 'ocs/v2.php/cloud/user')).toBe('https://cloud.example.com/nextcloud/ocs/v2.php/cloud/user');
    expect(joinUrl(parseProviderBaseUrl('https://api.example.com/v1'), 'room/default')).toBe(
      'https://api.example.com/v1/room/default',
    );
  });
});
