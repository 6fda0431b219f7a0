/**
 * The address policy (SPEC §9) on its own: how every spelling of an internal address is
 * judged once the WHATWG URL parser has read it, the operator's exceptions, and the socket
 * lookup with a fake resolver. Sockets open only to 127.0.0.1 here.
 */
import { describe, expect, test } from '@jest/globals';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import {
  addressRange,
  AddressNotAllowedError,
  createAddressPolicy,
  parseAllowedUpstreamHosts,
  type ResolvedAddress,
} from './addressPolicy.js';
import { upstreamRequest, UpstreamError } from './upstream.js';
import { bbbFailureToError } from '../providers/bigbluebutton/bbbClient.js';

const none = parseAllowedUpstreamHosts('');

/** A policy whose resolver answers from a table and records what it was asked. */
function policyWith(table: Record<string, string[]>, options: { allowed?: string; allowLoopback?: boolean } = {}) {
  const asked: string[] = [];
  const policy = createAddressPolicy({
    allowed: parseAllowedUpstreamHosts(options.allowed ?? ''),
    allowLoopback: options.allowLoopback ?? false,
    async resolve(hostname): Promise<ResolvedAddress[]> {
      asked.push(hostname);
      const addresses = table[hostname];
      if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
      return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    },
  });
  return { policy, asked };
}

/** A TCP server on 127.0.0.1 that only counts the connections it gets. */
async function recordingServer(): Promise<{ port: number; connections: () => number; close(): Promise<void> }> {
  let count = 0;
  const server: Server = createServer((socket) => {
    count += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    connections: () => count,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('address policy', () => {
  test.each([
    ['https://127.0.0.1', 'loopback'],
    ['https://127.1', 'loopback'],
    ['https://0x7f000001', 'loopback'],
    ['https://2130706433', 'loopback'],
    ['https://0177.0.0.1', 'loopback'],
    ['https://127.0.0.1.', 'loopback'],
    ['https://[::1]', 'loopback'],
    ['https://[::ffff:127.0.0.1]', 'loopback'],
    ['https://10.0.0.1', 'private'],
    ['https://172.16.5.4', 'private'],
    ['https://192.168.1.1', 'private'],
    ['https://0xc0a80101', 'private'],
    ['https://100.64.0.1', 'carrier-grade NAT'],
    ['https://169.254.169.254/latest/meta-data', 'link-local'],
    ['https://[::ffff:a9fe:a9fe]', 'link-local'],
    ['https://[fe80::1]', 'link-local'],
    ['https://[fd00::1]', 'unique-local'],
    ['https://[fc00::1]', 'unique-local'],
    ['https://0.0.0.0', 'unspecified'],
    ['https://0', 'unspecified'],
    ['https://[::]', 'unspecified'],
    ['https://224.0.0.1', 'multicast'],
    ['https://[ff02::1]', 'multicast'],
    ['https://240.0.0.1', 'reserved'],
    ['https://192.0.2.1', 'reserved'],
    ['https://[::a9fe:a9fe]', 'reserved'],
    ['https://[::7f00:1]', 'reserved'],
    ['https://[4000::1]', 'reserved'],
    ['https://255.255.255.255', 'broadcast'],
    ['https://localhost', 'loopback'],
    ['https://jitsi.localhost', 'loopback'],
  ])('when %s is set, then it is refused as %s', (url, words) => {
    const refusal = createAddressPolicy({ allowed: none, allowLoopback: false }).refusalOf(url);
    expect(refusal).toContain(words === 'reserved' ? 'a reserved' : words);
    expect(refusal).toContain('organizations may not use');
  });

  test('when a public address or an unresolved name is set, then it is accepted without resolving', () => {
    const { policy, asked } = policyWith({});
    expect(policy.refusalOf('https://8.8.8.8')).toBeNull();
    expect(policy.refusalOf('https://[2001:4860:4860::8888]')).toBeNull();
    expect(policy.refusalOf('https://meet.example.com/team')).toBeNull();
    expect(policy.refusalOf('https://127.0.0.1.nip.io')).toBeNull();
    expect(asked).toEqual([]);
  });

  test('when the operator allows names, addresses and ranges, then those are accepted and nothing else', () => {
    const allowed = parseAllowedUpstreamHosts(' Jitsi.Internal.Example. , 10.1.2.3, 192.168.0.0/16 ,fd00::/8');
    const policy = createAddressPolicy({ allowed, allowLoopback: false });
    expect(policy.refusalOf('https://jitsi.internal.example')).toBeNull();
    expect(policy.refusalOf('https://10.1.2.3')).toBeNull();
    expect(policy.refusalOf('https://10.1.2.4')).toContain('private');
    expect(policy.refusalOf('https://192.168.77.1')).toBeNull();
    expect(policy.refusalOf('https://[fd12::1]')).toBeNull();
    expect(policy.refusalOf('https://127.0.0.1')).toContain('loopback');
    expect(() => parseAllowedUpstreamHosts('10.0.0.0/99')).toThrow(/not a valid CIDR range/);
    expect(() => parseAllowedUpstreamHosts('jitsi server')).toThrow(/not a host name, an address or a CIDR range/);
  });

  test('when in local mode, then loopback is allowed and private addresses are not', () => {
    const policy = createAddressPolicy({ allowed: none, allowLoopback: true });
    expect(policy.refusalOf('http://127.0.0.1:8080')).toBeNull();
    expect(policy.refusalOf('http://localhost:8080')).toBeNull();
    expect(policy.refusalOf('https://10.0.0.1')).toContain('private');
  });

  test('when addresses are classified, then IPv4-mapped IPv6 is judged as its IPv4 address', () => {
    expect(addressRange('::ffff:10.0.0.1')).toBe('private');
    expect(addressRange('[::ffff:a9fe:a9fe]')).toBe('linkLocal');
    expect(addressRange('93.184.216.34')).toBe('unicast');
    expect(addressRange('not-an-address')).toBeNull();
  });

  test('when a name resolves to any internal address, then the lookup refuses it', async () => {
    const { policy, asked } = policyWith({
      'inside.test': ['10.0.0.1'],
      'metadata.test': ['169.254.169.254'],
      'mixed.test': ['93.184.216.34', 'fd00::1'],
      'mapped.test': ['::ffff:a9fe:a9fe'],
      'public.test': ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946'],
    });
    const lookup = (host: string, all: boolean): Promise<unknown> =>
      new Promise((resolve, reject) => {
        policy.lookup(host, { all }, (error, address) => (error ? reject(error) : resolve(address)));
      });
    for (const host of ['inside.test', 'metadata.test', 'mixed.test', 'mapped.test']) {
      await expect(lookup(host, false)).rejects.toBeInstanceOf(AddressNotAllowedError);
      await expect(lookup(host, true)).rejects.toMatchObject({ code: 'ERR_ADDRESS_NOT_ALLOWED' });
    }
    expect(await lookup('public.test', false)).toBe('93.184.216.34');
    expect(await lookup('public.test', true)).toHaveLength(2);
    await expect(lookup('missing.test', false)).rejects.toMatchObject({ code: 'ENOTFOUND' });
    expect(asked).toContain('metadata.test');
  });
});

describe('upstream requests under the policy', () => {
  test('when a name resolves to loopback outside local mode, then no connection is made and the failure says why', async () => {
    const server = await recordingServer();
    try {
      const { policy, asked } = policyWith({ 'sneaky.test': ['127.0.0.1', '10.0.0.1'] });
      const error = await upstreamRequest({
        method: 'GET',
        url: `http://sneaky.test:${server.port}/external_api.js`,
        timeoutMs: 2000,
        maxBytes: 1024,
        addressPolicy: policy,
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UpstreamError);
      expect((error as UpstreamError).failure.kind).toBe('address_not_allowed');
      expect(asked).toEqual(['sneaky.test']);
      expect(server.connections()).toBe(0);
      // A provider call to such an address is a 502 PROVIDER_UNAVAILABLE (SPEC §9).
      const failure = (error as UpstreamError).failure;
      if (failure.kind !== 'address_not_allowed') throw new Error(`unexpected ${failure.kind}`);
      expect(bbbFailureToError(failure).code).toBe('PROVIDER_UNAVAILABLE');
    } finally {
      await server.close();
    }
  });

  test('when the URL is an IP literal the policy refuses, then no connection is made', async () => {
    const server = await recordingServer();
    try {
      const { policy, asked } = policyWith({});
      const error = await upstreamRequest({
        method: 'GET',
        url: `http://127.0.0.1:${server.port}/`,
        timeoutMs: 2000,
        maxBytes: 1024,
        addressPolicy: policy,
      }).catch((e: unknown) => e);
      expect((error as UpstreamError).failure.kind).toBe('address_not_allowed');
      expect(asked).toEqual([]);
      expect(server.connections()).toBe(0);
    } finally {
      await server.close();
    }
  });

  test('when the operator allows the name, then the connection is made to what it resolves to', async () => {
    const server = await recordingServer();
    try {
      const { policy } = policyWith({ 'jitsi.internal.test': ['127.0.0.1'] }, { allowed: 'jitsi.internal.test' });
      const error = await upstreamRequest({
        method: 'GET',
        url: `http://jitsi.internal.test:${server.port}/`,
        timeoutMs: 2000,
        maxBytes: 1024,
        addressPolicy: policy,
      }).catch((e: unknown) => e);
      // The recording server hangs up at once: reached, then reset.
      expect((error as UpstreamError).failure.kind).toBe('unreachable');
      expect(server.connections()).toBe(1);
    } finally {
      await server.close();
    }
  });
});
