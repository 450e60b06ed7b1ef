// Generates a world with known structure and its ground truth: copy-trader groups (same tokens,
// buys seconds apart), scaled-capital groups (same plays minutes apart at 1x/4x/0.25x size),
// distractors (same popular tokens, independent timing and sizes), independent wallets, and one
// wallet with 10,000+ token accounts. Deterministic for a given seed.
import { derivedAddress, seededRandom, plainDecimal } from './keys';
import type { GroundTruth, WorldInput } from './world';
import { SWAP_SOURCES } from './world';

type Token = WorldInput['tokens'][number];
type Wallet = WorldInput['wallets'][number];
type Trade = NonNullable<Wallet['trades']>[number];
type Transfer = NonNullable<Wallet['transfers']>[number];

export interface GenerateOptions {
  seed: number;
  wallets: number;
  txPerWallet: number;
  /** include a wallet with 10,050 token accounts (default true) */
  largeWallet?: boolean;
  /** first timestamp (unix s), default 2024-09-22 */
  startTs?: number;
  name?: string;
}

type Play = { ts: number; mint: string; usd: number; holdSeconds: number; quote: 'SOL' | 'USDC'; source: (typeof SWAP_SOURCES)[number] };

const SYLLABLES = ['ka', 'mo', 'zu', 'pe', 'ri', 'to', 'na', 'lu', 'xi', 'bo', 'da', 'fe', 'go', 'hi', 'ju', 'wo'];

export function generateWorld(options: GenerateOptions): WorldInput {
  const rng = seededRandom(options.seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rng() * list.length)];
  const logUniform = (lo: number, hi: number) => Math.exp(Math.log(lo) + rng() * (Math.log(hi) - Math.log(lo)));
  const addr = (...label: string[]) => derivedAddress('generated', String(options.seed), ...label);
  const start = options.startTs ?? 1_727_000_000;
  const span = 45 * 86_400;
  const solPriceUsd = 150;

  // tokens
  // Real markets have far more tokens than a group of wallets trades: unrelated wallets rarely share many.
  const tokenCount = Math.min(2000, Math.max(40, options.wallets * 4));
  const tokens: Token[] = [];
  for (let i = 0; i < tokenCount; i++) {
    const name = `${pick(SYLLABLES)}${pick(SYLLABLES)}${pick(SYLLABLES)}`;
    const priced = i < 5 || rng() > 0.1;
    tokens.push({
      mint: addr('mint', String(i)),
      symbol: name.toUpperCase().slice(0, 6),
      name: `${name[0].toUpperCase()}${name.slice(1)} Coin`,
      decimals: rng() < 0.7 ? 6 : 9,
      program: rng() < 0.2 ? 'spl-token-2022' : 'spl-token',
      ...(priced ? { priceUsd: Number(logUniform(1e-6, 2).toPrecision(6)), liquidityUsd: Math.round(logUniform(5_000, 3_000_000)) } : {}),
    });
  }
  const spam: Token[] = [0, 1, 2].map((i) => ({ mint: addr('spam', String(i)), symbol: `CLAIM${i}`, name: `Claim Reward ${i}`, decimals: 0, program: 'spl-token', spam: true }));
  tokens.push(...spam);
  const priced = tokens.filter((t) => t.priceUsd !== undefined);
  const popular = priced.slice(0, 5);
  const priceOf = (mint: string) => tokens.find((t) => t.mint === mint)?.priceUsd ?? 0.001;
  const decimalsOf = (mint: string) => tokens.find((t) => t.mint === mint)?.decimals ?? 6;
  const ui = (value: number, decimals: number) => {
    const s = plainDecimal(Math.max(value, 10 ** -Math.min(decimals, 6)));
    const [w, f = ''] = s.split('.');
    const frac = f.slice(0, Math.min(decimals, 6)).replace(/0+$/, '');
    return frac ? `${w}.${frac}` : w;
  };

  const makePlays = (count: number, universe: readonly Token[]): Play[] =>
    Array.from({ length: count }, () => {
      const r = rng();
      return {
        ts: start + Math.floor(rng() * span),
        mint: pick(universe).mint,
        usd: logUniform(20, 1500),
        holdSeconds: Math.floor(logUniform(120, 5 * 86_400)),
        quote: r < 0.8 ? 'SOL' : 'USDC',
        source: pick(SWAP_SOURCES),
      } satisfies Play;
    });

  const tradesFor = (plays: Play[], delaySeconds: () => number, weight: number): Trade[] =>
    plays.flatMap((p) => {
      const source = p.source === 'PUMP_FUN' && p.quote !== 'SOL' ? 'JUPITER' : p.source;
      const usd = p.usd * weight * (0.85 + rng() * 0.3);
      const amount = ui(usd / priceOf(p.mint), decimalsOf(p.mint));
      const quoteAmount = p.quote === 'SOL' ? ui(usd / solPriceUsd, 9) : ui(usd, 6);
      const buyTs = p.ts + delaySeconds();
      const failed = rng() < 0.04;
      const buy: Trade = { ts: buyTs, side: 'buy', mint: p.mint, amount, quote: p.quote, quoteAmount, source, ...(failed ? { failed } : {}) };
      const sellUsd = usd * (0.3 + rng() * 2);
      const sell: Trade = { ts: buyTs + p.holdSeconds + delaySeconds(), side: 'sell', mint: p.mint, amount, quote: p.quote, quoteAmount: p.quote === 'SOL' ? ui(sellUsd / solPriceUsd, 9) : ui(sellUsd, 6), source };
      return failed ? [buy] : [buy, sell];
    });

  const noise = (address: string, count: number): { trades: Trade[]; transfers: Transfer[] } => {
    const trades: Trade[] = [];
    const transfers: Transfer[] = [{ ts: start - 3600, direction: 'in', mint: 'SOL', amount: ui(logUniform(2, 40), 9), counterparty: addr('funder', address) }];
    for (let k = 1; k < count; k++) {
      const ts = start + Math.floor(rng() * span);
      const r = rng();
      if (r < 0.3) {
        const [a, b] = [pick(priced), pick(priced)];
        if (a.mint !== b.mint) {
          const usd = logUniform(10, 300);
          trades.push({ ts, side: 'buy', mint: b.mint, amount: ui(usd / b.priceUsd!, b.decimals), quote: a.mint, quoteAmount: ui(usd / a.priceUsd!, a.decimals), source: 'JUPITER' });
        }
      } else if (r < 0.55) transfers.push({ ts, direction: 'in', mint: pick(spam).mint, amount: String(1 + Math.floor(rng() * 1000)), kind: 'airdrop' });
      else if (r < 0.75) transfers.push({ ts, direction: rng() < 0.5 ? 'in' : 'out', mint: 'SOL', amount: ui(logUniform(0.01, 2), 9), ...(rng() < 0.1 ? { failed: true } : {}) });
      else {
        const t = pick(priced);
        transfers.push({ ts, direction: 'in', mint: t.mint, amount: ui(logUniform(5, 200) / t.priceUsd!, t.decimals) });
      }
    }
    return { trades, transfers };
  };

  const wallets: Wallet[] = [];
  const truth: GroundTruth = { clusters: [], clusterKinds: [], independent: [], distractors: [], largeWallets: [] };
  const tradeShare = Math.max(2, Math.round(options.txPerWallet * 0.75));
  const playsPerWallet = Math.max(1, Math.floor(tradeShare / 2));
  const noiseCount = Math.max(1, options.txPerWallet - playsPerWallet * 2);
  let remaining = options.wallets;
  const addWallet = (label: string, trades: Trade[], extra: Partial<Wallet> = {}) => {
    const address = addr('wallet', String(wallets.length));
    const n = noise(address, noiseCount);
    wallets.push({ address, label, solBalance: Number(logUniform(0.5, 80).toFixed(4)), trades: [...trades, ...n.trades], transfers: n.transfers, ...extra });
    remaining -= 1;
    return address;
  };

  const large = (options.largeWallet ?? true) && remaining >= 4;
  const copyGroups = Math.max(1, Math.floor(options.wallets / 6));
  const scaledGroups = Math.max(1, Math.floor(options.wallets / 20));
  for (let g = 0; g < copyGroups && remaining >= 3 + (large ? 1 : 0); g++) {
    const size = options.wallets >= 20 && rng() < 0.3 ? 4 : 3;
    const favourites = Array.from({ length: 8 }, () => pick(priced));
    const plays = makePlays(playsPerWallet, favourites);
    const members: string[] = [];
    for (let m = 0; m < size; m++) members.push(addWallet(`copy-trader group ${g + 1}${m === 0 ? ' (leader)' : ''}`, tradesFor(plays, () => (m === 0 ? 0 : 1 + Math.floor(rng() * 20)), 0.5 + rng())));
    truth.clusters.push(members);
    truth.clusterKinds!.push('copy-traders');
  }
  for (let g = 0; g < scaledGroups && remaining >= 3 + (large ? 1 : 0); g++) {
    const plays = makePlays(playsPerWallet, Array.from({ length: 6 }, () => pick(priced)));
    const members = [1, 4, 0.25].map((w) => addWallet(`scaled-capital group ${g + 1} (${w}x)`, tradesFor(plays, () => 60 + Math.floor(rng() * 540), w)));
    truth.clusters.push(members);
    truth.clusterKinds!.push('scaled-capital');
  }
  if (large) truth.largeWallets!.push(addWallet('large wallet (10,050 token accounts)', tradesFor(makePlays(playsPerWallet, priced), () => 0, 1), { extraTokenAccounts: 10_050 }));
  const distractors = Math.max(1, Math.floor(options.wallets / 10));
  for (let d = 0; d < distractors && remaining > 0; d++) truth.distractors!.push(addWallet('distractor (popular tokens, own timing)', tradesFor(makePlays(playsPerWallet, popular), () => 0, logUniform(0.1, 10))));
  while (remaining > 0) truth.independent!.push(addWallet('independent', tradesFor(makePlays(playsPerWallet, priced), () => 0, logUniform(0.2, 5))));

  return {
    $schema: './world.schema.json',
    name: options.name ?? `generated-seed-${options.seed}`,
    description: `generated: seed ${options.seed}, ${options.wallets} wallets, ~${options.txPerWallet} transactions each`,
    solPriceUsd,
    tokens,
    wallets,
    groundTruth: truth,
  };
}
