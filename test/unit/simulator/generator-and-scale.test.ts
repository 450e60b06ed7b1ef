import { HeliusClient, SolanaRpcClient } from '../../../src/providers';
import { generateWorld, parseWorld, startSimulator } from '../../../src/simulator';
import { addr, swaps, worldWith } from '../providers/worlds';

describe('generateWorld', () => {
  const world = parseWorld(generateWorld({ seed: 11, wallets: 40, txPerWallet: 30 }));
  const byAddress = new Map(world.wallets.map((w) => [w.address, w]));

  it('is deterministic for a seed', () => {
    expect(generateWorld({ seed: 11, wallets: 40, txPerWallet: 30 })).toEqual(generateWorld({ seed: 11, wallets: 40, txPerWallet: 30 }));
  });

  it('puts every wallet in exactly one ground-truth group', () => {
    const gt = world.groundTruth!;
    const listed = [...gt.clusters.flat(), ...gt.independent!, ...gt.distractors!, ...gt.largeWallets!];
    expect(listed.sort()).toEqual(world.wallets.map((w) => w.address).sort());
    expect(gt.clusterKinds).toContain('copy-traders');
    expect(gt.clusterKinds).toContain('scaled-capital');
  });

  it('makes copy-traders buy the leader’s token within 20 seconds', () => {
    const gt = world.groundTruth!;
    const group = gt.clusters[gt.clusterKinds!.indexOf('copy-traders')];
    const [leader, follower] = group.map((a) => byAddress.get(a)!);
    for (const buy of leader.trades.filter((t) => t.side === 'buy' && (t.quote === 'SOL' || t.quote === 'USDC'))) {
      const copies = follower.trades.filter((t) => t.side === 'buy' && t.mint === buy.mint && t.ts - buy.ts >= 1 && t.ts - buy.ts <= 20);
      expect(copies.length).toBeGreaterThan(0);
    }
  });

  it('includes one wallet with at least 10,000 token accounts', async () => {
    const large = world.groundTruth!.largeWallets![0];
    const sim = await startSimulator({ world });
    const rpc = new SolanaRpcClient({ url: sim.url, apiKey: 'k' });
    const holdings = await rpc.getTokenBalances(large);
    await rpc.close();
    await sim.close();
    expect(holdings.tokenAccountCount).toBeGreaterThanOrEqual(10_000);
    expect(holdings.isLargeWallet).toBe(true);
  });
});

describe('simulator scale', () => {
  it('serves pages deep inside a 50,000-transaction wallet and wallets of a 2,000-wallet world', async () => {
    const whale = addr('wallet', 'whale');
    const others = Array.from({ length: 1999 }, (_, i) => ({ address: addr('wallet', 'crowd', String(i)), trades: swaps(5) }));
    const sim = await startSimulator({ world: worldWith([{ address: whale, trades: swaps(50_000) }, ...others]) });
    const helius = new HeliusClient({ baseUrl: sim.url, apiKey: 'k' });
    const w = sim.world.indexOf(whale)!;

    const deep = await helius.fetchHistoryPage(whale, { before: sim.world.signature(w, 1_000) });
    const last = await helius.fetchHistory(others[1998].address);

    await helius.close();
    await sim.close();
    expect(deep.transactions.map((t) => t.signature)).toEqual(Array.from({ length: 100 }, (_, i) => sim.world.signature(w, 999 - i)));
    expect(last.transactions).toHaveLength(5);
  });
});
