import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { USDC_MINT, WSOL_MINT } from '../../../src/domain/enhanced-transaction';
import { EnhancedTransactionSchema } from '../../../src/providers/schemas';
import { SimWorld, generateWorld, loadWorldFile, parseWorld, worldJsonSchema, WorldFileError } from '../../../src/simulator';
import { START_TS, TOKEN_A, TOKEN_B, addr, worldWith } from '../providers/worlds';

const W = addr('wallet', 'render');
const ISSUE_EXAMPLE = {
  solPriceUsd: 150,
  tokens: [{ mint: TOKEN_A, symbol: 'AAA', name: 'Token A', decimals: 6, priceUsd: 0.5, liquidityUsd: 250000, program: 'spl-token' }],
  wallets: [
    {
      address: W,
      solBalance: 12.5,
      trades: [{ ts: 1727334237, side: 'buy', mint: TOKEN_A, amount: '1000.5', quote: 'SOL', quoteAmount: '0.5', source: 'JUPITER' }],
      transfers: [{ ts: 1727334300, direction: 'in', mint: TOKEN_A, amount: '10', counterparty: addr('cp') }],
    },
  ],
};

describe('world files', () => {
  it('accept the minimal format of issue #3 as written', () => {
    const world = parseWorld(ISSUE_EXAMPLE);
    expect(world.wallets[0].trades[0].amount).toBe('1000.5');
  });

  it('name the offending path when a trade uses a mint missing from tokens', () => {
    const bad = structuredClone(ISSUE_EXAMPLE);
    bad.wallets[0].trades[0].mint = TOKEN_B;
    expect(() => parseWorld(bad)).toThrow(new WorldFileError('wallets.0.trades.0.mint', `${TOKEN_B} is not in tokens`));
    expect(() => parseWorld(bad)).toThrow(`invalid world: wallets.0.trades.0.mint: ${TOKEN_B} is not in tokens`);
  });

  it('publish worlds/world.schema.json generated from the same schema the simulator validates with', () => {
    const published = JSON.parse(readFileSync(join(__dirname, '../../../worlds/world.schema.json'), 'utf8')) as unknown;
    expect(published).toEqual(worldJsonSchema());
  });

  it('include a bundled demo world of 8-12 wallets in 2-3 clusters and a few hundred transactions', () => {
    const demo = loadWorldFile(join(__dirname, '../../../worlds/demo.json'));
    const txs = demo.wallets.reduce((n, w) => n + w.trades.length + w.transfers.length, 0);
    expect(demo.wallets.length).toBeGreaterThanOrEqual(8);
    expect(demo.wallets.length).toBeLessThanOrEqual(12);
    expect(demo.groundTruth!.clusters.length).toBeGreaterThanOrEqual(2);
    expect(demo.groundTruth!.clusters.length).toBeLessThanOrEqual(3);
    expect(txs).toBeGreaterThan(200);
    expect(txs).toBeLessThan(600);
  });
});

describe('rendered Enhanced Transactions', () => {
  const world = new SimWorld(
    parseWorld(
      worldWith([
        {
          address: W,
          trades: [
            { ts: START_TS, side: 'buy', mint: TOKEN_A, amount: '1000.5', quote: 'SOL', quoteAmount: '0.5', source: 'JUPITER' },
            { ts: START_TS + 1, side: 'sell', mint: TOKEN_A, amount: '100', quote: 'USDC', quoteAmount: '49.5', source: 'RAYDIUM' },
            { ts: START_TS + 2, side: 'buy', mint: TOKEN_A, amount: '10', quote: 'SOL', quoteAmount: '0.01', source: 'PUMP_AMM' },
            { ts: START_TS + 3, side: 'buy', mint: TOKEN_B, amount: '5000', quote: TOKEN_A, quoteAmount: '20', source: 'JUPITER' },
            { ts: START_TS + 4, side: 'buy', mint: TOKEN_A, amount: '1', quote: 'SOL', quoteAmount: '1', source: 'JUPITER', failed: true },
          ],
          transfers: [{ ts: START_TS + 5, direction: 'out', mint: 'SOL', amount: '0.25', counterparty: addr('cp') }],
        },
      ]),
    ),
  );
  const tx = (i: number) => world.transaction(0, i);

  it('render SOL->token on Jupiter with events.swap: lamports as a string, exact raw token output, fee inside the wallet delta', () => {
    const t = tx(0);
    expect(t).toMatchObject({ type: 'SWAP', source: 'JUPITER', transactionError: null, feePayer: W });
    expect(t.events.swap!.nativeInput).toEqual({ account: W, amount: '500000000' });
    expect(t.events.swap!.tokenOutputs[0]).toMatchObject({ userAccount: W, mint: TOKEN_A, rawTokenAmount: { tokenAmount: '1000500000', decimals: 6 } });
    expect(t.accountData[0]).toMatchObject({ account: W, nativeBalanceChange: -500_000_000 - t.fee });
    expect(t.tokenTransfers!.find((x) => x.mint === TOKEN_A)!.tokenAmount).toBe(1000.5);
  });

  it('render token->USDC with a negative raw change on the wallet token account and no native input', () => {
    const t = tx(1);
    expect(t.events.swap!.nativeInput).toBeNull();
    expect(t.events.swap!.tokenOutputs[0]).toMatchObject({ mint: USDC_MINT, rawTokenAmount: { tokenAmount: '49500000' } });
    const changes = t.accountData.flatMap((a) => a.tokenBalanceChanges ?? []).filter((c) => c.userAccount === W);
    expect(changes.map((c) => [c.mint, c.rawTokenAmount.tokenAmount])).toEqual([[TOKEN_A, '-100000000'], [USDC_MINT, '49500000']]);
  });

  it('render PumpSwap trades without events.swap but with token transfers', () => {
    const t = tx(2);
    expect(t.source).toBe('PUMP_AMM');
    expect(t.events).toEqual({});
    expect(t.tokenTransfers!.map((x) => x.mint).sort()).toEqual([TOKEN_A, WSOL_MINT].sort());
  });

  it('render token->token as a two-hop route through WSOL', () => {
    const t = tx(3);
    expect(t.events.swap!.innerSwaps).toHaveLength(2);
    expect(t.events.swap!.innerSwaps[0].tokenOutputs[0].mint).toBe(WSOL_MINT);
    expect(t.events.swap!.innerSwaps[1].tokenInputs[0].mint).toBe(WSOL_MINT);
    expect(t.events.swap!.tokenInputs[0]).toMatchObject({ mint: TOKEN_A, rawTokenAmount: { tokenAmount: '20000000' } });
  });

  it('render a failed swap with the raw TransactionError, no transfers and only the fee moved', () => {
    const t = tx(4);
    expect(t.transactionError).toEqual({ InstructionError: [2, { Custom: 6001 }] });
    expect(t.tokenTransfers).toEqual([]);
    expect(t.accountData.map((a) => a.nativeBalanceChange).filter((n) => n !== 0)).toEqual([-t.fee]);
  });

  it('render plain SOL transfers from the System Program', () => {
    expect(tx(5)).toMatchObject({ type: 'TRANSFER', source: 'SYSTEM_PROGRAM', nativeTransfers: [{ fromUserAccount: W, toUserAccount: addr('cp'), amount: 250_000_000 }] });
  });

  it('pass the client schema for every generated transaction kind', () => {
    const generated = new SimWorld(parseWorld(generateWorld({ seed: 5, wallets: 8, txPerWallet: 40, largeWallet: false })));
    for (let w = 0; w < generated.wallets.length; w++) {
      for (let e = 0; e < generated.historyLength(w); e++) expect(EnhancedTransactionSchema.safeParse(generated.transaction(w, e)).error).toBeUndefined();
    }
  });

  it('are identical, signatures included, each time the same world is rendered', () => {
    const again = new SimWorld(world.world);
    expect(again.transaction(0, 3)).toEqual(tx(3));
    expect(again.locate(tx(3).signature)).toEqual({ walletIndex: 0, eventIndex: 3 });
  });
});
