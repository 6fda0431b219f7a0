import { describe, expect, test } from '@jest/globals';
import { joinBaseUrl, parseProviderBaseUrl, withTrailingSlash } from './baseUrl.js';

describe('provider base URLs', () => {
  test('when a base has a path without a trailing slash, then joining keeps the whole path', () => {
    expect(joinBaseUrl('https://cloud.example.com/nextcloud', 'ocs/v2.php/cloud/user')).toBe(
      'https://cloud.example.com/nextcloud/ocs/v2.php/cloud/user',
    );
    expect(joinBaseUrl('https://api.example.com/v1/', 'room/default')).toBe('https://api.example.com/v1/room/default');
    expect(joinBaseUrl('https://example.com', 'room/default')).toBe('https://example.com/room/default');
  });

  test('when a base has several trailing slashes, then exactly one is kept', () => {
    expect(withTrailingSlash('https://example.com/a//')).toBe('https://example.com/a/');
  });

  test('when the relative part is absolute, climbs up or names a scheme, then it is refused', () => {
    for (const relative of [
      '/ocs/v2.php',
      '../admin',
      'a/../../b',
      './x',
      'https://evil.example/x',
      'javascript:alert(1)',
    ]) {
      expect(() => joinBaseUrl('https://example.com/base/', relative)).toThrow('not a plain relative path');
    }
  });

  test('when an operator enters a base URL, then https is required off loopback and a trailing slash is added', () => {
    expect(parseProviderBaseUrl(' https://cloud.example.com/nc ')).toBe('https://cloud.example.com/nc/');
    expect(parseProviderBaseUrl('http://127.0.0.1:8080')).toBe('http://127.0.0.1:8080/');
    expect(() => parseProviderBaseUrl('http://cloud.example.com')).toThrow('https');
    expect(() => parseProviderBaseUrl('https://user:pw@cloud.example.com')).toThrow('credentials');
    expect(() => parseProviderBaseUrl('https://cloud.example.com/?a=1')).toThrow('query');
    expect(() => parseProviderBaseUrl('not a url')).toThrow('absolute URL');
  });
});
