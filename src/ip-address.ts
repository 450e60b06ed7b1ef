// IP addresses as text: the API's client addresses and API_TRUST_PROXY's entries.
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
