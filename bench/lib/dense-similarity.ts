// The naive baseline: dense vectors over the whole universe, every dimension visited per pair.
// Same metrics as src/domain/similarity (behavior excepted, which is tiny either way).
import type { SimilarityWalletInput } from '../../src/domain';
import { isExcludedFromUniverse } from '../../src/domain';

export interface DenseWallet {
  address: string;
  capital: Float64Array;
  traded: Uint8Array;
  held: Uint8Array;
  buyTimes: number[][];
  sellTimes: number[][];
}

export interface DensePair {
  walletA: string;
  walletB: string;
  capital: number | null;
  binary: number | null;
  jaccardTraded: number | null;
  jaccardHeld: number | null;
  timing: number | null;
  capitalOverlapPercent: number | null;
  sharedTokens: Array<{ mint: string; weightA: number; weightB: number; contribution: number }>;
}

export function denseUniverse(wallets: readonly SimilarityWalletInput[]): string[] {
  const mints = new Set<string>();
  for (const w of wallets) for (const l of w.legs) if (l.kind === 'swap' && !isExcludedFromUniverse(l.mint)) mints.add(l.mint);
  return [...mints].sort();
}

export function denseWallet(w: SimilarityWalletInput, universe: string[], index: Map<string, number>): DenseWallet {
  const u = universe.length;
  const d: DenseWallet = {
    address: w.address,
    capital: new Float64Array(u),
    traded: new Uint8Array(u),
    held: new Uint8Array(u),
    buyTimes: Array.from({ length: u }, () => []),
    sellTimes: Array.from({ length: u }, () => []),
  };
  for (const l of w.legs) {
    if (l.kind !== 'swap') continue;
    const k = index.get(l.mint) ?? -1;
    if (k < 0) continue;
    d.traded[k] = 1;
    if (l.direction === 'buy') {
      d.capital[k] += l.solValue;
      d.buyTimes[k].push(l.timestamp);
    } else d.sellTimes[k].push(l.timestamp);
  }
  let total = 0;
  for (let k = 0; k < u; k++) total += d.capital[k];
  for (let k = 0; k < u; k++) d.capital[k] = total > 0 ? d.capital[k] / total : 0;
  for (const mint of Object.keys(w.holdings)) {
    const k = index.get(mint) ?? -1;
    if (k >= 0 && Number(w.holdings[mint].uiAmount) >= 0.001) d.held[k] = 1;
  }
  return d;
}

export function densePair(a: DenseWallet, b: DenseWallet, universe: string[], window: number, maxShared: number): DensePair {
  let dot = 0;
  let na = 0;
  let nb = 0;
  let countA = 0;
  let countB = 0;
  let shared = 0;
  let heldA = 0;
  let heldB = 0;
  let heldShared = 0;
  let minSum = 0;
  let coA = 0;
  let coB = 0;
  let tradesA = 0;
  let tradesB = 0;
  const sharedList: Array<{ mint: string; weightA: number; weightB: number; contribution: number }> = [];
  for (let k = 0; k < universe.length; k++) {
    dot += a.capital[k] * b.capital[k];
    na += a.capital[k] * a.capital[k];
    nb += b.capital[k] * b.capital[k];
    countA += a.traded[k];
    countB += b.traded[k];
    heldA += a.held[k];
    heldB += b.held[k];
    heldShared += a.held[k] & b.held[k];
    tradesA += a.buyTimes[k].length + a.sellTimes[k].length;
    tradesB += b.buyTimes[k].length + b.sellTimes[k].length;
    if (a.traded[k] & b.traded[k]) {
      shared++;
      minSum += Math.min(a.capital[k], b.capital[k]);
      sharedList.push({ mint: universe[k], weightA: a.capital[k], weightB: b.capital[k], contribution: a.capital[k] * b.capital[k] });
      coA += near(a.buyTimes[k], b.buyTimes[k], window) + near(a.sellTimes[k], b.sellTimes[k], window);
      coB += near(b.buyTimes[k], a.buyTimes[k], window) + near(b.sellTimes[k], a.sellTimes[k], window);
    }
  }
  const norm = Math.sqrt(na) * Math.sqrt(nb);
  for (const s of sharedList) s.contribution = norm > 0 ? s.contribution / norm : 0;
  sharedList.sort((x, y) => y.contribution - x.contribution);
  const unionTraded = countA + countB - shared;
  const unionHeld = heldA + heldB - heldShared;
  return {
    walletA: a.address,
    walletB: b.address,
    capital: norm > 0 ? Math.min(1, dot / norm) : null,
    binary: countA > 0 && countB > 0 ? shared / Math.sqrt(countA * countB) : null,
    jaccardTraded: unionTraded > 0 ? shared / unionTraded : null,
    jaccardHeld: unionHeld > 0 ? heldShared / unionHeld : null,
    timing: tradesA > 0 && tradesB > 0 ? (coA + coB) / (tradesA + tradesB) : null,
    capitalOverlapPercent: norm > 0 ? minSum * 100 : null,
    sharedTokens: sharedList.slice(0, maxShared),
  };
}

/** Naive: every trade against every trade of the other side. */
function near(xs: number[], ys: number[], window: number): number {
  let n = 0;
  for (const x of xs) if (ys.some((y) => Math.abs(x - y) <= window)) n++;
  return n;
}
