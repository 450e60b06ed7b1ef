// The hard scenario of the generator: related groups that hide (slow, resized, skipping
// copy-traders; funded launch bundles) and unrelated decoys that look alike.
import { extractMany, median } from '../../../src/domain';
import { generateWorld, parseWorld, SimWorld, type World } from '../../../src/simulator';
import { slotOf } from '../../../src/simulator/chain';
import { HARD_CASES } from '../../../src/simulator/generator-hard';

type Wallet = World['wallets'][number];
const hard = (seed: number, wallets = 40) => parseWorld(generateWorld({ seed, wallets, txPerWallet: 40, scenario: 'hard', largeWallet: false }));
const SEEDS = [1, 2, 3, 4, 5];
const worlds = SEEDS.map((s) => hard(s));
const world = worlds[0];
const gt = world.groundTruth!;
const walletIn = (w: World) => (address: string): Wallet => w.wallets.find((x) => x.address === address)!;
const byAddress = walletIn(world);
const groupsOf = (w: World, kind: string) => w.groundTruth!.clusters.filter((_, i) => w.groundTruth!.clusterKinds![i] === kind);
const firstSolIn = (w: Wallet) => [...w.transfers].filter((t) => t.mint === 'SOL' && t.direction === 'in').sort((a, b) => a.ts - b.ts)[0];

describe('generateWorld({ scenario: "hard" })', () => {
  it('is deterministic for a seed and leaves the classic scenario unchanged', () => {
    expect(generateWorld({ seed: 3, wallets: 40, txPerWallet: 40, scenario: 'hard' })).toEqual(generateWorld({ seed: 3, wallets: 40, txPerWallet: 40, scenario: 'hard' }));
    expect(generateWorld({ seed: 3, wallets: 20, txPerWallet: 20, scenario: 'classic' })).toEqual(generateWorld({ seed: 3, wallets: 20, txPerWallet: 20 }));
    expect(generateWorld({ seed: 3, wallets: 20, txPerWallet: 20, scenario: 'hard' }).name).toBe('generated-hard-seed-3');
  });

  it('puts every wallet in exactly one ground-truth role and names every group and decoy kind', () => {
    for (const w of [...worlds, hard(9, 12), hard(9, 3)]) {
      const t = w.groundTruth!;
      const listed = [...t.clusters.flat(), ...t.independent!, ...t.distractors!, ...t.largeWallets!];
      expect(listed.sort()).toEqual(w.wallets.map((x) => x.address).sort());
    }
    expect(gt.clusterKinds!.filter((k) => k === 'copy-traders')).toHaveLength(3);
    expect(gt.clusterKinds!.filter((k) => k === 'launch-bundle')).toHaveLength(2);
    expect(new Set(gt.decoys!.map((d) => d.kind))).toEqual(new Set(['popular-crowd', 'behavior-twins', 'hype-wave', 'exchange-funded']));
    expect(gt.decoys!.find((d) => d.kind === 'popular-crowd')!.members).toHaveLength(10);
  });

  it('makes followers copy 3 s to 20 min late, at 0.1x to 10x size, skipping some plays and adding their own', () => {
    const lags: number[] = [];
    const ratios: number[] = [];
    for (const w of worlds) {
      for (const [leaderAddress, ...followers] of groupsOf(w, 'copy-traders')) {
        const leader = walletIn(w)(leaderAddress);
        const leaderBuys = leader.trades.filter((t) => t.side === 'buy' && !t.failed && (t.quote === 'SOL' || t.quote === 'USDC'));
        for (const f of followers.map(walletIn(w))) {
          let copied = 0;
          for (const buy of leaderBuys) {
            const copy = f.trades.find((t) => t.side === 'buy' && t.mint === buy.mint && t.ts - buy.ts >= 3 && t.ts - buy.ts <= 1200);
            if (!copy) continue;
            copied += 1;
            lags.push(copy.ts - buy.ts);
            ratios.push(Number(copy.amount) / Number(buy.amount));
          }
          expect(copied / leaderBuys.length).toBeGreaterThanOrEqual(0.4);
          expect(copied).toBeLessThanOrEqual(leaderBuys.length);
          const leaderMints = new Set(leader.trades.map((t) => t.mint));
          expect(f.trades.some((t) => !leaderMints.has(t.mint))).toBe(true);
        }
      }
    }
    expect(Math.min(...lags)).toBeGreaterThanOrEqual(HARD_CASES.copyLagSeconds[0]);
    expect(lags.filter((l) => l > 300).length).toBeGreaterThan(0); // beyond today's 300 s co-trading window
    expect(Math.min(...ratios)).toBeGreaterThanOrEqual(0.1 * 0.8 - 1e-6);
    expect(Math.max(...ratios)).toBeLessThanOrEqual(10 * 1.2 + 1e-6);
    expect(ratios.some((r) => r < 0.5) && ratios.some((r) => r > 2)).toBe(true);
  });

  it('makes each launch bundle buy a fresh token within seconds, funded by one address, after warm-up trades', () => {
    for (const members of groupsOf(world, 'launch-bundle')) {
      const wallets = members.map(byAddress);
      const funder = gt.fundingSources!.find((s) => s.kind === 'bundle-funder' && s.funded.includes(members[0]))!;
      expect(funder.funded).toEqual(members);
      const launchMints = wallets.map((w) => new Set(w.trades.map((t) => t.mint)));
      const launchMint = [...launchMints[0]].find((m) => launchMints.every((s) => s.has(m)) && world.tokens.find((t) => t.mint === m)!.symbol.startsWith('LAUN'))!;
      const buys = wallets.map((w) => w.trades.find((t) => t.mint === launchMint && t.side === 'buy')!);
      const times = buys.map((b) => b.ts);
      expect(Math.max(...times) - Math.min(...times)).toBeLessThanOrEqual(HARD_CASES.bundleSpreadSeconds);
      expect(slotOf(times[0])).toBe(slotOf(times[1])); // the first two in the same slot
      for (const w of wallets) {
        expect(firstSolIn(w).counterparty).toBe(funder.address);
        expect(w.trades.filter((t) => t.ts < Math.min(...times)).length).toBeGreaterThanOrEqual(HARD_CASES.bundleWarmupPlays);
      }
      // rare: besides the bundle, at most two outsiders ever trade it
      const holders = world.wallets.filter((w) => w.trades.some((t) => t.mint === launchMint)).length;
      expect(holders - members.length).toBeLessThanOrEqual(2);
    }
  });

  it('renders the funding as a plain SOL transfer the funder appears in', () => {
    const sim = new SimWorld(world);
    const member = groupsOf(world, 'launch-bundle')[0][0];
    const funder = gt.fundingSources!.find((s) => s.kind === 'bundle-funder')!.address;
    const i = sim.indexOf(member)!;
    const txs = Array.from({ length: sim.historyLength(i) }, (_, e) => sim.transaction(i, e));
    const funding = txs.filter((tx) => tx.type === 'TRANSFER' && (tx.nativeTransfers ?? []).some((n) => n.fromUserAccount === funder && n.toUserAccount === member));
    expect(funding.length).toBeGreaterThanOrEqual(2); // the first funding and the top-up before the launch
    expect(funding.every((tx) => tx.source === 'SYSTEM_PROGRAM' && tx.accountData.some((a) => a.account === member && a.nativeBalanceChange > 0))).toBe(true);
    // and the launch buy is an ordinary swap the extraction reads
    const { legs } = extractMany(txs, member, { solPriceUsd: world.solPriceUsd });
    expect(legs.some((l) => l.kind === 'swap' && world.tokens.find((t) => t.mint === l.mint)?.symbol.startsWith('LAUN'))).toBe(true);
  });

  it('gives the popular-token crowd the same five tokens with timing of their own', () => {
    const crowd = gt.decoys!.find((d) => d.kind === 'popular-crowd')!.members.map(byAddress);
    const popular = new Set(world.tokens.slice(0, 5).map((t) => t.mint));
    for (const w of crowd) {
      const sol = w.trades.filter((t) => t.quote === 'SOL' || t.quote === 'USDC');
      expect(sol.filter((t) => popular.has(t.mint)).length / sol.length).toBeGreaterThan(0.6);
    }
    expect(crowd.every((w) => gt.distractors!.includes(w.address))).toBe(true);
  });

  it('gives behavior twins the same style on disjoint tokens', () => {
    for (const w of worlds) {
      const [a, b] = w.groundTruth!.decoys!.find((d) => d.kind === 'behavior-twins')!.members.map(walletIn(w));
      const mints = (x: Wallet) => new Set(x.trades.flatMap((t) => [t.mint, t.quote]).filter((m) => m !== 'SOL' && m !== 'USDC'));
      const shared = [...mints(a)].filter((m) => mints(b).has(m));
      expect(shared).toEqual([]);
      // every buy of both twins in the same two-hour window of the day
      const hours = (x: Wallet) => x.trades.filter((t) => t.side === 'buy').map((t) => (t.ts % 86_400) / 3600);
      const all = [...hours(a), ...hours(b)];
      expect(Math.max(...all) - Math.min(...all)).toBeLessThan(2);
      const holds = (x: Wallet) => median(x.trades.filter((t) => t.side === 'sell').map((s, k) => s.ts - x.trades.filter((t) => t.side === 'buy')[k].ts));
      expect(holds(a)! / holds(b)!).toBeGreaterThan(0.6);
      expect(holds(a)! / holds(b)!).toBeLessThan(1.6);
    }
  });

  it('funds many unrelated wallets from exchange hot wallets', () => {
    const exchanges = gt.fundingSources!.filter((s) => s.kind === 'exchange-hot-wallet');
    expect(exchanges).toHaveLength(HARD_CASES.exchangeHotWallets);
    const funded = exchanges.flatMap((s) => s.funded);
    expect(funded.length).toBeGreaterThan(world.wallets.length / 3);
    for (const s of exchanges) for (const a of s.funded) expect(firstSolIn(byAddress(a)).counterparty).toBe(s.address);
    const related = new Set(gt.clusters.flat());
    expect(funded.filter((a) => !related.has(a)).length).toBeGreaterThan(10);
  });

  it('makes hype waves of unrelated wallets buying one token within ten minutes', () => {
    const waves = gt.decoys!.filter((d) => d.kind === 'hype-wave');
    expect(waves.length).toBeGreaterThan(0);
    const related = new Set(gt.clusters.flat());
    for (const wave of waves) {
      expect(wave.members.length).toBeGreaterThanOrEqual(3);
      expect(wave.members.some((m) => related.has(m))).toBe(false);
      const buys = wave.members.map((m) => byAddress(m).trades.find((t) => t.mint === wave.mint && t.side === 'buy')!.ts);
      expect(Math.max(...buys) - Math.min(...buys)).toBeLessThan(HARD_CASES.hypeWindowSeconds);
    }
  });
});
