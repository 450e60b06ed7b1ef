// Helius Enhanced transaction + wallet -> that wallet's legs (docs/analytics.md, "Extraction").
import type { EnhancedTransaction } from '../enhanced-transaction';
import { formatUnits } from '../decimal';
import type { TokenDelta, WalletFlows } from './flows';
import { flowsFromAccountData, flowsFromSwapEvent, intermediateValue, swapEventInvolves } from './flows';
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
const AIRDROP_TYPES: ReadonlySet<string> = new Set(['TOKEN_MINT', 'MINT_TO', 'AIRDROP', 'DISTRIBUTE_REWARDS']);
/** One transaction sending the same mint to at least this many wallets is a distribution. */
const DISTRIBUTION_RECIPIENTS = 3;

/**
 * The legs of `wallet` in one Enhanced transaction, or why there are none.
 *
 * - failed transactions (`transactionError` set) → `skipped: 'failed'`, even though Helius still
 *   lists their transfers;
 * - `events.swap` is used when it names the wallet, else net balance changes from `accountData`;
 * - SOL↔token and USDC/USDT↔token give one leg per token; token→token gives a sell and a buy,
 *   each valued by the SOL (or stablecoin) that flowed between the hops;
 * - tokens arriving or leaving with nothing paid are `transfer_in` / `transfer_out` / `airdrop`
 *   legs with `solValue: 0`, never zero-cost buys or free sells;
 * - network fee, own token-account rent and Jito tips are not part of a swap's value.
 */
export function extractLegs(tx: EnhancedTransaction, wallet: string, opts: ExtractOptions): ExtractResult {
  if (isFailed(tx)) return { legs: [], skipped: 'failed' };
  const view = flowsFromAccountData(tx, wallet);
  if (!view.involved) return { legs: [], skipped: 'not-involved' };
  if (LIQUIDITY_TYPES.has(tx.type)) return { legs: [], skipped: 'liquidity' };
  const event = tx.events?.swap;
  const flows = event && swapEventInvolves(event, wallet) ? flowsFromSwapEvent(event, wallet) : view.flows;
  if (flows.tokens.length === 0) return { legs: [], skipped: 'no-token-movement' };
  if (movesNonFungible(tx, flows.tokens)) return { legs: [], skipped: 'non-fungible' };
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

function isFailed(tx: EnhancedTransaction): boolean {
  const error = tx.transactionError;
  return error !== undefined && error !== null && error !== '';
}

function movesNonFungible(tx: EnhancedTransaction, tokens: TokenDelta[]): boolean {
  for (const t of tx.tokenTransfers ?? []) {
    if (t.tokenStandard !== undefined && NON_FUNGIBLE_STANDARDS.has(t.tokenStandard)) {
      if (tokens.some((d) => d.mint === t.mint)) return true;
    }
  }
  const nftContext = tx.type.startsWith('NFT_') || tx.events?.nft !== undefined;
  return nftContext && tokens.some((d) => d.decimals === 0 && (d.raw === 1n || d.raw === -1n));
}

interface Consideration {
  quote: QuoteAsset;
  raw: bigint;
  decimals: number;
  valuation: LegValuation;
  estimated: boolean;
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
    // tokens both ways plus SOL or stablecoins one way is a pool deposit or withdrawal, not a trade
    if (solMoved || flows.usdc !== 0n || flows.usdt !== 0n) return { legs: [], skipped: 'liquidity' };
    const through = intermediateValue(tx, wallet);
    const pay: Consideration | null = through
      ? {
          quote: through.quote,
          raw: through.raw,
          decimals: through.quote === 'SOL' ? 9 : 6,
          valuation: through.quote === 'SOL' ? 'via-intermediate' : 'converted',
          estimated: through.estimated || through.quote !== 'SOL',
        }
      : null;
    const counterOf = (side: TokenDelta[]): string | null => (side.length === 1 ? side[0].mint : null);
    for (const [i, d] of sells.entries()) emit(d, 'swap', share(pay, i, sells.length), counterOf(buys));
    for (const [i, d] of buys.entries()) emit(d, 'swap', share(pay, i, buys.length), counterOf(sells));
    return { legs, skipped: null };
  }

  const side = sells.length > 0 ? sells : buys;
  const sign = sells.length > 0 ? 1n : -1n; // sells receive (+), buys pay (-)
  const pay = consideration(flows, sign);
  if (pay === null) {
    const kind: LegKind = sells.length > 0 ? 'transfer_out' : isAirdrop(tx, wallet, side) ? 'airdrop' : 'transfer_in';
    for (const d of side) emit(d, kind, null, null);
  } else {
    for (const [i, d] of side.entries()) emit(d, 'swap', share(pay, i, side.length), null);
  }
  return { legs, skipped: null };
}

/** What the wallet paid (sign -1) or received (sign +1) for the tokens, SOL first. */
function consideration(flows: WalletFlows, sign: bigint): Consideration | null {
  const sol = flows.lamports * sign;
  if (sol > SOL_DUST_LAMPORTS) return { quote: 'SOL', raw: sol, decimals: 9, valuation: 'exact', estimated: false };
  const usdc = flows.usdc * sign;
  if (usdc > 0n) return { quote: 'USDC', raw: usdc, decimals: 6, valuation: 'converted', estimated: true };
  const usdt = flows.usdt * sign;
  if (usdt > 0n) return { quote: 'USDT', raw: usdt, decimals: 6, valuation: 'converted', estimated: true };
  return null;
}

/** Several tokens against one quote amount: equal shares (remainder to the first), estimated. */
function share(pay: Consideration | null, index: number, count: number): Consideration | null {
  if (pay === null || count === 1) return pay;
  const n = BigInt(count);
  const part = pay.raw / n + (index === 0 ? pay.raw % n : 0n);
  return { ...pay, raw: part, valuation: 'split', estimated: true };
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
    if (pay.quote === 'SOL') {
      solValue = Number(pay.raw) / 1e9;
    } else if (opts.solPriceUsd > 0) {
      solValue = Number(pay.raw) / 1e6 / opts.solPriceUsd;
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
    feeLamports: legIndex === 0 && tx.feePayer === wallet ? tx.fee : 0,
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
