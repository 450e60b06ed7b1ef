// The hard scenario: related wallets that hide the way real groups do, among unrelated wallets that
// look alike. Related (ground-truth clusters):
// - copy-traders: a leader and followers 3 s to 20 min behind it, at 0.1x to 10x its size, skipping
//   about a fifth of its plays and adding plays of their own;
// - launch bundles: wallets funded by one address (in a burst, topped up before the launch) that buy
//   a fresh token within seconds of each other (the first two in the same slot), after a few
//   warm-up trades, and mostly sweep SOL back to the funder.
// Unrelated decoys (ground-truth `decoys`): popular-token crowds (the same five tokens, own timing
// and sizes), behavior twins (the same style on disjoint tokens), wallets funded by the same exchange
// hot wallet, and hype waves (unrelated wallets piling into one token within ten minutes).
import type { Funding, GenerateOptions, GeneratorKit, Trade, Transfer, Wallet } from './generator-kit';
import type { GroundTruth, Service } from './world';

/** The knobs of the hard cases, in one place (docs/analytics.md, "Detection benchmark"). */
export const HARD_CASES = {
  copyLagSeconds: [3, 1200],
  copySizeFactor: [0.1, 10],
  copySkipShare: 0.2,
  /** own plays of a follower, as a share of the leader's plays */
  copyNoiseShare: 0.3,
  /** buys of a bundle land this many seconds after the first one at most */
  bundleSpreadSeconds: 3,
  bundleWarmupPlays: 2,
  bundleSweepShare: 0.7,
  crowdPopularShare: 0.9,
  hypeWindowSeconds: 600,
  hypeWaveMaxWallets: 8,
  exchangeFundedShare: 0.6,
  exchangeHotWallets: 2,
  /** their steady rate on chain (getSignaturesForAddress): a full page of 1,000 within the hour */
  exchangeTransactionsPerHour: 3_000,
} as const;

const DAY = 86_400;

export function generateHardWallets(kit: GeneratorKit, options: GenerateOptions): { wallets: Wallet[]; truth: GroundTruth; services: Service[] } {
  const { rng, pick, logUniform, addr, start, span, priced, popular, ui, priceOf, decimalsOf, freshToken, makePlays, tradesFor, noise, playsPerWallet: P, noiseCount } = kit;
  const H = HARD_CASES;
  const W = options.wallets;
  const wallets: Wallet[] = [];
  const truth: GroundTruth = { clusters: [], clusterKinds: [], independent: [], distractors: [], largeWallets: [], decoys: [], fundingSources: [] };
  const exchanges = Array.from({ length: H.exchangeHotWallets }, (_, k) => addr('exchange-hot-wallet', String(k)));
  const fundedBy = new Map<string, string[]>();
  let remaining = W;

  const uniformInt = (lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));
  const quoteDecimals = (quote: Trade['quote']) => (quote === 'SOL' ? 9 : 6);
  /** an exchange hot wallet for most wallets, else a funder of its own; at a random time before the start */
  const ordinaryFunding = (): Funding | undefined => {
    if (rng() >= H.exchangeFundedShare) return undefined;
    return { counterparty: pick(exchanges), ts: start - Math.floor(logUniform(3600, 20 * DAY)) };
  };
  const addWallet = (label: string, trades: Trade[], funding: Funding | undefined, extra: { transfers?: Transfer[]; wallet?: Partial<Wallet>; ownTokensOnly?: boolean } = {}) => {
    const address = addr('wallet', String(wallets.length));
    const n = noise(address, noiseCount, funding);
    if (funding) fundedBy.set(funding.counterparty, [...(fundedBy.get(funding.counterparty) ?? []), address]);
    // background token->token swaps would give a wallet tokens outside its own shelf
    const noiseTrades = extra.ownTokensOnly ? [] : n.trades;
    wallets.push({ address, label, solBalance: Number(logUniform(0.5, 80).toFixed(4)), trades: [...trades, ...noiseTrades], transfers: [...n.transfers, ...(extra.transfers ?? [])], ...extra.wallet });
    remaining -= 1;
    return address;
  };
  const walletOf = (address: string) => wallets.find((w) => w.address === address)!;
  /** a buy and (unless it stays open) a sale of `mint` for SOL */
  const roundTrip = (mint: string, buyTs: number, usd: number, holdSeconds: number, source: Trade['source']): Trade[] => {
    const amount = ui(usd / priceOf(mint), decimalsOf(mint));
    const sellUsd = usd * (0.3 + rng() * 3);
    return [
      { ts: buyTs, side: 'buy', mint, amount, quote: 'SOL', quoteAmount: ui(usd / kit.solPriceUsd, 9), source },
      { ts: buyTs + holdSeconds, side: 'sell', mint, amount, quote: 'SOL', quoteAmount: ui(sellUsd / kit.solPriceUsd, 9), source: source === 'PUMP_FUN' && rng() < 0.5 ? 'PUMP_AMM' : source },
    ];
  };

  const large = (options.largeWallet ?? true) && remaining >= 12;
  if (large) truth.largeWallets!.push(addWallet('large wallet (10,050 token accounts)', tradesFor(makePlays(P, priced), () => 0, 1), ordinaryFunding(), { wallet: { extraTokenAccounts: 10_050 } }));

  // copy-traders: followers copy the leader's successful plays late, resized, with skips and own plays
  const copyGroups = Math.max(1, Math.round(W / 13));
  for (let g = 0; g < copyGroups && remaining >= 3; g++) {
    const size = W >= 20 && rng() < 0.3 ? 4 : 3;
    const favourites = [...popular.slice(0, 3), ...Array.from({ length: 7 }, () => pick(priced))];
    const leaderTrades = tradesFor(makePlays(P, favourites), () => 0, logUniform(0.3, 3));
    const members = [addWallet(`copy-trader group ${g + 1} (leader)`, leaderTrades, ordinaryFunding())];
    for (let m = 1; m < size; m++) {
      const lag = logUniform(H.copyLagSeconds[0], H.copyLagSeconds[1]);
      const sizeFactor = logUniform(H.copySizeFactor[0], H.copySizeFactor[1]);
      const delay = () => Math.min(H.copyLagSeconds[1], Math.max(H.copyLagSeconds[0], Math.round(lag * (0.5 + rng()))));
      const trades: Trade[] = [];
      let copying = false;
      let lastBuyTs = 0;
      for (const t of leaderTrades) {
        if (t.side === 'buy') copying = !t.failed && rng() >= H.copySkipShare;
        if (!copying) continue;
        const f = sizeFactor * (0.8 + 0.4 * rng());
        const ts = t.side === 'buy' ? t.ts + delay() : Math.max(lastBuyTs + 30, t.ts + delay());
        if (t.side === 'buy') lastBuyTs = ts;
        const slip = 1 + (rng() - 0.5) * 0.06;
        const source = rng() < 0.7 ? t.source : 'JUPITER';
        trades.push({ ts, side: t.side, mint: t.mint, amount: ui(Number(t.amount) * f, decimalsOf(t.mint)), quote: t.quote, quoteAmount: ui(Number(t.quoteAmount) * f * slip, quoteDecimals(t.quote)), source });
      }
      trades.push(...tradesFor(makePlays(Math.max(1, Math.round(P * H.copyNoiseShare)), priced), () => 0, sizeFactor));
      members.push(addWallet(`copy-trader group ${g + 1} (follower, ~${Math.round(lag)} s, ${sizeFactor.toFixed(2)}x)`, trades, ordinaryFunding()));
    }
    truth.clusters.push(members);
    truth.clusterKinds!.push('copy-traders');
  }

  // launch bundles: one funder, a fresh token bought within seconds by every member
  const bundles = Math.max(1, Math.floor(W / 20));
  const launches: Array<{ mint: string; ts: number }> = [];
  for (let g = 0; g < bundles && remaining >= 3; g++) {
    const size = W >= 20 ? 4 : 3;
    const funder = addr('bundle-funder', String(g));
    const token = freshToken('launch', g);
    const launchTs = start + Math.floor(span * (0.15 + 0.7 * rng()));
    launches.push({ mint: token.mint, ts: launchTs });
    const fundTs = start - Math.floor(logUniform(3600, 5 * DAY));
    const topUpTs = launchTs - Math.floor(logUniform(120, 7200));
    const members: string[] = [];
    for (let m = 0; m < size; m++) {
      const warmup = makePlays(H.bundleWarmupPlays, [...popular, ...priced.slice(5, 40)]).map((p) => ({ ...p, ts: launchTs - Math.floor(logUniform(3600, 3 * DAY)), holdSeconds: Math.floor(logUniform(600, DAY)) }));
      const own = makePlays(Math.max(0, P - H.bundleWarmupPlays - 1), priced);
      const usd = logUniform(150, 1500);
      const launch = roundTrip(token.mint, launchTs + (m <= 1 ? 0 : pick([0, 1, 1, 2, H.bundleSpreadSeconds])), usd, Math.floor(logUniform(300, 6 * 3600)), 'PUMP_FUN');
      const transfers: Transfer[] = [{ ts: topUpTs + m * uniformInt(2, 20), direction: 'in', mint: 'SOL', amount: ui(usd / kit.solPriceUsd + logUniform(0.05, 0.5), 9), counterparty: funder }];
      if (rng() < H.bundleSweepShare) transfers.push({ ts: launch[1].ts + Math.floor(logUniform(600, DAY)), direction: 'out', mint: 'SOL', amount: ui(logUniform(0.5, 10), 9), counterparty: funder });
      const trades = [...tradesFor(warmup, () => 0, 1), ...launch, ...tradesFor(own, () => 0, logUniform(0.2, 3))];
      members.push(addWallet(`launch bundle ${g + 1}`, trades, { counterparty: funder, ts: fundTs + m * uniformInt(5, 60) }, { transfers }));
    }
    truth.clusters.push(members);
    truth.clusterKinds!.push('launch-bundle');
    truth.fundingSources!.push({ address: funder, kind: 'bundle-funder', funded: members });
  }

  // decoys: the popular-token crowd, behavior twins, everyone else independent
  const crowd: string[] = [];
  const crowdSize = Math.max(2, Math.round(W / 4));
  for (let c = 0; c < crowdSize && remaining > 0; c++) {
    const popularPlays = Math.round(P * H.crowdPopularShare);
    const plays = [...makePlays(popularPlays, popular), ...makePlays(P - popularPlays, priced)];
    crowd.push(addWallet('popular-token crowd (own timing and sizes)', tradesFor(plays, () => 0, logUniform(0.1, 10)), ordinaryFunding()));
  }
  truth.distractors!.push(...crowd);
  if (crowd.length >= 2) truth.decoys!.push({ kind: 'popular-crowd', members: crowd });

  const twins: string[] = [];
  const twinPairs = Math.max(1, Math.floor(W / 40));
  for (let k = 0; k < twinPairs && remaining >= 2; k++) {
    const hold = logUniform(180, 1800);
    const usd = logUniform(50, 800);
    const hour = Math.floor(rng() * 24);
    const source = pick(['RAYDIUM', 'ORCA', 'PUMP_AMM'] as const);
    const shelf = priced.slice(5);
    const first = Math.floor(rng() * shelf.length);
    const twin = (side: number): Trade[] => {
      // disjoint shelves: eight consecutive tokens each, on opposite sides of the list
      const tokens = Array.from({ length: 8 }, (_, i) => shelf[(first + side * Math.floor(shelf.length / 2) + i) % shelf.length]);
      return Array.from({ length: P }, () => {
        const day = Math.floor(rng() * (span / DAY));
        const ts = start + day * DAY + hour * 3600 + Math.floor(rng() * 7200);
        return roundTrip(pick(tokens).mint, ts, usd * (0.9 + 0.2 * rng()), Math.floor(hold * (0.8 + 0.4 * rng())), source);
      }).flat();
    };
    const members = [0, 1].map((side) => addWallet(`behavior twin ${k + 1}`, twin(side), ordinaryFunding(), { ownTokensOnly: true }));
    twins.push(...members);
    truth.independent!.push(...members);
    truth.decoys!.push({ kind: 'behavior-twins', members });
  }
  while (remaining > 0) truth.independent!.push(addWallet('independent', tradesFor(makePlays(P, priced), () => 0, logUniform(0.2, 5)), ordinaryFunding()));

  // unrelated wallets (never twins: their shelves stay disjoint) that buy a launch token hours later, and hype waves
  const outsiders = [...truth.independent!, ...crowd].filter((a) => !twins.includes(a));
  for (const launch of launches) {
    if (outsiders.length === 0) break;
    const late = uniformInt(1, 2);
    for (let k = 0; k < late; k++) walletOf(pick(outsiders)).trades!.push(...roundTrip(launch.mint, launch.ts + Math.floor(logUniform(2 * 3600, 3 * DAY)), logUniform(50, 500), Math.floor(logUniform(600, DAY)), 'PUMP_AMM'));
  }
  const waves = Math.max(1, Math.floor(W / 20));
  for (let k = 0; k < waves && outsiders.length >= 3; k++) {
    const token = freshToken('hype', k);
    const waveTs = start + Math.floor(span * (0.1 + 0.8 * rng()));
    const pool = [...outsiders];
    const members: string[] = [];
    const size = Math.min(pool.length, H.hypeWaveMaxWallets, Math.max(3, Math.round(W / 8)));
    while (members.length < size) members.push(...pool.splice(Math.floor(rng() * pool.length), 1));
    for (const m of members) {
      const buyTs = waveTs + Math.floor(rng() * H.hypeWindowSeconds);
      walletOf(m).trades!.push(...roundTrip(token.mint, buyTs, logUniform(30, 1500), Math.floor(logUniform(600, 2 * DAY)), pick(['JUPITER', 'RAYDIUM', 'PUMP_AMM'] as const)));
    }
    truth.decoys!.push({ kind: 'hype-wave', members, mint: token.mint });
  }

  for (const exchange of exchanges) {
    const funded = fundedBy.get(exchange) ?? [];
    truth.fundingSources!.push({ address: exchange, kind: 'exchange-hot-wallet', funded });
    if (funded.length >= 2) truth.decoys!.push({ kind: 'exchange-funded', members: funded, funder: exchange });
  }
  // the hot wallets are not on the known list: what tells them apart is their own activity
  const services = exchanges.map((address): Service => ({ address, label: 'exchange hot wallet (unlisted)', transactionsPerHour: H.exchangeTransactionsPerHour }));
  return { wallets, truth, services };
}
