// Helius Enhanced transaction + wallet -> that wallet's legs (docs/analytics.md, "Extraction").
import { USDC_MINT, USDT_MINT, WSOL_MINT, isFailedTransaction, type EnhancedTransaction, type InnerSwap } from '../enhanced-transaction';
import { formatUnits } from '../decimal';
import type { TokenDelta, WalletFlows } from './flows';
import { flowsFromAccountData, intermediateValue, tipsPaidBy, walletFlows, withinFeeShare } from './flows';
import type {
  ExtractCounters,
  ExtractManyResult,
  ExtractOptions,
  ExtractResult,
  LegKind,
  LegValuation,
  QuoteAsset,
  SkipReason,
  SwapLeg,
} from './types';
import { SKIP_REASONS, compareLegs } from './types';

/** SOL movements smaller than this (0.0001 SOL) are not a price paid or received. */
export const SOL_DUST_LAMPORTS = 100_000n;

const LIQUIDITY_TYPES: ReadonlySet<string> = new Set([
  'ADD_LIQUIDITY',
  'WITHDRAW_LIQUIDITY',
  'CREATE_POOL',
  'DEPOSIT',
  'WITHDRAW',
]);
const NON_FUNGIBLE_STANDARDS: ReadonlySet<string> = new Set([
  'NonFungible',
  'NonFungibleEdition',
  'ProgrammableNonFungible',
  'ProgrammableNonFungibleEdition',
]);
/**
 * Programs that mint position / LP NFTs (0 decimals, amount 1) for liquidity: Raydium CLMM, CPMM,
 * AMM v4 and LaunchLab, Orca Whirlpools, Meteora DAMM v1/v2, DLMM and DBC, PumpSwap.
 */
export const LIQUIDITY_PROGRAMS: ReadonlySet<string> = new Set([
  'CAMMCzo5YL8w4VFF8KVHrK22GGUsp5VTaW7grrKgrWqK',
  'CPMMoo8L3F4NbTegBCKVNunggL7H1ZpdTHKxQB5qKP1C',
  '675kPX9MHTjS2zt1qfr1NYHuzeLXfQM9H24wFSUt1Mp8',
  'LanMV9sAd7wArD4vJFi2qDdfnVhFxYSUg6eADduJ3uj',
  'whirLbMiicVdio4qvUfM5KAg6Ct8VwpYzGff3uctyCc',
  'Eo7WjKq67rjJQSZxS6z3YkapzY3eMj6Xy8X5EQVn5UaB',
  'cpamdpZCGKUy5JxQXB4dcpGPiikHawvSWAd6mEn1sGG',
  'LBUZKhRxPF3XUpBCjp4YzTKgLccjZhTSDM9t3tFJzvVs',
  'dbcij3LWUppWqq96dh6gJWwBifmcGfLSB5D4DuSMaqN',
  'pAMMBay6oceH9fJKBRHGP5D4bD4sWpmSwMn52FMfXEA',
]);
/** Types under which a token leaving the wallet is sold, even for (next to) nothing. */
const SALE_TYPES: ReadonlySet<string> = new Set(['SWAP', 'SWAP_EXACT_OUT', 'SWAP_WITH_PRICE_IMPACT', 'SELL']);
const AIRDROP_TYPES: ReadonlySet<string> = new Set(['TOKEN_MINT', 'MINT_TO', 'AIRDROP', 'DISTRIBUTE_REWARDS']);
/** One transaction sending the same mint to at least this many wallets is a distribution. */
const DISTRIBUTION_RECIPIENTS = 3;

/**
 * The legs of `wallet` in one Enhanced transaction, or why there are none.
 *
 * - failed transactions (`transactionError` set) → `skipped: 'failed'`, even though Helius still
 *   lists their transfers;
 * - the wallet's own balance changes in `accountData` are the ground truth; `events.swap` only
 *   supplies the exact quote amount when it agrees with them (see `walletFlows`);
 * - a 0-decimal amount-1 token in a transaction of a liquidity program is a position NFT:
 *   the transaction is `liquidity`, not a trade;
 * - SOL↔token and USDC/USDT↔token give one leg per token; token→token gives a sell and a buy,
 *   each valued by the SOL (or stablecoin) that flowed between the hops;
 * - tokens arriving or leaving with nothing paid are `transfer_in` / `transfer_out` / `airdrop`
 *   legs with `solValue: 0`, never zero-cost buys or free sells;
 * - network fee, own token-account rent, rent for newly created accounts and Jito tips are not part
 *   of a swap's value (a token received while the wallet only paid those is a transfer in);
 * - a token sold for less than the dust threshold is still a sale, at that price.
 */
export function extractLegs(tx: EnhancedTransaction, wallet: string, opts: ExtractOptions): ExtractResult {
  if (isFailedTransaction(tx)) return { legs: [], skipped: 'failed' };
  const view = flowsFromAccountData(tx, wallet);
  if (!view.involved) return { legs: [], skipped: 'not-involved' };
  if (LIQUIDITY_TYPES.has(tx.type)) return { legs: [], skipped: 'liquidity' };
  const flows = walletFlows(tx, wallet, view);
  if (flows.tokens.length === 0) return { legs: [], skipped: 'no-token-movement' };
  if (movesNonFungible(tx, flows.tokens)) return { legs: [], skipped: 'non-fungible' };
  if (movesPositionNft(tx, flows.tokens)) return { legs: [], skipped: 'liquidity' };
  return classify(tx, wallet, flows, opts);
}

/**
 * Extracts every transaction for one wallet: legs in chronological order plus counters
 * (transactions, duplicates by signature, skipped per reason, legs by kind).
 */
export function extractMany(
  txs: readonly EnhancedTransaction[],
  wallet: string,
  opts: ExtractOptions,
): ExtractManyResult {
  const skipped = Object.fromEntries(SKIP_REASONS.map((r) => [r, 0])) as Record<SkipReason, number>;
  const counters: ExtractCounters = {
    transactions: 0,
    duplicates: 0,
    withLegs: 0,
    legs: 0,
    swapLegs: 0,
    transferLegs: 0,
    skipped,
  };
  const seen = new Set<string>();
  const legs: SwapLeg[] = [];
  for (const tx of txs) {
    if (seen.has(tx.signature)) {
      counters.duplicates++;
      continue;
    }
    seen.add(tx.signature);
    counters.transactions++;
    const result = extractLegs(tx, wallet, opts);
    if (result.skipped !== null) {
      skipped[result.skipped]++;
      continue;
    }
    counters.withLegs++;
    for (const leg of result.legs) {
      legs.push(leg);
      if (leg.kind === 'swap') counters.swapLegs++;
      else counters.transferLegs++;
    }
  }
  counters.legs = legs.length;
  legs.sort(compareLegs);
  return { legs, counters };
}

function movesNonFungible(tx: EnhancedTransaction, tokens: TokenDelta[]): boolean {
  for (const t of tx.tokenTransfers ?? []) {
    if (isNonFungibleTransfer(t) && tokens.some((d) => d.mint === t.mint)) return true;
  }
  return inNftMarket(tx) && tokens.some((d) => d.decimals === 0 && (d.raw === 1n || d.raw === -1n));
}

/** Whether Helius reads the transaction as an NFT market's: an `NFT_…` type (a sale, listing, bid, mint) or an NFT event. */
export function inNftMarket(tx: EnhancedTransaction): boolean {
  return tx.type.startsWith('NFT_') || tx.events?.nft !== undefined;
}

/** Whether a token transfer moves an NFT, as Helius names its token standard. */
export function isNonFungibleTransfer(t: { tokenStandard?: string }): boolean {
  return t.tokenStandard !== undefined && NON_FUNGIBLE_STANDARDS.has(t.tokenStandard);
}

/** A 0-decimal, amount-1 token moved in a transaction that calls a liquidity program. */
function movesPositionNft(tx: EnhancedTransaction, tokens: TokenDelta[]): boolean {
  if (!tokens.some((d) => d.decimals === 0 && (d.raw === 1n || d.raw === -1n))) return false;
  return callsLiquidityProgram(tx.instructions ?? []);
}

function callsLiquidityProgram(list: NonNullable<EnhancedTransaction['instructions']>): boolean {
  return list.some((ix) => LIQUIDITY_PROGRAMS.has(ix.programId) || callsLiquidityProgram(ix.innerInstructions ?? []));
}

interface Consideration {
  quote: QuoteAsset;
  raw: bigint;
  decimals: number;
  valuation: LegValuation;
  estimated: boolean;
  /** paid (or got) beside the quote, in the same direction, and part of the leg's SOL value: lamports beside a stablecoin, or a stablecoin's raw amount (6 decimals) beside SOL */
  beside?: { quote: 'SOL' | 'USDC' | 'USDT'; raw: bigint };
}

function classify(tx: EnhancedTransaction, wallet: string, flows: WalletFlows, opts: ExtractOptions): ExtractResult {
  const sells = flows.tokens.filter((t) => t.raw < 0n).sort(byMint);
  const buys = flows.tokens.filter((t) => t.raw > 0n).sort(byMint);
  const legs: SwapLeg[] = [];
  const emit = (delta: TokenDelta, kind: LegKind, pay: Consideration | null, counterMint: string | null): void => {
    legs.push(makeLeg(tx, wallet, delta, kind, pay, opts, legs.length, counterMint));
  };

  if (sells.length > 0 && buys.length > 0) {
    const solMoved = flows.lamports > SOL_DUST_LAMPORTS || flows.lamports < -SOL_DUST_LAMPORTS;
    if (solMoved || flows.usdc !== 0n || flows.usdt !== 0n) {
      // tokens both ways plus SOL or stablecoins one way is a pool deposit or withdrawal, not a trade,
      // unless the swap event's hops trade every one of the tokens for a quote asset: then it is
      // several trades in one transaction (a bot selling one token and buying another), each valued
      // at its hops
      const trades = separateTrades(tx, wallet, flows, sells, buys);
      if (trades === null) return { legs: [], skipped: 'liquidity' };
      for (const [d, pay] of trades) emit(d, 'swap', pay, null);
      return { legs, skipped: null };
    }
    const through = intermediateValue(tx, wallet, sells.length === 1 && buys.length === 1 ? { sold: sells[0].mint, bought: buys[0].mint } : undefined);
    const pay: Consideration | null =
      through === null
        ? null
        : through.stable
          ? // a route split between SOL and a stablecoin: both parts are the value
            withBeside(through.raw, through.stable, opts.solPriceUsd, 'via-intermediate')
          : {
              quote: through.quote,
              raw: through.raw,
              decimals: through.quote === 'SOL' ? 9 : 6,
              valuation: through.quote === 'SOL' ? 'via-intermediate' : 'converted',
              estimated: through.estimated || through.quote !== 'SOL',
            };
    const counterOf = (side: TokenDelta[]): string | null => (side.length === 1 ? side[0].mint : null);
    const sellParts = pay === null ? null : hopParts(tx, wallet, sells, pay.quote, true);
    const buyParts = pay === null ? null : hopParts(tx, wallet, buys, pay.quote, false);
    for (const [i, d] of sells.entries()) emit(d, 'swap', share(pay, i, sells.length, sellParts), counterOf(buys));
    for (const [i, d] of buys.entries()) emit(d, 'swap', share(pay, i, buys.length, buyParts), counterOf(sells));
    return { legs, skipped: null };
  }

  const side = sells.length > 0 ? sells : buys;
  const sign = sells.length > 0 ? 1n : -1n; // sells receive (+), buys pay (-)
  const pay = consideration(flows, sign, opts.solPriceUsd) ?? (sells.length > 0 ? (proceedsSentElsewhere(tx, wallet, sells) ?? dustSale(tx, flows)) : null);
  if (pay === null) {
    const kind: LegKind = sells.length > 0 ? 'transfer_out' : isAirdrop(tx, wallet, side) ? 'airdrop' : 'transfer_in';
    for (const d of side) emit(d, kind, null, null);
  } else {
    const parts = hopParts(tx, wallet, side, pay.quote, sells.length > 0);
    for (const [i, d] of side.entries()) emit(d, 'swap', share(pay, i, side.length, parts), null);
  }
  return { legs, skipped: null };
}

/**
 * What the wallet paid (sign -1) or received (sign +1) for the tokens: SOL, or a stablecoin. When
 * both moved that way (a USDC trade with a bot's fee in SOL), the larger by value at `solPriceUsd` is
 * the quote and the other is beside it, in the leg's SOL value too: a stablecoin trade is never
 * valued at the SOL that moved beside it. Without a price (the legs backfill) the stablecoin is the quote.
 */
function consideration(flows: WalletFlows, sign: bigint, solPriceUsd: number): Consideration | null {
  const sol = flows.lamports * sign;
  const usdc = flows.usdc * sign;
  const usdt = flows.usdt * sign;
  const stable = usdc > 0n ? { quote: 'USDC' as const, raw: usdc } : usdt > 0n ? { quote: 'USDT' as const, raw: usdt } : null;
  if (sol > SOL_DUST_LAMPORTS) {
    if (stable === null) return { quote: 'SOL', raw: sol, decimals: 9, valuation: 'exact', estimated: false };
    return withBeside(sol, stable, solPriceUsd, 'converted');
  }
  if (stable !== null) return { ...stable, decimals: 6, valuation: 'converted', estimated: true };
  return null;
}

/**
 * SOL and a stablecoin both paid (or got) for the tokens: the larger by value at `solPriceUsd` is the
 * quote, the other beside it (in the value too), estimated; without a price, the stablecoin is the
 * quote (so the legs backfill, which has none, leaves such a stored leg as it is).
 */
function withBeside(lamports: bigint, stable: { quote: 'USDC' | 'USDT'; raw: bigint }, solPriceUsd: number, solValuation: LegValuation): Consideration {
  const stableInSol = solPriceUsd > 0 ? Number(stable.raw) / 1e6 / solPriceUsd : Infinity;
  if (Number(lamports) / 1e9 > stableInSol) return { quote: 'SOL', raw: lamports, decimals: 9, valuation: solValuation, estimated: true, beside: stable };
  return { ...stable, decimals: 6, valuation: 'converted', estimated: true, beside: { quote: 'SOL', raw: lamports } };
}

/**
 * A sale whose proceeds the swap paid to another account (a bot's or a front end's "send to"
 * destination, the trader's main wallet): the wallet got no SOL, but `events.swap` says it sold
 * exactly its tokens (it is named on every input, nothing else went in) for one quote asset, and how
 * much. Valued at that amount, as any sale (where the proceeds went is the seller's choice), not
 * as a sale for nothing that realizes the whole cost as a loss.
 */
function proceedsSentElsewhere(tx: EnhancedTransaction, wallet: string, sells: TokenDelta[]): Consideration | null {
  const event = tx.events?.swap;
  if (!event || event.nativeInput || event.tokenInputs.length === 0) return null;
  if (!event.tokenInputs.every((t) => t.userAccount === wallet)) return null;
  const sold = new Set(event.tokenInputs.map((t) => t.mint));
  if (sold.size !== sells.length || !sells.every((d) => sold.has(d.mint))) return null;
  let sol = event.nativeOutput ? BigInt(event.nativeOutput.amount) : 0n;
  let usdc = 0n;
  let usdt = 0n;
  for (const t of event.tokenOutputs) {
    const raw = BigInt(t.rawTokenAmount.tokenAmount);
    const amount = raw < 0n ? -raw : raw;
    if (t.mint === WSOL_MINT) sol += amount;
    else if (t.mint === USDC_MINT) usdc += amount;
    else if (t.mint === USDT_MINT) usdt += amount;
    // a token came out: a route whose output is no quote says nothing of the price
    else return null;
  }
  if ([sol > 0n, usdc > 0n, usdt > 0n].filter(Boolean).length !== 1) return null;
  if (sol > SOL_DUST_LAMPORTS) return { quote: 'SOL', raw: sol, decimals: 9, valuation: 'exact', estimated: false };
  if (usdc > 0n) return { quote: 'USDC', raw: usdc, decimals: 6, valuation: 'converted', estimated: true };
  if (usdt > 0n) return { quote: 'USDT', raw: usdt, decimals: 6, valuation: 'converted', estimated: true };
  return null;
}

/**
 * Tokens left the wallet and at most dust came back: still a sale (its loss is realized) when some
 * SOL came back, or when the transaction is typed as a swap or sale; else a transfer out.
 */
function dustSale(tx: EnhancedTransaction, flows: WalletFlows): Consideration | null {
  if (flows.lamports < 0n || flows.usdc < 0n || flows.usdt < 0n) return null;
  if (flows.lamports === 0n && !SALE_TYPES.has(tx.type)) return null;
  return { quote: 'SOL', raw: flows.lamports, decimals: 9, valuation: 'exact', estimated: false };
}

/**
 * Several tokens against one quote amount (sold together, or bought together, in one transaction):
 * each token's part in proportion to `parts` (hopParts), else equal parts; the remainder to the
 * first; estimated.
 */
function share(pay: Consideration | null, index: number, count: number, parts: readonly bigint[] | null = null): Consideration | null {
  if (pay === null || count === 1) return pay;
  const part = (raw: bigint): bigint => {
    if (parts === null) {
      const n = BigInt(count);
      return raw / n + (index === 0 ? raw % n : 0n);
    }
    const total = parts.reduce((a, b) => a + b, 0n);
    const of = (i: number) => (raw * parts[i]) / total;
    if (index !== 0) return of(index);
    let rest = raw;
    for (let i = 1; i < parts.length; i++) rest -= of(i);
    return rest;
  };
  return { ...pay, raw: part(pay.raw), valuation: 'split', estimated: true, ...(pay.beside ? { beside: { ...pay.beside, raw: part(pay.beside.raw) } } : {}) };
}

/**
 * Each token's part of one quote amount paid or got for several tokens, as the swap event's hops
 * show it: the quote asset a hop paid out for the token (`selling`) or took in for it, in the
 * quote's raw units (the hops' amounts are UI floats). Null, for equal parts, when a token has no
 * such hop (no swap event; a token routed through another token first): a wallet that sells a
 * token worth 10 SOL and one worth 0.01 SOL in one transaction does not get 5 SOL for each.
 */
function hopParts(tx: EnhancedTransaction, wallet: string, side: readonly TokenDelta[], quote: QuoteAsset, selling: boolean): bigint[] | null {
  if (side.length < 2) return null;
  const hops = tx.events?.swap?.innerSwaps ?? [];
  const parts = side.map((d) => {
    const traded = hopQuote(hops, wallet, d.mint, selling);
    return traded !== null && traded.quote === quote ? traded.raw : 0n;
  });
  return parts.every((p) => p > 0n) ? parts : null;
}

/**
 * What the swap event's hops say the wallet traded a token for directly: the one quote asset (SOL,
 * USDC or USDT) hops paid out for the wallet's token (`selling`: the wallet sends it in) or took in for
 * the token the wallet got, summed, in the quote's raw units (the hops' amounts are UI floats); null
 * when no hop of the wallet's trades it for a quote asset, hops trade it for two of them, or a hop
 * moves the token the other way for the wallet (part of it bought back: the hops' sum is not the net).
 * Other wallets' hops in the same transaction (a bundle) are not the wallet's.
 */
function hopQuote(hops: readonly InnerSwap[], wallet: string, mint: string, selling: boolean): { quote: 'SOL' | 'USDC' | 'USDT'; raw: bigint } | null {
  const amounts = { SOL: 0, USDC: 0, USDT: 0 };
  const sends = (t: { mint: string; fromUserAccount: string | null }) => t.mint === mint && t.fromUserAccount === wallet;
  const gets = (t: { mint: string; toUserAccount: string | null }) => t.mint === mint && t.toUserAccount === wallet;
  for (const hop of hops) {
    const [own, other, native] = selling ? [hop.tokenInputs, hop.tokenOutputs, hop.nativeOutput] : [hop.tokenOutputs, hop.tokenInputs, hop.nativeInput];
    if ((selling ? hop.tokenOutputs.some(gets) : hop.tokenInputs.some(sends))) return null;
    if (!own.some(selling ? sends : gets)) continue;
    let wrapped = 0;
    for (const t of other) {
      if (t.mint === WSOL_MINT) wrapped += t.tokenAmount;
      else if (t.mint === USDC_MINT) amounts.USDC += t.tokenAmount;
      else if (t.mint === USDT_MINT) amounts.USDT += t.tokenAmount;
    }
    // a hop that lists its SOL both wrapped and native lists the same SOL twice: the wrapped is taken
    amounts.SOL += wrapped > 0 ? wrapped : native ? native.amount / 1e9 : 0;
  }
  const traded = (['SOL', 'USDC', 'USDT'] as const).filter((q) => amounts[q] > 0);
  if (traded.length !== 1) return null;
  const quote = traded[0];
  const raw = BigInt(Math.round(amounts[quote] * (quote === 'SOL' ? 1e9 : 1e6)));
  return raw > 0n ? { quote, raw } : null;
}

/**
 * Tokens sold and bought in one transaction while SOL or a stablecoin moved too: separate trades
 * (a bot selling one token and buying another in one transaction) when the swap event's hops trade
 * every one of them directly for a quote asset, each then valued at its hops (UI floats: estimated);
 * null otherwise (a pool deposit or withdrawal: its position token has no hop).
 */
function separateTrades(tx: EnhancedTransaction, wallet: string, flows: WalletFlows, sells: readonly TokenDelta[], buys: readonly TokenDelta[]): Array<[TokenDelta, Consideration]> | null {
  const hops = tx.events?.swap?.innerSwaps ?? [];
  if (hops.length === 0) return null;
  const trades: Array<[TokenDelta, Consideration]> = [];
  // per quote asset: what the sales got and the buys paid, by the hops
  const got = { SOL: 0n, USDC: 0n, USDT: 0n };
  const paid = { SOL: 0n, USDC: 0n, USDT: 0n };
  for (const [side, selling] of [
    [sells, true],
    [buys, false],
  ] as const) {
    for (const d of side) {
      const traded = hopQuote(hops, wallet, d.mint, selling);
      if (traded === null) return null;
      (selling ? got : paid)[traded.quote] += traded.raw;
      trades.push([d, { quote: traded.quote, raw: traded.raw, decimals: traded.quote === 'SOL' ? 9 : 6, valuation: traded.quote === 'SOL' ? 'split' : 'converted', estimated: true }]);
    }
  }
  // the hops must account for the wallet's own net change of each quote asset, within the fees a bot
  // or front end takes beside a swap (QUOTE_FEE_TOLERANCE); else something else moved it (liquidity)
  const own = { SOL: flows.lamports, USDC: flows.usdc, USDT: flows.usdt };
  for (const quote of ['SOL', 'USDC', 'USDT'] as const) {
    const gap = got[quote] - paid[quote] - own[quote];
    // beyond dust (a stablecoin's transfers are UI floats: one raw unit)
    const beyond = (gap < 0n ? -gap : gap) - (quote === 'SOL' ? SOL_DUST_LAMPORTS : 1n);
    if (!withinFeeShare(beyond, got[quote] + paid[quote])) return null;
  }
  return trades;
}

function isAirdrop(tx: EnhancedTransaction, wallet: string, side: TokenDelta[]): boolean {
  if (AIRDROP_TYPES.has(tx.type)) return true;
  for (const d of side) {
    const recipients = new Set<string>();
    for (const t of tx.tokenTransfers ?? []) {
      if (t.mint !== d.mint) continue;
      if (t.toUserAccount === wallet && !t.fromUserAccount) return true; // minted straight to the wallet
      if (t.toUserAccount) recipients.add(t.toUserAccount);
    }
    if (recipients.size >= DISTRIBUTION_RECIPIENTS) return true;
  }
  return false;
}

function counterpartyOf(tx: EnhancedTransaction, wallet: string, mint: string, incoming: boolean): string | null {
  for (const t of tx.tokenTransfers ?? []) {
    if (t.mint !== mint) continue;
    if (incoming && t.toUserAccount === wallet && t.fromUserAccount) return t.fromUserAccount;
    if (!incoming && t.fromUserAccount === wallet && t.toUserAccount) return t.toUserAccount;
  }
  return null;
}

function makeLeg(
  tx: EnhancedTransaction,
  wallet: string,
  delta: TokenDelta,
  kind: LegKind,
  pay: Consideration | null,
  opts: ExtractOptions,
  legIndex: number,
  counterMint: string | null,
): SwapLeg {
  const raw = delta.raw < 0n ? -delta.raw : delta.raw;
  const direction = delta.raw < 0n ? 'sell' : 'buy';
  let solValue = 0;
  let quote: QuoteAsset = 'other';
  let quoteAmount = '0';
  let valuation: LegValuation = 'none';
  let estimated = kind === 'swap'; // an unpriced swap is an estimate of zero; a transfer is truly zero
  if (pay !== null) {
    quote = pay.quote;
    quoteAmount = formatUnits(pay.raw, pay.decimals);
    valuation = pay.valuation;
    estimated = pay.estimated;
    const inSol = (quote: QuoteAsset, amount: bigint): number => (quote === 'SOL' ? Number(amount) / 1e9 : Number(amount) / 1e6 / opts.solPriceUsd);
    if (pay.quote === 'SOL' || opts.solPriceUsd > 0) {
      solValue = inSol(pay.quote, pay.raw) + (pay.beside && (pay.beside.quote === 'SOL' || opts.solPriceUsd > 0) ? inSol(pay.beside.quote, pay.beside.raw) : 0);
    } else {
      valuation = 'none';
    }
  }
  const transfer = kind !== 'swap';
  return {
    wallet,
    signature: tx.signature,
    slot: tx.slot,
    timestamp: tx.timestamp,
    mint: delta.mint,
    direction,
    kind,
    amount: formatUnits(raw, delta.decimals),
    rawAmount: raw.toString(),
    decimals: delta.decimals,
    quote,
    quoteAmount,
    solValue,
    solValueEstimated: estimated,
    valuation,
    // the cost of getting the transaction in: its network fee when the wallet paid it, and the tips it paid landing services
    feeLamports: legIndex === 0 ? (tx.feePayer === wallet ? tx.fee : 0) + Number(tipsPaidBy(tx, wallet)) : 0,
    source: tx.source,
    type: tx.type,
    legIndex,
    counterMint,
    counterparty: transfer ? counterpartyOf(tx, wallet, delta.mint, direction === 'buy') : null,
  };
}

function byMint(a: TokenDelta, b: TokenDelta): number {
  return a.mint < b.mint ? -1 : a.mint > b.mint ? 1 : 0;
}
