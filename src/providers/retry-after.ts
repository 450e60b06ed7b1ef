// `Retry-After` (RFC 9110 §10.2.3): either a number of seconds or an HTTP date. A 429 or 503 that
// carries one says when to ask again; the activity hands it to Temporal as the next retry delay.

/** Longest wait a header may ask for; anything later is treated as this (the retry budget decides the rest). */
export const MAX_RETRY_AFTER_MS = 10 * 60_000;

/**
 * Milliseconds to wait, from a `Retry-After` header value; undefined when absent, unparsable or
 * not in the future ("0" or a past date: no hint, use the normal backoff).
 */
export function parseRetryAfter(value: string | string[] | undefined | null, now: number = Date.now()): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (typeof raw !== 'string') return undefined;
  const text = raw.trim();
  if (text === '') return undefined;
  let ms: number;
  if (/^\d+$/.test(text)) {
    ms = Number(text) * 1000;
  } else {
    // IMF-fixdate ("Wed, 21 Oct 2015 07:28:00 GMT") and the obsolete forms Date.parse also reads
    if (!/[a-z]/i.test(text)) return undefined;
    const at = Date.parse(text);
    if (Number.isNaN(at)) return undefined;
    ms = at - now;
  }
  if (!Number.isFinite(ms) || ms <= 0) return undefined;
  return Math.min(Math.ceil(ms), MAX_RETRY_AFTER_MS);
}
