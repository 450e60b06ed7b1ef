// Outbound webhooks (a watched group's runs: src/activities/watches.ts): a JSON body POSTed to the
// URL a user gave, signed with a secret only that user and the service know, and never sent to an
// address inside the service's own network unless the operator allows it
// (WATCH_WEBHOOK_PRIVATE_ADDRESSES): a URL naming 127.0.0.1, 10.0.0.0/8 or a cloud's metadata
// address (169.254.169.254), or a host name resolving to one, would have the service probe its own
// network for whoever made the watch. Nothing here retries: the activity's retry policy does. A
// provider of ours in the sense of this room: an HTTP party outside the service, called by activities.
import { createHmac, randomBytes } from 'node:crypto';
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import ipaddr from 'ipaddr.js';
import { Agent, request } from 'undici';
import { isIpAddress, withoutZone } from '../ip-address';
import { parseRetryAfter } from './retry-after';

/** How long a receiver may take to answer (connect, headers and body each). */
export const WEBHOOK_TIMEOUT_MS = 10_000;

/** The headers a delivery carries besides its JSON body (docs/api.md, "Webhooks"). */
export const WEBHOOK_HEADERS = {
  /** the event, `watch.run` */
  event: 'x-wallet-similarity-event',
  /** the delivery's id: the same on every attempt of one delivery, so a receiver can drop repeats */
  delivery: 'x-wallet-similarity-delivery',
  /** seconds since the epoch when this attempt was signed */
  timestamp: 'x-wallet-similarity-timestamp',
  /** `v1=` and the hex HMAC-SHA256, keyed with the watch's secret, of `<timestamp>.<body>` */
  signature: 'x-wallet-similarity-signature',
} as const;

/** A new signing secret: shown once, to whoever made the watch. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/** The signature header's value for a body sent at `timestamp` (seconds): what a receiver computes again to check it. */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * Addresses of the internet's kind (unicast) that a host reaches inside its cloud all the same:
 * Azure's WireServer and metadata host (168.63.129.16). AWS's, GCP's and Oracle's metadata addresses
 * are link-local or reserved, Alibaba's carrier NAT, all refused by range.
 */
const CLOUD_HOST_ADDRESSES = [ipaddr.parseCIDR('168.63.129.16/32')];
/** IPv4-compatible IPv6 (::a.b.c.d, deprecated): ipaddr.js calls it unicast, but it names an IPv4 address. */
const IPV4_COMPATIBLE = ipaddr.parseCIDR('::/96');

/** Whether an address is one of the internet's: not loopback, private, link-local, carrier NAT, multicast, reserved, a cloud host's own, or an IPv6 form of one. */
export function isPublicAddress(address: string): boolean {
  const host = withoutZone(address);
  if (!ipaddr.isValid(host)) return false;
  // an IPv4-mapped IPv6 address (::ffff:127.0.0.1) is judged as the IPv4 address it is
  const parsed = ipaddr.process(host);
  if (parsed.range() !== 'unicast') return false;
  if (parsed.kind() === 'ipv6') return !parsed.match(IPV4_COMPATIBLE);
  return !CLOUD_HOST_ADDRESSES.some((range) => parsed.match(range));
}

/** A URL's host as an address or a name: IPv6 without its brackets, a name without its root's dot (`localhost.`). */
const hostOf = (url: URL): string => url.hostname.replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');

// eslint-disable-next-line no-control-regex -- control characters are what it finds
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

/**
 * Why `text` cannot be a webhook's URL, or null: no control character, http or https only, no user or password (the
 * deliveries are signed instead), and unless `allowPrivate`, no host that names a private address
 * itself (an address, `localhost`). A name resolving to one is refused when a delivery connects.
 */
export function webhookUrlProblem(text: string, allowPrivate: boolean): string | null {
  // the URL parser drops or escapes them, so the text stored would not be the URL checked (and a NUL cannot be stored)
  if (CONTROL_CHARACTER.test(text)) return 'holds a control character (a NUL, a tab, a line break…): give the URL without them';
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'is not a URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `has the scheme ${url.protocol.slice(0, -1)}: use https (or http)`;
  if (url.username || url.password) return 'carries a user or password: leave them out (each delivery is signed with the watch\'s secret instead)';
  if (allowPrivate) return null;
  const host = hostOf(url);
  if (host === 'localhost' || host.endsWith('.localhost') || (isIpAddress(host) && !isPublicAddress(host))) {
    return `names ${host}, an address inside the service's network: webhooks go to public addresses only (WATCH_WEBHOOK_PRIVATE_ADDRESSES=true allows others)`;
  }
  return null;
}

/** What responses and logs may show of a webhook's URL: its origin (the path and query of Slack's or Discord's URLs are their token). */
export function webhookTarget(text: string): string {
  try {
    return `${new URL(text).origin}/…`;
  } catch {
    return '(not a URL)';
  }
}

/** A delivery that did not get a 2xx answer: `retryable` (no answer, 408, 429, 5xx) or not (any other answer, a refused address), with the receiver's Retry-After. */
export class WebhookDeliveryError extends Error {
  override name = 'WebhookDeliveryError';
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

class PrivateAddressError extends Error {
  override name = 'PrivateAddressError';
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** dns.lookup, refusing a name that resolves to any address which is not public (all of them are checked, whichever the socket tries). */
export function publicOnlyLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, []);
    const refused = addresses.find((a) => !isPublicAddress(a.address));
    if (refused) return callback(new PrivateAddressError(`${hostname} resolves to ${refused.address}, an address inside the service's network`), []);
    if (options.all) return callback(null, addresses);
    return callback(null, addresses[0].address, addresses[0].family);
  });
}

const agents = new Map<boolean, Agent>();
/** The dispatcher deliveries go through: without `allowPrivate`, it connects only to a name's public addresses (publicOnlyLookup). */
export function webhookAgent(allowPrivate: boolean): Agent {
  let agent = agents.get(allowPrivate);
  if (!agent) {
    agent = new Agent({
      connect: { timeout: WEBHOOK_TIMEOUT_MS, ...(allowPrivate ? {} : { lookup: publicOnlyLookup }) },
      headersTimeout: WEBHOOK_TIMEOUT_MS,
      bodyTimeout: WEBHOOK_TIMEOUT_MS,
      // receivers are many and called rarely: no socket kept for the next delivery
      pipelining: 0,
    });
    agents.set(allowPrivate, agent);
  }
  return agent;
}

/** What an error says without the URL (its path may be a token): the code, the cause's code, or the message of a refusal. */
function reasonOf(err: unknown): string {
  const seen: unknown[] = [];
  for (let e: unknown = err; e instanceof Error && !seen.includes(e); e = (e as { cause?: unknown }).cause) {
    seen.push(e);
    if (e instanceof PrivateAddressError) return e.message;
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'UND_ERR_SOCKET') return code;
  }
  return err instanceof Error ? err.name : 'no answer';
}

/**
 * POSTs `body` to `url` with `headers` (and JSON's content type); resolves with the receiver's 2xx
 * status, or throws WebhookDeliveryError. Redirects are not followed (a 3xx is the receiver's answer:
 * the URL to use is the one it names). A cancelled `signal` aborts the request and rejects with its reason.
 */
export async function postWebhook(url: string, body: string, headers: Record<string, string>, options: { allowPrivate: boolean; signal?: AbortSignal }): Promise<number> {
  const problem = webhookUrlProblem(url, options.allowPrivate);
  if (problem) throw new WebhookDeliveryError(`the webhook's URL ${problem}`, false);
  const timeout = AbortSignal.timeout(WEBHOOK_TIMEOUT_MS * 2);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  let res;
  try {
    res = await request(url, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', 'user-agent': 'wallet-similarity-webhook/1', ...headers },
      dispatcher: webhookAgent(options.allowPrivate),
      signal,
    });
  } catch (err) {
    if (options.signal?.aborted) throw options.signal.reason;
    if (err instanceof Error && [err, err.cause].some((e) => e instanceof PrivateAddressError)) throw new WebhookDeliveryError(`the webhook was not sent: ${reasonOf(err)}`, false);
    throw new WebhookDeliveryError(`the receiver did not answer (${timeout.aborted ? `not within ${(WEBHOOK_TIMEOUT_MS * 2) / 1000} s` : reasonOf(err)})`, true);
  }
  // the answer's body says nothing the service keeps
  await res.body.dump().catch(() => undefined);
  const status = res.statusCode;
  if (status >= 200 && status < 300) return status;
  const retryable = status === 408 || status === 429 || status >= 500;
  const retryAfterMs = retryable ? parseRetryAfter(res.headers['retry-after']) : undefined;
  const hint = status === 410 ? ': the receiver is gone' : status >= 300 && status < 400 ? ': webhooks are not redirected (give the URL it redirects to)' : '';
  throw new WebhookDeliveryError(`the receiver answered ${status}${hint}`, retryable, retryAfterMs);
}
