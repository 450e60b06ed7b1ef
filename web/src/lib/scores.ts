// Every score the page shows goes through here: 0–1 in, a percentage within 0–100 out, or null when
// the value is missing or not a number (the bar then shows an empty track and "n/a").

/** A score in [0, 1] as a percentage clamped to [0, 100]; null for null, undefined, NaN and ±Infinity. */
export function scorePercent(value: unknown): number | null {
  if (typeof value !== 'number' || !Number.isFinite(value)) return null;
  return Math.min(100, Math.max(0, value * 100));
}

/** "73 %", or "n/a" when there is no score. */
export function formatScore(value: unknown): string {
  const p = scorePercent(value);
  return p === null ? 'n/a' : `${Math.round(p)} %`;
}

/** A finite number, or null. */
export function finite(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** Sort key: missing scores sort below every real one. */
export function sortKey(value: unknown): number {
  const f = finite(value);
  return f === null ? -Infinity : f;
}
