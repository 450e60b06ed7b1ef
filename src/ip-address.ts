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
