// When a wallet trades: rates, sessions and active hours of the day (anchor §4).
import { percentile } from '../stats';
import type { ActivePeriod } from './types';

/** A new session starts after more than 2 hours without a trade. */
export const SESSION_GAP_SECONDS = 2 * 3600;
const MIN_SPAN_SECONDS = 60;
const DAYS_PER_MONTH = 30.44;

export interface TradeRates {
  activeSpanDays: number;
  tradesPerDay: number;
  tradesPerWeek: number;
  tradesPerMonth: number;
}

/** per day = trades / max(1 day, span); per week / month = trades / span × 7 / × 30.44 (span ≥ 1 min). */
export function tradeRates(timestamps: readonly number[]): TradeRates {
  if (timestamps.length === 0) return { activeSpanDays: 0, tradesPerDay: 0, tradesPerWeek: 0, tradesPerMonth: 0 };
  const span = Math.max(MIN_SPAN_SECONDS, timestamps[timestamps.length - 1] - timestamps[0]);
  const spanDays = span / 86_400;
  const n = timestamps.length;
  return {
    activeSpanDays: spanDays,
    tradesPerDay: n / Math.max(1, spanDays),
    tradesPerWeek: (n / spanDays) * 7,
    tradesPerMonth: (n / spanDays) * DAYS_PER_MONTH,
  };
}

export interface SessionSummary {
  count: number;
  averageTradesPerSession: number | null;
  averageSessionMinutes: number | null;
  averageStartHourUtc: number | null;
}

/** Sessions split on gaps over 2 h; the start hour is a circular mean (23:00 and 01:00 → 00:00). */
export function sessionSummary(timestamps: readonly number[]): SessionSummary {
  if (timestamps.length === 0) {
    return { count: 0, averageTradesPerSession: null, averageSessionMinutes: null, averageStartHourUtc: null };
  }
  const sessions: Array<{ start: number; end: number; trades: number }> = [];
  let current = { start: timestamps[0], end: timestamps[0], trades: 1 };
  for (let i = 1; i < timestamps.length; i++) {
    const t = timestamps[i];
    if (t - current.end > SESSION_GAP_SECONDS) {
      sessions.push(current);
      current = { start: t, end: t, trades: 1 };
    } else {
      current.end = t;
      current.trades++;
    }
  }
  sessions.push(current);
  let minutes = 0;
  let sin = 0;
  let cos = 0;
  for (const s of sessions) {
    minutes += (s.end - s.start) / 60;
    const angle = (hourOfDay(s.start) / 24) * 2 * Math.PI;
    sin += Math.sin(angle);
    cos += Math.cos(angle);
  }
  const resultant = Math.hypot(sin, cos) / sessions.length;
  let startHour: number | null = null;
  if (resultant > 1e-9) {
    startHour = ((Math.atan2(sin, cos) / (2 * Math.PI)) * 24 + 24) % 24;
  }
  return {
    count: sessions.length,
    averageTradesPerSession: timestamps.length / sessions.length,
    averageSessionMinutes: minutes / sessions.length,
    averageStartHourUtc: startHour,
  };
}

/**
 * Active periods: UTC hourly trade counts, smoothed over 3 hours, hours at or above the 75th
 * percentile of non-zero smoothed values form runs; runs shorter than 2 h or holding under 5 % of
 * trades are dropped; runs one hour apart or less are merged.
 */
export function activePeriods(timestamps: readonly number[]): { periods: ActivePeriod[]; focusPercent: number } {
  if (timestamps.length === 0) return { periods: [], focusPercent: 0 };
  const counts = new Array<number>(24).fill(0);
  for (const t of timestamps) counts[hourOfDay(t)]++;
  const smoothed = counts.map((_, h) => {
    let sum = 0;
    let n = 0;
    for (let k = h - 1; k <= h + 1; k++) {
      if (k < 0 || k > 23) continue;
      sum += counts[k];
      n++;
    }
    return sum / n;
  });
  const threshold = percentile(
    smoothed.filter((v) => v > 0),
    75,
  )!;
  const runs: Array<[number, number]> = [];
  for (let h = 0; h < 24; h++) {
    if (smoothed[h] < threshold || smoothed[h] === 0) continue;
    const last = runs[runs.length - 1];
    if (last && last[1] === h - 1) last[1] = h;
    else runs.push([h, h]);
  }
  const total = timestamps.length;
  const tradesIn = (run: [number, number]): number => {
    let n = 0;
    for (let h = run[0]; h <= run[1]; h++) n += counts[h];
    return n;
  };
  const kept = runs.filter((r) => r[1] - r[0] + 1 >= 2 && tradesIn(r) / total >= 0.05);
  const merged: Array<[number, number]> = [];
  for (const r of kept) {
    const last = merged[merged.length - 1];
    if (last && r[0] - last[1] <= 2) last[1] = r[1];
    else merged.push([r[0], r[1]]);
  }
  let inside = 0;
  const periods = merged.map((r) => {
    const n = tradesIn(r);
    inside += n;
    return { startHourUtc: r[0], endHourUtc: r[1], tradeShare: n / total };
  });
  return { periods, focusPercent: (inside / total) * 100 };
}

function hourOfDay(unixSeconds: number): number {
  return Math.floor((((unixSeconds % 86_400) + 86_400) % 86_400) / 3600);
}
