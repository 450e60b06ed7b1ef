// Profit and loss per token with FIFO lots in SOL (docs/analytics.md, "PnL").
import { compareDecimals, formatUnits, parseUnits } from '../decimal';
import { legsByMint, runFifo } from '../fifo/engine';
import type { SwapLeg } from '../swaps/types';
import { compareLegs } from '../swaps/types';
import type { PnlOptions, TokenPnl, WalletPnl, WalletPnlTotals } from './types';

/**
 * FIFO PnL of one wallet's legs. Realized = proceeds of each sale minus the cost of the oldest open
 * lots it consumes. Tokens received by transfer or airdrop open zero-cost lots; what selling them
 * brings is `transferProceedsSol`, not trading profit. Sales larger than the open position are
 * `unmatched` (their cost is outside the window). Unrealized PnL only where a price is known.
 */
export function computePnl(legs: readonly SwapLeg[], opts: PnlOptions = {}): WalletPnl {
  const sorted = [...legs].sort(compareLegs);
  const tokens: TokenPnl[] = [];
  for (const [mint, group] of legsByMint(sorted)) tokens.push(tokenPnl(mint, group, opts));
  tokens.sort((a, b) => (a.mint < b.mint ? -1 : a.mint > b.mint ? 1 : 0));
  return { method: 'FIFO', tokens, totals: totalsOf(tokens, opts) };
}

function tokenPnl(mint: string, legs: SwapLeg[], opts: PnlOptions): TokenPnl {
  const decimals = legs[0].decimals;
  let bought = 0n;
  let sold = 0n;
  let inByTransfer = 0n;
  let outByTransfer = 0n;
  let unmatched = 0n;
  const row = {
    buyCount: 0,
    sellCount: 0,
    transferInCount: 0,
    transferOutCount: 0,
    costSol: 0,
    proceedsSol: 0,
    realizedPnlSol: 0,
    transferProceedsSol: 0,
    unmatchedProceedsSol: 0,
    transferredOutCostSol: 0,
    feesSol: 0,
    closedPositions: 0,
    winningPositions: 0,
    usesEstimatedValues: false,
  };
  for (const leg of legs) {
    const raw = BigInt(leg.rawAmount);
    row.feesSol += leg.feeLamports / 1e9;
    if (leg.solValueEstimated && leg.kind === 'swap') row.usesEstimatedValues = true;
    if (leg.kind === 'swap' && leg.direction === 'buy') {
      row.buyCount++;
      bought += raw;
      row.costSol += leg.solValue;
    } else if (leg.kind === 'swap') {
      row.sellCount++;
      sold += raw;
      row.proceedsSol += leg.solValue;
    } else if (leg.direction === 'buy') {
      row.transferInCount++;
      inByTransfer += raw;
    } else {
      row.transferOutCount++;
      outByTransfer += raw;
    }
  }

  // a position opens with the first buy after the last close and closes when what is left is at
  // most 1/DUST_PARTS of its peak: a sale of "all" that leaves a few base units behind (a
  // route's rounding, a fee taken in the token) still ends the position
  let cyclePnl = 0;
  let cycleTradedCost = 0;
  let cycleHadSale = false;
  let cycleHadBuy = false;
  let peak = 0n;
  const open = runFifo(legs, {
    onMatch(m) {
      if (m.byTransfer) {
        row.transferredOutCostSol += m.costSol;
        return;
      }
      cycleHadSale = true;
      if (m.lot.fromTransfer) {
        row.transferProceedsSol += m.proceedsSol;
      } else {
        row.realizedPnlSol += m.proceedsSol - m.costSol;
        cyclePnl += m.proceedsSol - m.costSol;
        cycleTradedCost += m.costSol;
      }
    },
    onExcess(leg, excess, proceeds) {
      if (leg.kind !== 'swap') return;
      unmatched += excess;
      row.unmatchedProceedsSol += proceeds;
    },
    onAfterLeg(leg, openAmount) {
      if (leg.direction === 'buy') {
        cycleHadBuy = true;
        if (openAmount > peak) peak = openAmount;
        return;
      }
      if (!cycleHadBuy || openAmount * DUST_PARTS > peak) return;
      if (cycleHadSale && cycleTradedCost > 0) {
        row.closedPositions++;
        if (cyclePnl > 0) row.winningPositions++;
      }
      cyclePnl = 0;
      cycleTradedCost = 0;
      cycleHadSale = false;
      cycleHadBuy = false;
      peak = openAmount;
    },
  });

  let openAmount = 0n;
  let openFromTransfer = 0n;
  let openCostBasisSol = 0;
  for (const lot of open) {
    openAmount += lot.remaining;
    if (lot.fromTransfer) openFromTransfer += lot.remaining;
    openCostBasisSol += lot.costSol * (Number(lot.remaining) / Number(lot.original));
  }
  const fifoBalance = formatUnits(openAmount, decimals);
  const held = opts.holdings ? (opts.holdings[mint]?.uiAmount ?? '0') : fifoBalance;
  const currentBalance = formatUnits(parseUnits(held, decimals), decimals);
  const priceUsd = opts.pricesUsd?.[mint] ?? null;
  const solPrice = opts.solPriceUsd ?? 0;
  const currentValueSol = priceUsd !== null && solPrice > 0 ? (Number(currentBalance) * priceUsd) / solPrice : null;
  return {
    mint,
    decimals,
    buyCount: row.buyCount,
    sellCount: row.sellCount,
    transferInCount: row.transferInCount,
    transferOutCount: row.transferOutCount,
    boughtAmount: formatUnits(bought, decimals),
    soldAmount: formatUnits(sold, decimals),
    transferredInAmount: formatUnits(inByTransfer, decimals),
    transferredOutAmount: formatUnits(outByTransfer, decimals),
    costSol: row.costSol,
    proceedsSol: row.proceedsSol,
    realizedPnlSol: row.realizedPnlSol,
    transferProceedsSol: row.transferProceedsSol,
    unmatchedSellAmount: formatUnits(unmatched, decimals),
    unmatchedProceedsSol: row.unmatchedProceedsSol,
    transferredOutCostSol: row.transferredOutCostSol,
    openAmount: fifoBalance,
    openFromTransferAmount: formatUnits(openFromTransfer, decimals),
    openCostBasisSol,
    hasTransferLots: openFromTransfer > 0n,
    feesSol: row.feesSol,
    currentBalance,
    balanceDiffersFromFifo: compareDecimals(currentBalance, fifoBalance) !== 0,
    priceUsd,
    currentValueSol,
    unrealizedPnlSol: currentValueSol === null ? null : currentValueSol - openCostBasisSol,
    averageBuyCostSolPerToken: bought > 0n ? row.costSol / Number(formatUnits(bought, decimals)) : null,
    closedPositions: row.closedPositions,
    winningPositions: row.winningPositions,
    usesEstimatedValues: row.usesEstimatedValues,
    firstTradeAt: legs[0].timestamp,
    lastTradeAt: legs[legs.length - 1].timestamp,
  };
}

/**
 * A position is closed when at most one part in DUST_PARTS of its peak is left (1 %): the dust a
 * sale of everything can leave behind, not a "moonbag" kept on purpose (behavior's exits, after the
 * anchor, allow 20 %).
 */
const DUST_PARTS = 100n;

function totalsOf(tokens: TokenPnl[], opts: PnlOptions): WalletPnlTotals {
  const t: WalletPnlTotals = {
    tokens: tokens.length,
    costSol: 0,
    proceedsSol: 0,
    volumeSol: 0,
    realizedPnlSol: 0,
    transferProceedsSol: 0,
    unmatchedProceedsSol: 0,
    feesSol: 0,
    failedTransactions: opts.failed?.transactions ?? 0,
    failedFeesSol: (opts.failed?.feeLamports ?? 0) / 1e9,
    realizedPnlAfterFeesSol: 0,
    openCostBasisSol: 0,
    unrealizedPnlSol: null,
    pricedOpenTokens: 0,
    unpricedOpenTokens: 0,
    closedPositions: 0,
    winningPositions: 0,
    losingPositions: 0,
    winRate: null,
    realizedPnlUsdAtCurrentPrice: null,
  };
  for (const row of tokens) {
    t.costSol += row.costSol;
    t.proceedsSol += row.proceedsSol;
    t.realizedPnlSol += row.realizedPnlSol;
    t.transferProceedsSol += row.transferProceedsSol;
    t.unmatchedProceedsSol += row.unmatchedProceedsSol;
    t.feesSol += row.feesSol;
    t.openCostBasisSol += row.openCostBasisSol;
    t.closedPositions += row.closedPositions;
    t.winningPositions += row.winningPositions;
    const isOpen = row.currentBalance !== '0';
    if (row.unrealizedPnlSol !== null && isOpen) {
      t.unrealizedPnlSol = (t.unrealizedPnlSol ?? 0) + row.unrealizedPnlSol;
      t.pricedOpenTokens++;
    } else if (isOpen) {
      t.unpricedOpenTokens++;
    }
  }
  t.volumeSol = t.costSol + t.proceedsSol;
  t.realizedPnlAfterFeesSol = t.realizedPnlSol - t.feesSol - t.failedFeesSol;
  t.losingPositions = t.closedPositions - t.winningPositions;
  t.winRate = t.closedPositions > 0 ? t.winningPositions / t.closedPositions : null;
  const solPrice = opts.solPriceUsd ?? 0;
  t.realizedPnlUsdAtCurrentPrice = solPrice > 0 ? t.realizedPnlSol * solPrice : null;
  return t;
}
