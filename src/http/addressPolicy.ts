/**
 * Where callgate may connect on an organization's behalf (SPEC §9). An organization's admin
 * chooses URLs (its Jitsi server, its own provider accounts); without this policy those URLs
 * could aim callgate at the cloud metadata service, the database, or any port on the
 * operator's network. Only public unicast addresses are allowed, plus what the operator
 * lists in ALLOWED_PRIVATE_UPSTREAM_HOSTS, plus loopback in local mode.
 *
 * Two checks share one classification: when a URL is set, an address literal is classified
 * (the WHATWG URL parser has already turned `2130706433`, `0x7f000001` and `127.1` into
 * `127.0.0.1`); a name is not resolved then. When connecting, every address the name
 * resolves to is classified, so a name that points inside (or later starts to) is refused
 * before any socket opens. ipaddr.js names the special ranges (RFC 6890 and successors).
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import type { LookupOptions } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

/** The error code of a refused address, as a transport error carries it. */
export const ADDRESS_NOT_ALLOWED = 'ERR_ADDRESS_NOT_ALLOWED';

/** A connection refused because the address is not one an organization may use. */
export class AddressNotAllowedError extends Error {
  readonly code = ADDRESS_NOT_ALLOWED;
  constructor(host: string) {
    super(`${host} leads to an address that is not allowed`);
    this.name = 'AddressNotAllowedError';
  }
}

/** One address a name resolved to. */
export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to all its addresses; tests pass a fake. */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

/** The operator's exceptions: host names, and addresses or ranges. */
export interface AllowedUpstreamHosts {
  names: string[];
  ranges: Array<[ipaddr.IPv4 | ipaddr.IPv6, number]>;
}

/** What an organization-set address may reach. */
export interface AddressPolicy {
  /** Why the host of `url` is refused when set, in words for the admin; null when allowed. */
  refusalOf(url: string): string | null;
  /** Whether a connection to `address` (an IP literal, e.g. from DNS) is allowed. */
  allowsAddress(address: string): boolean;
  /** Whether the operator allowed this host name outright. */
  allowsName(hostname: string): boolean;
  /** A `lookup` for sockets: resolves, then refuses with AddressNotAllowedError. */
  lookup: LookupFunction;
}

/** Options of createAddressPolicy. */
export interface AddressPolicyOptions {
  allowed: AllowedUpstreamHosts;
  /** Local mode: loopback (where the simulators and a developer's servers run) is allowed. */
  allowLoopback: boolean;
  resolve?: Resolver;
}

/** Plain words for the ranges an admin may meet. */
const RANGE_WORDS: Record<string, string> = {
  loopback: 'a loopback',
  private: 'a private',
  carrierGradeNat: 'a carrier-grade NAT',
  linkLocal: 'a link-local',
  uniqueLocal: 'a unique-local',
  unspecified: 'an unspecified',
  multicast: 'a multicast',
  broadcast: 'a broadcast',
};

/**
 * The ipaddr.js range of an IP literal (brackets allowed), with IPv4-mapped IPv6 judged as
 * the IPv4 address it carries; null when `text` is not an IP address. `unicast` is public.
 */
export function addressRange(text: string): string | null {
  const parsed = parseAddress(text);
  return parsed ? rangeOf(parsed) : null;
}

/**
 * The range of a parsed address. IPv6 counts as public only inside 2000::/3, the global
 * unicast space: ipaddr.js calls anything without a special range `unicast`, which would
 * let through IPv4-compatible `::a9fe:a9fe` and other oddities of ::/8 and unassigned space.
 */
function rangeOf(address: ipaddr.IPv4 | ipaddr.IPv6): string {
  const range = address.range();
  if (range !== 'unicast' || address.kind() === 'ipv4') return range;
  const first = (address as ipaddr.IPv6).parts[0] ?? 0;
  return first >> 13 === 0b001 ? range : 'reserved';
}

/** Parses `ALLOWED_PRIVATE_UPSTREAM_HOSTS`: comma-separated names, addresses or CIDR ranges. */
export function parseAllowedUpstreamHosts(raw: string): AllowedUpstreamHosts {
  const allowed: AllowedUpstreamHosts = { names: [], ranges: [] };
  for (const entry of raw.split(',').map((item) => item.trim().toLowerCase())) {
    if (entry === '') continue;
    if (entry.includes('/')) {
      if (!ipaddr.isValidCIDR(entry)) throw new Error(`"${entry}" is not a valid CIDR range`);
      allowed.ranges.push(ipaddr.parseCIDR(entry));
    } else if (isIP(entry.replace(/^\[|\]$/g, ''))) {
      const address = ipaddr.parse(entry.replace(/^\[|\]$/g, ''));
      allowed.ranges.push([address, address.kind() === 'ipv4' ? 32 : 128]);
    } else if (/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\.?$/.test(entry)) {
      allowed.names.push(entry.replace(/\.$/, ''));
    } else {
      throw new Error(`"${entry}" is not a host name, an address or a CIDR range`);
    }
  }
  return allowed;
}

/** Creates the policy. */
export function createAddressPolicy(options: AddressPolicyOptions): AddressPolicy {
  const resolve = options.resolve ?? systemResolver;
  const allowsName = (hostname: string): boolean => options.allowed.names.includes(normalizeName(hostname));
  const allowsAddress = (address: string): boolean => {
    const parsed = parseAddress(address);
    if (!parsed) return false;
    const range = rangeOf(parsed);
    if (range === 'unicast') return true;
    if (range === 'loopback' && options.allowLoopback) return true;
    return options.allowed.ranges.some(
      ([network, bits]) => network.kind() === parsed.kind() && parsed.match(network, bits),
    );
  };

  const lookup: LookupFunction = (hostname, lookupOptions, callback) => {
    resolve(hostname).then(
      (all) => {
        const family = familyOf(lookupOptions);
        const addresses = family ? all.filter((entry) => entry.family === family) : all;
        const first = addresses[0];
        if (!first) {
          callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), '');
          return;
        }
        // Every address must pass, not just the first: the socket may try each in turn.
        if (!allowsName(hostname) && addresses.some((entry) => !allowsAddress(entry.address))) {
          callback(new AddressNotAllowedError(hostname), '');
          return;
        }
        if (lookupOptions.all) callback(null, addresses);
        else callback(null, first.address, first.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, ''),
    );
  };

  return {
    allowsAddress,
    allowsName,
    lookup,
    refusalOf(url) {
      const host = normalizeName(new URL(url).hostname);
      if (allowsName(host)) return null;
      if (isIP(host)) {
        if (allowsAddress(host)) return null;
        const range = addressRange(host) ?? 'reserved';
        return `${host} is ${RANGE_WORDS[range] ?? 'a reserved'} address, which organizations may not use`;
      }
      // RFC 6761: `localhost` and every name under it are loopback, whatever DNS says.
      if ((host === 'localhost' || host.endsWith('.localhost')) && !options.allowLoopback) {
        return `${host} is a loopback address, which organizations may not use`;
      }
      return null;
    },
  };
}

/** The host as compared: lowercase, without brackets or a trailing dot. */
function normalizeName(hostname: string): string {
  return hostname
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '');
}

function parseAddress(text: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  const bare = text.replace(/^\[|\]$/g, '');
  // net.isIP, not ipaddr.isValid: ipaddr also reads `127.1` and `0x7f000001`, which only
  // ever reach here as names (and are then resolved and judged by what they resolve to).
  if (!isIP(bare)) return null;
  const parsed = ipaddr.parse(bare);
  if (parsed.kind() === 'ipv6') {
    const v6 = parsed as ipaddr.IPv6;
    if (v6.isIPv4MappedAddress()) return v6.toIPv4Address();
  }
  return parsed;
}

function familyOf(options: LookupOptions): 4 | 6 | null {
  if (options.family === 4 || options.family === 'IPv4') return 4;
  if (options.family === 6 || options.family === 'IPv6') return 6;
  return null;
}

const systemResolver: Resolver = async (hostname) => {
  const addresses = await dnsLookup(hostname, { all: true });
  return addresses.map((entry) => ({ address: entry.address, family: entry.family === 6 ? 6 : 4 }));
};
