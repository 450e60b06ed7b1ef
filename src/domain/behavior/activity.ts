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
  // per period: the mean rate over the span, or, over a span shorter than the period, the trades
  // themselves (all made within one period; 3 trades in one second are 3 a week, not 30,240)
  const per = (periodDays: number) => (n / Math.max(periodDays, spanDays)) * periodDays;
  return { activeSpanDays: spanDays, tradesPerDay: per(1), tradesPerWeek: per(7), tradesPerMonth: per(DAYS_PER_MONTH) };
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
 * trades are dropped; runs one hour apart or less are merged. The day is a circle (engine 2.12.0):
 * hour 23 neighbours hour 0 in the smoothing, the runs and the merging, so a period across midnight
 * UTC (22:00 to 01:00, an analyst's evening in Asia) is one period, ending at a smaller hour than it
 * starts.
 */
export function activePeriods(timestamps: readonly number[]): { periods: ActivePeriod[]; focusPercent: number } {
  if (timestamps.length === 0) return { periods: [], focusPercent: 0 };
  const counts = new Array<number>(24).fill(0);
  for (const t of timestamps) counts[hourOfDay(t)]++;
  const at = (h: number): number => counts[((h % 24) + 24) % 24];
  const smoothed = counts.map((_, h) => (at(h - 1) + at(h) + at(h + 1)) / 3);
  const threshold = percentile(
    smoothed.filter((v) => v > 0),
    75,
  )!;
  const active = (h: number): boolean => smoothed[h % 24] >= threshold && smoothed[h % 24] > 0;
  /** runs as [first hour, length]: scanned from an inactive hour so that none is cut at midnight */
  const runs: Array<[number, number]> = [];
  const from = smoothed.findIndex((_, h) => !active(h));
  if (from === -1) runs.push([0, 24]);
  else {
    for (let i = 1; i <= 24; i++) {
      const h = (from + i) % 24;
      if (!active(h)) continue;
      const last = runs[runs.length - 1];
      if (last && (last[0] + last[1]) % 24 === h) last[1]++;
      else runs.push([h, 1]);
    }
  }
  const total = timestamps.length;
  const tradesIn = ([first, length]: [number, number]): number => {
    let n = 0;
    for (let i = 0; i < length; i++) n += at(first + i);
    return n;
  };
  const kept = runs.filter((r) => r[1] >= 2 && tradesIn(r) / total >= 0.05);
  /** hours between the end of `a` and the start of `b`, going forward round the day */
  const gap = (a: [number, number], b: [number, number]): number => (((b[0] - (a[0] + a[1] - 1)) % 24) + 24) % 24;
  const merged: Array<[number, number]> = [];
  for (const r of kept) {
    const last = merged[merged.length - 1];
    if (last && gap(last, r) <= 2) last[1] = last[1] + gap(last, r) - 1 + r[1];
    else merged.push([r[0], r[1]]);
  }
  // the last run and the first meet across the scan's start
  if (merged.length > 1 && gap(merged[merged.length - 1], merged[0]) <= 2) {
    const last = merged.pop()!;
    const first = merged[0];
    merged[0] = [last[0], Math.min(24, last[1] + gap(last, first) - 1 + first[1])];
  }
  let inside = 0;
  const periods = merged
    .map((r) => {
      const n = tradesIn(r);
      inside += n;
      return { startHourUtc: r[0], endHourUtc: (r[0] + r[1] - 1) % 24, tradeShare: n / total };
    })
    .sort((x, y) => x.startHourUtc - y.startHourUtc);
  return { periods, focusPercent: (inside / total) * 100 };
}

function hourOfDay(unixSeconds: number): number {
  return Math.floor((((unixSeconds % 86_400) + 86_400) % 86_400) / 3600);
}
