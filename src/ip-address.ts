// IP addresses and ranges as text: the API's client addresses and API_TRUST_PROXY's entries.
import ipaddr from 'ipaddr.js';

/** An address without its zone (a link-local address's interface, `%br-1a2b`, names no host). */
export function withoutZone(ip: string): string {
  return ip.replace(/%.*$/, '');
}

/**
 * Whether text is an IP address (its zone aside): IPv4 in its four decimal parts only (ipaddr.js
 * also reads `10` or `0x0a000001` as one), or IPv6.
 */
export function isIpAddress(text: string): boolean {
  const host = withoutZone(text);
  return ipaddr.IPv4.isValidFourPartDecimal(host) || ipaddr.IPv6.isValid(host);
}

/**
 * A CIDR range as text (`10.0.0.0/8`, `fd00::/8`: its base a full address, no zone), with its prefix
 * length and the shortest one a range of its kind may have before it is the internet's rather than
 * one network's: an IPv4 /8, a public IPv6 /32, a private IPv6 range (fc00::/7, fe80::/10) whole, an
 * IPv4-mapped one as IPv4's /8. Null when the text is no such range.
 */
export function parseRange(text: string): { bits: number; widest: number } | null {
  const base = text.split('/')[0];
  if (base.includes('%') || !isIpAddress(base) || !ipaddr.isValidCIDR(text)) return null;
  const [address, bits] = ipaddr.parseCIDR(text);
  if (address.kind() === 'ipv4') return { bits, widest: 8 };
  const v6 = address as ipaddr.IPv6;
  if (v6.isIPv4MappedAddress()) return { bits, widest: 96 + 8 };
  const kind = v6.range();
  return { bits, widest: kind === 'uniqueLocal' ? 7 : kind === 'linkLocal' ? 10 : 32 };
}

/** The well-known NAT64 prefix (RFC 6052): an IPv4 address translated into IPv6 is its last 32 bits. */
const NAT64_PREFIX = ipaddr.parseCIDR('64:ff9b::/96');

/**
 * The address a client is counted under (wrong keys, and without keys its rate limits, event
 * streams and fairness): an IPv4 address as it is, an IPv6 one by its /64 (a host is given a whole
 * /64 and picks addresses in it at will, so counting its single addresses would let it have 2^64
 * allowances), and one in the NAT64 prefix by the IPv4 address it carries. Behind a proxy, the API
 * must be told to trust it (`API_TRUST_PROXY`) or every client is the proxy's address.
 */
export function clientNetwork(ip: string): string {
  // a link-local address's zone names no host: ipaddr.js takes few zone names
  const host = withoutZone(ip);
  if (!isIpAddress(host)) return ip;
  const address = ipaddr.process(host); // an IPv4-mapped IPv6 address is its IPv4 one
  if (address.kind() === 'ipv4') return address.toString();
  // an IPv4 client translated into the well-known NAT64 prefix (64:ff9b::/96, RFC 6052) is its IPv4
  // address: behind such a translator, every IPv4 client shares one /64
  if (address.match(NAT64_PREFIX)) return ipaddr.fromByteArray(address.toByteArray().slice(12)).toString();
  return `${(address as ipaddr.IPv6).parts
    .slice(0, 4)
    .map((part) => part.toString(16))
    .join(':')}::/64`;
}
