import { buy, sell, transferIn, transferOut, unvaluedRotation } from '../testing/legs';
import { computePnl } from './fifo';

const M = 'MintAAA';

describe('computePnl (FIFO lots in SOL)', () => {
  it('a sale consumes the oldest lot whole and part of the next: realized 4.5 − (1 + 1) = 2.5', () => {
    const pnl = computePnl([
      buy({ mint: M, t: 100, raw: 100, sol: 1 }),
      buy({ mint: M, t: 200, raw: 100, sol: 2 }),
      sell({ mint: M, t: 300, raw: 150, sol: 4.5 }),
    ]);
    const [row] = pnl.tokens;
    expect(row).toMatchObject({
      mint: M,
      buyCount: 2,
      sellCount: 1,
      boughtAmount: '200',
      soldAmount: '150',
      costSol: 3,
      proceedsSol: 4.5,
      realizedPnlSol: 2.5,
      openAmount: '50',
      openCostBasisSol: 1,
      unmatchedSellAmount: '0',
      closedPositions: 0,
      averageBuyCostSolPerToken: 0.015,
    });
    expect(pnl.totals.winRate).toBeNull();
    expect(pnl.method).toBe('FIFO');
  });

  it('values the open remainder with the current price: 50 tokens × $6 / $150 per SOL = 2 SOL, unrealized 2 − 1 = 1', () => {
    const pnl = computePnl(
      [buy({ mint: M, t: 100, raw: 100, sol: 1 }), buy({ mint: M, t: 200, raw: 100, sol: 2 }), sell({ mint: M, t: 300, raw: 150, sol: 4.5 })],
      { holdings: { [M]: { uiAmount: '50' } }, pricesUsd: { [M]: 6 }, solPriceUsd: 150 },
    );
    expect(pnl.tokens[0]).toMatchObject({ currentBalance: '50', priceUsd: 6, currentValueSol: 2, unrealizedPnlSol: 1, balanceDiffersFromFifo: false });
    expect(pnl.totals).toMatchObject({ unrealizedPnlSol: 1, pricedOpenTokens: 1, unpricedOpenTokens: 0, realizedPnlUsdAtCurrentPrice: 375 });
  });

  it('gives no unrealized PnL without a price, and counts the token as unpriced', () => {
    const pnl = computePnl([buy({ mint: M, t: 100, raw: 100, sol: 1 })], { solPriceUsd: 150 });
    expect(pnl.tokens[0]).toMatchObject({ currentBalance: '100', currentValueSol: null, unrealizedPnlSol: null });
    expect(pnl.totals).toMatchObject({ unrealizedPnlSol: null, pricedOpenTokens: 0, unpricedOpenTokens: 1 });
  });

  it('a swap the extraction could not value is no zero-cost buy nor a sale at a loss: its cost is unknown, as a transfer\'s', () => {
    // A bought for 1 SOL, swapped into B with no quote seen between the hops; B sold for 3 SOL
    const pnl = computePnl(unvaluedRotation());
    const [a, b] = pnl.tokens;
    // A's cost left without a realized loss; B's sale is not 3 SOL of trading profit
    expect(a).toMatchObject({ mint: 'A', realizedPnlSol: 0, transferredOutCostSol: 1, closedPositions: 0 });
    expect(b).toMatchObject({ mint: 'B', realizedPnlSol: 0, transferProceedsSol: 3, closedPositions: 0, openAmount: '0' });
    expect(pnl.totals.realizedPnlSol).toBe(0);
    expect(pnl.totals.winRate).toBeNull();
  });

  it('a sale larger than the open position: the excess is unmatched, its proceeds kept apart from profit', () => {
    const pnl = computePnl([buy({ mint: M, t: 100, raw: 100, sol: 1 }), sell({ mint: M, t: 200, raw: 150, sol: 3 })]);
    expect(pnl.tokens[0]).toMatchObject({
      realizedPnlSol: 1, // 100 of 150 sold: proceeds 2, cost 1
      unmatchedSellAmount: '50',
      unmatchedProceedsSol: 1,
      openAmount: '0',
      openCostBasisSol: 0,
      closedPositions: 1,
      winningPositions: 1,
    });
    expect(pnl.totals.winRate).toBe(1);
  });

  it('a buy and a sale in one block are a round trip whichever signature sorts first: realized 0.3, nothing unmatched or left open', () => {
    // the legs do not say their transactions' order within the block: the sale's signature sorts first
    const inBlock = [sell({ mint: M, t: 500, raw: 100, sol: 1.3, signature: 'A-sale' }), buy({ mint: M, t: 500, raw: 100, sol: 1, signature: 'Z-buy' })];
    const [row] = computePnl(inBlock).tokens;
    expect(row).toMatchObject({ unmatchedSellAmount: '0', openAmount: '0', openCostBasisSol: 0, closedPositions: 1 });
    expect(row.realizedPnlSol).toBeCloseTo(0.3, 12);
    // a sale the lots before the block cover still takes the oldest lot first
    const [held] = computePnl([buy({ mint: M, t: 100, raw: 100, sol: 2 }), ...inBlock]).tokens;
    expect(held).toMatchObject({ unmatchedSellAmount: '0', openAmount: '100', openCostBasisSol: 1 });
    expect(held.realizedPnlSol).toBeCloseTo(-0.7, 12);
  });

  it('re-entry after a full exit is a new position: one loss (−0.5) and one win (+2) give win rate 0.5', () => {
    const pnl = computePnl([
      buy({ mint: M, t: 100, raw: 10, sol: 1 }),
      sell({ mint: M, t: 200, raw: 10, sol: 0.5 }),
      buy({ mint: M, t: 300, raw: 10, sol: 1 }),
      sell({ mint: M, t: 400, raw: 10, sol: 3 }),
    ]);
    expect(pnl.tokens[0]).toMatchObject({ realizedPnlSol: 1.5, closedPositions: 2, winningPositions: 1 });
    expect(pnl.totals).toMatchObject({ closedPositions: 2, winningPositions: 1, losingPositions: 1, winRate: 0.5 });
  });

  it('a sale of everything that leaves dust (at most 1 % of the peak) closes the position; a kept 20 % does not', () => {
    const pnl = computePnl([
      buy({ mint: M, t: 100, raw: 1_000_000, sol: 1 }),
      sell({ mint: M, t: 200, raw: 999_990, sol: 2 }), // 10 base units of dust left
      buy({ mint: M, t: 300, raw: 1_000_000, sol: 1 }),
      sell({ mint: M, t: 400, raw: 990_010, sol: 0.5 }), // the dust and 99 % of the new lot: 1 % of the peak left
      sell({ mint: M, t: 450, raw: 10_000, sol: 0.01 }), // the rest sold later: no position of its own
    ]);
    expect(pnl.tokens[0]).toMatchObject({ closedPositions: 2, winningPositions: 1 });
    expect(pnl.totals.winRate).toBe(0.5);
    const kept = computePnl([buy({ mint: M, t: 100, raw: 1_000, sol: 1 }), sell({ mint: M, t: 200, raw: 800, sol: 2 })]);
    expect(kept.tokens[0]).toMatchObject({ closedPositions: 0, openAmount: '200' });
    expect(kept.totals.winRate).toBeNull();
  });

  it('tokens received by transfer enter at zero cost; selling them is transferProceeds, not trading profit', () => {
    const pnl = computePnl([
      transferIn({ mint: M, t: 100, raw: 100 }),
      buy({ mint: M, t: 200, raw: 100, sol: 2 }),
      sell({ mint: M, t: 300, raw: 150, sol: 6 }),
    ]);
    expect(pnl.tokens[0]).toMatchObject({
      transferInCount: 1,
      transferredInAmount: '100',
      transferProceedsSol: 4, // 100 of 150 sold came from the transfer lot
      realizedPnlSol: 1, // 50 bought tokens: proceeds 2, cost 1
      openAmount: '50',
      openFromTransferAmount: '0',
      hasTransferLots: false,
    });
    expect(pnl.totals).toMatchObject({ realizedPnlSol: 1, transferProceedsSol: 4 });
  });

  it('flags open positions that still hold zero-cost transfer lots', () => {
    const pnl = computePnl([buy({ mint: M, t: 100, raw: 10, sol: 1 }), transferIn({ mint: M, t: 200, raw: 5 })]);
    expect(pnl.tokens[0]).toMatchObject({ openAmount: '15', openFromTransferAmount: '5', openCostBasisSol: 1, hasTransferLots: true });
  });

  it('a transfer out removes cost basis without realizing a loss', () => {
    const pnl = computePnl([buy({ mint: M, t: 100, raw: 100, sol: 2 }), transferOut({ mint: M, t: 200, raw: 40 })]);
    expect(pnl.tokens[0]).toMatchObject({ realizedPnlSol: 0, transferredOutAmount: '40', transferredOutCostSol: 0.8, openAmount: '60', openCostBasisSol: 1.2 });
  });

  it('reports fees apart and subtracts them only in realizedPnlAfterFeesSol', () => {
    const pnl = computePnl([
      buy({ mint: M, t: 100, raw: 10, sol: 1, feeLamports: 5000 }),
      sell({ mint: M, t: 200, raw: 10, sol: 2, feeLamports: 15000 }),
    ]);
    expect(pnl.tokens[0].feesSol).toBeCloseTo(0.00002, 12);
    expect(pnl.totals.realizedPnlSol).toBe(1);
    expect(pnl.totals.realizedPnlAfterFeesSol).toBeCloseTo(0.99998, 12);
    expect(pnl.totals).toMatchObject({ failedTransactions: 0, failedFeesSol: 0 });
  });

  it("counts the fees of the wallet's failed transactions as a cost after fees, apart from its tokens' fees", () => {
    const legs = [buy({ mint: M, t: 100, raw: 10, sol: 1, feeLamports: 5000 }), sell({ mint: M, t: 200, raw: 10, sol: 2, feeLamports: 15000 })];
    // three missed snipes with priority fees: 0.0021 SOL in all
    const pnl = computePnl(legs, { failed: { transactions: 3, feeLamports: 2_100_000 } });
    expect(pnl.totals).toMatchObject({ failedTransactions: 3, realizedPnlSol: 1 });
    expect(pnl.totals.failedFeesSol).toBeCloseTo(0.0021, 12);
    expect(pnl.totals.feesSol).toBeCloseTo(0.00002, 12);
    expect(pnl.totals.realizedPnlAfterFeesSol).toBeCloseTo(1 - 0.00002 - 0.0021, 12);
    expect(pnl.tokens[0].feesSol).toBeCloseTo(0.00002, 12);
    // a wallet with only failed transactions has no token and still their cost
    expect(computePnl([], { failed: { transactions: 1, feeLamports: 5000 } }).totals).toMatchObject({ tokens: 0, failedTransactions: 1, failedFeesSol: 0.000005, realizedPnlAfterFeesSol: -0.000005 });
  });

  it('a mint missing from the given holdings has balance 0 and is marked as differing from FIFO', () => {
    const pnl = computePnl([buy({ mint: M, t: 100, raw: 10, sol: 1 })], { holdings: {} });
    expect(pnl.tokens[0]).toMatchObject({ openAmount: '10', currentBalance: '0', balanceDiffersFromFifo: true });
  });

  it('keeps exact amounts for 18-digit raw values and sorts tokens by mint', () => {
    const pnl = computePnl([
      buy({ mint: 'Zmint', t: 1, raw: '123456789012345678901', decimals: 9, sol: 1 }),
      buy({ mint: 'Amint', t: 2, raw: 1, sol: 1 }),
    ]);
    expect(pnl.tokens.map((t) => [t.mint, t.boughtAmount])).toEqual([
      ['Amint', '1'],
      ['Zmint', '123456789012.345678901'],
    ]);
  });

  it('is empty for no legs, with every total at zero and win rate null', () => {
    const pnl = computePnl([]);
    expect(pnl.tokens).toEqual([]);
    expect(pnl.totals).toMatchObject({ tokens: 0, realizedPnlSol: 0, winRate: null, unrealizedPnlSol: null });
  });
});
