import { describe, expect, test } from '@jest/globals';
import {
  algorithmForChecksumLength,
  bbbChecksum,
  CHECKSUM_HEX_LENGTH,
  encodeBbbQuery,
  signBbbQuery,
} from './checksum.js';

// The example of BBB's API documentation; the sha1 value is the documented one, the others
// were computed independently: printf '%s' 'create<query><secret>' | sha256sum (etc.).
const SECRET = '639259d4-9dd8-4b25-bf01-95f9567eaf4b';
const QUERY = 'name=Test+Meeting&meetingID=abc123&attendeePW=111222&moderatorPW=333444';
const VECTORS = {
  sha1: '1fcbb0c4fc1f039f73aa6d697d2db9ba7f803f17',
  sha256: 'da9185f7f333cfdfcd6eeac32dca3777510c4c436020d8b887ba5515bd1d189e',
  sha384: '891ac633df39d0a1b4f8d597f3e190833216c4b29c4fb51ea3ca72757eeb958d6e7b49a845cf29f5c6019c7d29d029d1',
  sha512:
    'de73ad61d11a5c801b68d4bd6ec5248546085cefb0b25c85f3c46249ea93a3a4b120f92c0a8a58d7512cb77821884951a3b01245f3435dbbef49fff3cc3988b4',
} as const;

describe('bbbChecksum', () => {
  test.each(Object.entries(VECTORS))(
    'when signing the documented create example with %s, then the known vector comes out',
    (algorithm, expected) => {
      const checksum = bbbChecksum({
        algorithm: algorithm as keyof typeof VECTORS,
        call: 'create',
        query: QUERY,
        secret: SECRET,
      });
      expect(checksum).toBe(expected);
      expect(checksum).toHaveLength(CHECKSUM_HEX_LENGTH[algorithm as keyof typeof VECTORS]);
    },
  );

  test('when the call name differs, then the checksum differs', () => {
    const create = bbbChecksum({ algorithm: 'sha256', call: 'create', query: QUERY, secret: SECRET });
    const join = bbbChecksum({ algorithm: 'sha256', call: 'join', query: QUERY, secret: SECRET });
    expect(join).not.toBe(create);
  });

  test('when the documented parameters are signed in order, then the query and checksum are the documented ones', () => {
    const query = signBbbQuery({
      algorithm: 'sha1',
      call: 'create',
      params: [
        ['name', 'Test Meeting'],
        ['meetingID', 'abc123'],
        ['attendeePW', '111222'],
        ['moderatorPW', '333444'],
      ],
      secret: SECRET,
    });
    expect(query).toBe(`${QUERY}&checksum=${VECTORS.sha1}`);
  });

  test('when there are no parameters, then the query is the checksum alone, over the empty string', () => {
    const query = signBbbQuery({ algorithm: 'sha256', call: 'getMeetings', params: [], secret: SECRET });
    expect(query).toBe(
      `checksum=${bbbChecksum({ algorithm: 'sha256', call: 'getMeetings', query: '', secret: SECRET })}`,
    );
  });
});

describe('algorithmForChecksumLength', () => {
  test('when given each hex length, then the algorithm BBB would pick is answered, and null for others', () => {
    expect(algorithmForChecksumLength(40)).toBe('sha1');
    expect(algorithmForChecksumLength(64)).toBe('sha256');
    expect(algorithmForChecksumLength(96)).toBe('sha384');
    expect(algorithmForChecksumLength(128)).toBe('sha512');
    expect(algorithmForChecksumLength(32)).toBeNull();
  });
});

describe('encodeBbbQuery', () => {
  // Expected strings are what java.net.URLEncoder.encode(value, UTF_8) produces.
  test.each([
    ['a b', 'a+b'],
    ['*', '*'],
    ['~', '%7E'],
    ["'()!", '%27%28%29%21'],
    ['+&=%;', '%2B%26%3D%25%3B'],
    ['.-_', '.-_'],
    ['é', '%C3%A9'],
    ['😀', '%F0%9F%98%80'],
    ['a/b?c#d', 'a%2Fb%3Fc%23d'],
  ])('when a value is %j, then it is encoded as Java URLEncoder does: %s', (value, encoded) => {
    expect(encodeBbbQuery([['v', value]])).toBe(`v=${encoded}`);
  });

  test('when a value holds a lone surrogate, then it is sent as U+FFFD, which a re-encoding BBB keeps as is', () => {
    expect(encodeBbbQuery([['v', 'a\ud800b']])).toBe('v=a%EF%BF%BDb');
  });

  test('when parameters are given, then their order is kept', () => {
    expect(
      encodeBbbQuery([
        ['z', '1'],
        ['a', '2'],
      ]),
    ).toBe('z=1&a=2');
  });
});
