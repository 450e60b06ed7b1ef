// DexScreener: token metadata and USD prices from the canonical pair of each mint (contract §3.2),
// and the SOL/USD price. No API key. A token without pairs is "unknown", not an error.
import { WSOL_MINT } from '../domain/enhanced-transaction';
import { isPublicKey } from './address';
import { InvalidAddressError, MalformedResponseError } from './errors';
import type { HttpTimeouts } from './http';
import { ProviderHttp } from './http';
import type { RateBudget } from './rate-limit';
import { DexPairSchema, parseOrThrow, type DexPair } from './schemas';

export interface DexScreenerClientOptions {
  /** https://api.dexscreener.com (DEXSCREENER_BASE_URL) or the simulator's URL */
  baseUrl: string;
  budget?: RateBudget;
  timeouts?: HttpTimeouts;
}

export interface PricedToken {
  mint: string;
  status: 'priced';
  /** 'base': from the canonical pair; 'quote': only quote-side pools exist, price derived from one */
  priceSource: 'base' | 'quote';
  priceUsd: number;
  /** the price in the pair's quote token, decimal string as sent */
  priceNative: string;
  liquidityUsd: number;
  volumeH24: number;
  pairAddress: string;
  dexId: string;
  quoteMint: string;
  symbol: string;
  name: string;
  imageUrl: string | null;
  websites: { label?: string; url: string }[];
  socials: { type: string; url: string }[];
  marketCap: number | null;
  fdv: number | null;
  /** epoch milliseconds */
  pairCreatedAt: number | null;
}

export interface UnknownToken {
  mint: string;
  status: 'unknown';
}

export type TokenMarket = PricedToken | UnknownToken;

/** `signal`: aborts the call wherever it is (its turn, its budget slot, on the wire); it rejects with the signal's reason. */
export interface MarketCallOptions {
  signal?: AbortSignal;
}

/** What activities depend on; tests may pass a fake. */
export interface MarketDataSource {
  getTokens(mints: readonly string[], options?: MarketCallOptions): Promise<Map<string, TokenMarket>>;
  getSolPriceUsd(options?: MarketCallOptions): Promise<number>;
}

export const MAX_MINTS_PER_CALL = 30;
const TOKENS_OP = 'GET /tokens/v1/solana/{mints}';

export class DexScreenerClient implements MarketDataSource {
  private readonly http: ProviderHttp;
  /** pairs of answers that did not read and were left out (an answer of which none reads fails) */
  pairsLeftOut = 0;

  constructor(options: DexScreenerClientOptions) {
    this.http = new ProviderHttp({ provider: 'dexscreener', keyless: true, baseUrl: options.baseUrl, budget: options.budget, timeouts: options.timeouts });
  }

  /** All Solana pairs touching these mints (base or quote side), requested 30 at a time; a pair that does not read is left out. */
  async getPairs(mints: readonly string[], options: MarketCallOptions = {}): Promise<DexPair[]> {
    for (const mint of mints) {
      if (!isPublicKey(mint)) throw new InvalidAddressError(mint, this.http.details(TOKENS_OP));
    }
    const unique = [...new Set(mints)];
    const pairs: DexPair[] = [];
    for (let i = 0; i < unique.length; i += MAX_MINTS_PER_CALL) {
      const chunk = unique.slice(i, i + MAX_MINTS_PER_CALL);
      const res = await this.http.send({ method: 'GET', path: `/tokens/v1/solana/${chunk.join(',')}`, operation: TOKENS_OP, signal: options.signal });
      if (res.status < 200 || res.status >= 300) throw this.http.httpError(res, TOKENS_OP);
      const body = this.http.parseJson(res, TOKENS_OP);
      const details = this.http.details(TOKENS_OP, res.status);
      if (!Array.isArray(body)) {
        throw new MalformedResponseError(`expected a JSON array of pairs, got ${body === null ? 'null' : typeof body}`, details, '(root)', `mints ${chunk.join(',')}`);
      }
      // a pair that does not read (a field missing or of another type) is left out: the others still
      // price their mints, where one bad pair of 30 mints' answer failed them all. An answer of which
      // no pair reads fails as before.
      let firstError: unknown = null;
      let read = 0;
      body.forEach((raw, j) => {
        try {
          pairs.push(parseOrThrow(DexPairSchema, raw, details, pairSubject(raw, chunk), `[${j}].`));
          read++;
        } catch (err) {
          firstError ??= err;
        }
      });
      this.pairsLeftOut += body.length - read;
      if (read === 0 && firstError !== null) throw firstError;
    }
    return pairs;
  }

  async getTokens(mints: readonly string[], options: MarketCallOptions = {}): Promise<Map<string, TokenMarket>> {
    // a string that is no address (a malformed mint in a provider's payload) has no market: it is
    // answered as unknown rather than failing its batch's other mints, at every run
    const addresses = mints.filter((m) => isPublicKey(m));
    const pairs = addresses.length === 0 ? [] : await this.getPairs(addresses, options);
    const out = new Map<string, TokenMarket>();
    for (const mint of mints) out.set(mint, canonicalMarket(mint, pairs));
    return out;
  }

  /** USD per SOL from the canonical Wrapped SOL pair. */
  async getSolPriceUsd(options: MarketCallOptions = {}): Promise<number> {
    const market = (await this.getTokens([WSOL_MINT], options)).get(WSOL_MINT);
    if (!market || market.status !== 'priced' || market.priceSource !== 'base') {
      throw new MalformedResponseError('no Solana pair with Wrapped SOL as base token and a USD price', this.http.details(TOKENS_OP, 200), 'priceUsd', `mint ${WSOL_MINT}`);
    }
    return market.priceUsd;
  }

  async close(): Promise<void> {
    await this.http.close();
  }
}

function pairSubject(raw: unknown, chunk: string[]): string {
  const r = raw as { pairAddress?: unknown; baseToken?: { address?: unknown } } | null;
  const base = typeof r?.baseToken?.address === 'string' ? r.baseToken.address : undefined;
  const pair = typeof r?.pairAddress === 'string' ? r.pairAddress : undefined;
  return `pair ${pair ?? '(no pairAddress)'} of mint ${base ?? chunk.join(',')}`;
}

const usd = (p: DexPair): number => {
  const n = p.priceUsd == null ? NaN : Number(p.priceUsd);
  return Number.isFinite(n) ? n : NaN;
};

/**
 * Canonical pair (contract §3.2): Solana chain, the mint on the base side, a numeric priceUsd;
 * highest liquidity.usd, then highest 24h volume, then the oldest pair. If the mint only appears
 * as a quote token, its USD price is priceUsd / priceNative of the deepest such pair.
 */
export function canonicalMarket(mint: string, pairs: readonly DexPair[]): TokenMarket {
  const liquidity = (p: DexPair): number => p.liquidity?.usd ?? 0;
  const better = (a: DexPair, b: DexPair): number =>
    liquidity(b) - liquidity(a) ||
    (b.volume?.h24 ?? 0) - (a.volume?.h24 ?? 0) ||
    (a.pairCreatedAt ?? Number.MAX_SAFE_INTEGER) - (b.pairCreatedAt ?? Number.MAX_SAFE_INTEGER);
  const base = pairs.filter((p) => p.chainId === 'solana' && p.baseToken.address === mint && Number.isFinite(usd(p))).sort(better)[0];
  if (base) {
    return {
      mint,
      status: 'priced',
      priceSource: 'base',
      priceUsd: usd(base),
      priceNative: base.priceNative,
      liquidityUsd: liquidity(base),
      volumeH24: base.volume?.h24 ?? 0,
      pairAddress: base.pairAddress,
      dexId: base.dexId,
      quoteMint: base.quoteToken.address,
      symbol: base.baseToken.symbol,
      name: base.baseToken.name,
      imageUrl: base.info?.imageUrl ?? null,
      websites: base.info?.websites ?? [],
      socials: base.info?.socials ?? [],
      marketCap: base.marketCap ?? null,
      fdv: base.fdv ?? null,
      pairCreatedAt: base.pairCreatedAt ?? null,
    };
  }
  const quote = pairs
    .filter((p) => p.chainId === 'solana' && p.quoteToken.address === mint && Number.isFinite(usd(p)) && Number(p.priceNative) > 0)
    .sort(better)[0];
  if (quote) {
    return {
      mint,
      status: 'priced',
      priceSource: 'quote',
      priceUsd: usd(quote) / Number(quote.priceNative),
      priceNative: quote.priceNative,
      liquidityUsd: liquidity(quote),
      volumeH24: quote.volume?.h24 ?? 0,
      pairAddress: quote.pairAddress,
      dexId: quote.dexId,
      quoteMint: quote.baseToken.address,
      symbol: quote.quoteToken.symbol,
      name: quote.quoteToken.name,
      imageUrl: null,
      websites: [],
      socials: [],
      marketCap: null,
      fdv: null,
      pairCreatedAt: quote.pairCreatedAt ?? null,
    };
  }
  return { mint, status: 'unknown' };
}
