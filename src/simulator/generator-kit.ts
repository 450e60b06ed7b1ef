// What every generated world is made of: the seeded random source, the token list (random tokens,
// five popular ones, spam), and the builders of plays, trades and background noise. The classic
// world (generator.ts) and the hard cases (generator-hard.ts) draw from the same kit, in the same
// order, so a seed always gives the same world.
import { derivedAddress, seededRandom, plainDecimal, walletAddress } from './keys';
import type { WorldInput } from './world';
import { SWAP_SOURCES } from './world';

export type Token = WorldInput['tokens'][number];
export type Wallet = WorldInput['wallets'][number];
export type Trade = NonNullable<Wallet['trades']>[number];
export type Transfer = NonNullable<Wallet['transfers']>[number];

export interface GenerateOptions {
  seed: number;
  wallets: number;
  txPerWallet: number;
  /** include a wallet with 10,050 token accounts (default true) */
  largeWallet?: boolean;
  /** first timestamp (unix s), default 2024-09-22 */
  startTs?: number;
  name?: string;
  /**
   * 'classic' (default): copy-traders seconds apart, scaled-capital groups, distractors.
   * 'hard': groups that hide (slow, resized, skipping copy-traders; funded launch bundles) among
   * decoys (popular-token crowds, behavior twins, exchange-funded wallets, hype waves).
   * 'adversarial': groups that only the chain's word or a rare trace gives away (a large operator,
   * same-amount withdrawals from a listed and an unlisted exchange, a diluted copy chain) among strangers that look like them (an
   * unlisted exchange's customers, dust-sprayed wallets): generator-adversarial.ts.
   */
  scenario?: Scenario;
  /**
   * extension: add a token held by about `holders` owners (served by DAS getTokenAccounts): `wallets`
   * world wallets with histories (default 60, one copy-trader group among them) as its largest
   * ordinary holders, pool vaults (PDAs), an AMM authority, a burn account and an exchange above
   * them, and a tail of small holders without histories. Drawn after the scenario: the rest of the
   * world is the same with or without it.
   */
  holderToken?: { holders: number; wallets?: number };
}

/** The generator's scenarios (GenerateOptions.scenario), for the commands that take one by name. */
export const SCENARIOS = ['classic', 'hard', 'adversarial'] as const;
export type Scenario = (typeof SCENARIOS)[number];
export const isScenario = (name: string): name is Scenario => (SCENARIOS as readonly string[]).includes(name);

export type Play = { ts: number; mint: string; usd: number; holdSeconds: number; quote: 'SOL' | 'USDC'; source: (typeof SWAP_SOURCES)[number] };

/** Where a wallet's first SOL came from (default: a funder of its own, an hour before the start). */
export interface Funding {
  counterparty: string;
  ts?: number;
}

const SYLLABLES = ['ka', 'mo', 'zu', 'pe', 'ri', 'to', 'na', 'lu', 'xi', 'bo', 'da', 'fe', 'go', 'hi', 'ju', 'wo'];

export type GeneratorKit = ReturnType<typeof generatorKit>;

export function generatorKit(options: GenerateOptions) {
  const rng = seededRandom(options.seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rng() * list.length)];
  const logUniform = (lo: number, hi: number) => Math.exp(Math.log(lo) + rng() * (Math.log(hi) - Math.log(lo)));
  const addr = (...label: string[]) => derivedAddress('generated', String(options.seed), ...label);
  /** an address that is an ed25519 public key, as a wallet that signs is (`addr` may fall off the curve, as a program's does) */
  const keyAddr = (...label: string[]) => walletAddress('generated', String(options.seed), ...label);
  const start = options.startTs ?? 1_727_000_000;
  const span = 45 * 86_400;
  const solPriceUsd = 150;

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

  /** Background activity: the first funding, token->token swaps, spam airdrops, SOL and token transfers. */
  const noise = (address: string, count: number, funding?: Funding): { trades: Trade[]; transfers: Transfer[] } => {
    const trades: Trade[] = [];
    const transfers: Transfer[] = [{ ts: funding?.ts ?? start - 3600, direction: 'in', mint: 'SOL', amount: ui(logUniform(2, 40), 9), counterparty: funding?.counterparty ?? addr('funder', address) }];
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

  /** a token nobody else trades (a fresh launch, a hype token), added to the world's tokens */
  const freshToken = (kind: string, k: number): Token => {
    const symbol = `${kind.slice(0, 4).toUpperCase()}${k + 1}`;
    const token: Token = { mint: addr(`${kind}-mint`, String(k)), symbol, name: `${symbol} ${kind}`, decimals: 6, program: 'spl-token', priceUsd: Number(logUniform(1e-5, 1e-3).toPrecision(6)), liquidityUsd: Math.round(logUniform(20_000, 300_000)) };
    tokens.push(token);
    return token;
  };

  const tradeShare = Math.max(2, Math.round(options.txPerWallet * 0.75));
  const playsPerWallet = Math.max(1, Math.floor(tradeShare / 2));
  const noiseCount = Math.max(1, options.txPerWallet - playsPerWallet * 2);

  return { rng, pick, logUniform, addr, keyAddr, start, span, solPriceUsd, tokens, spam, priced, popular, priceOf, decimalsOf, ui, freshToken, makePlays, tradesFor, noise, playsPerWallet, noiseCount };
}
