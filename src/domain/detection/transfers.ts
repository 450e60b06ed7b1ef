// A wallet's plain transfers (not trades) from Helius Enhanced Transactions: evidence of funding
// and common control (docs/analytics.md, "Detection v2 signals", transfers).
import type { EnhancedTransaction } from '../enhanced-transaction';
import { WSOL_MINT, isFailedTransaction } from '../enhanced-transaction';
import { formatUnits, parseUnits } from '../decimal';
import { SOL_DUST_LAMPORTS, extractLegs, inNftMarket, isNonFungibleTransfer } from '../swaps/extract';
import { TIP_ACCOUNTS, accountsCreatedIn } from '../swaps/flows';
import { isOnCurve } from '../holders/on-curve';
import type { WalletTransfer } from './types';
import { FEE_ASSET, NFT_SALE_ASSET, SOL_ASSET } from './types';

export interface TransferOptions {
  /** SOL transfers (summed per counterparty and direction in one transaction) below this are dust */
  dustLamports?: bigint;
  /**
   * Whether the wallet traded in this transaction, when the caller already knows (`tradedIn`: a
   * `swap` leg, or skipped as `liquidity`, or as `non-fungible` unless NFTs were handed over between
   * wallets); computed with `extractLegs` otherwise. `true` skips the NFT hand-over reading.
   */
  traded?: boolean;
}

/**
 * The wallet's transfers in one transaction that are not part of a swap.
 *
 * Rules, in order:
 * - a failed transaction moves nothing (Helius still lists its transfers);
 * - when the wallet traded in the transaction (extraction gives it a `swap` leg, or skips it as
 *   `liquidity` / `non-fungible`, or `events.nft` names it the seller or buyer of an NFT sale: the
 *   seller is paid from the marketplace's escrow), its transfers are legs of that trade and are dropped, except SOL
 *   exchanged with the transaction's fee payer when that is another wallet that exchanged no token
 *   with it (a bundler funding the wallet in the buying transaction; a market maker filling its
 *   order, who pays the fee of an RFQ fill, is the trade's other side: its SOL is the trade's);
 * - NFTs handed to or from other wallets outside any market, nothing paid back (`nftHandOver`): only
 *   the transfers with those wallets count, the NFTs among them (transfer extraction 6);
 * - a swap of quote assets only (USDC for SOL: no leg) that `events.swap` names the wallet on the
 *   input side of: its SOL and tokens to and from the pools' side of its hops and their fee
 *   recipients → dropped (transfer extraction 5); a transfer to another wallet beside it stays;
 * - no counterparty (mint, burn) or the wallet itself (wrap, unwrap, own accounts) → dropped;
 * - SOL to or from a token account (ATA rent, wrapping), a landing service's tip account, or an account the
 *   transaction creates or allocates (rent) → dropped: these are not other wallets;
 * - SOL is summed per counterparty and direction within the transaction; totals under
 *   `dustLamports` (default 100,000 lamports, `SOL_DUST_LAMPORTS`) are dust and dropped;
 * - wrapped SOL moved between two wallets counts as SOL (asset `'SOL'`); tokens keep their mint;
 * - a transaction of the wallet's own (SOL or a token left its own accounts) whose
 *   fee another account paid adds one transfer in from that fee payer, of asset `'FEE'` (`FEE_ASSET`)
 *   and the fee as its amount: the payer signed it with the wallet (engine 2.8.0, `sponsoredBy`);
 * - an NFT sale through a marketplace (`events.nft` names a seller and a buyer, two wallets) adds one
 *   transfer per NFT sold, with the other party, of asset `'NFT_SALE'` (`NFT_SALE_ASSET`): the NFT's
 *   direction, its mint as `nft`, its share of the price in SOL as the amount (`nftSales`, transfer
 *   extraction 7).
 * Amounts: SOL exactly from lamports; a token exactly from the wallet's own integer balance change
 * when it is the wallet's only transfer of that mint in the transaction, else from the UI float
 * (`amountExact: false`).
 */
export function extractTransfers(tx: EnhancedTransaction, wallet: string, opts: TransferOptions = {}): WalletTransfer[] {
  if (isFailedTransaction(tx)) return [];
  const dust = opts.dustLamports ?? SOL_DUST_LAMPORTS;
  const notWallets = nonWalletAccounts(tx);
  // NFTs handed to (or by) other wallets: only the transfers with those wallets count
  const handOver = opts.traded === true ? null : nftHandOver(tx, wallet, dust, notWallets);
  const traded = opts.traded ?? (handOver === null && tradedIn(tx, wallet, dust));
  // a swap of quote assets only: its parties' SOL and tokens are the swap's
  const parties = traded ? new Set<string>() : swapParties(tx, wallet);
  for (const party of parties) notWallets.add(party);
  const out: WalletTransfer[] = [];
  // a fee payer that exchanged a token with the wallet is the trade's other side (a market maker's fill)
  const payer = tx.feePayer;
  const payerTraded = traded && (tx.tokenTransfers ?? []).some((t) => (t.fromUserAccount === wallet && t.toUserAccount === payer) || (t.fromUserAccount === payer && t.toUserAccount === wallet));
  // an NFT sale's buyer paying its seller straight (no escrow; a compressed NFT, which moves no token):
  // that SOL is the sale's price, recorded as the sale (`nftSales`), not a transfer besides
  const saleParty = nftSaleOther(tx, wallet);

  const sol = lamportsBy(tx, wallet, ({ counterparty }) => {
    if (notWallets.has(counterparty) || counterparty === saleParty || (handOver !== null && !handOver.has(counterparty))) return false;
    return !traded || (counterparty === payer && payer !== wallet && !payerTraded);
  });

  const tokens = new Map<string, { raw: bigint; decimals: number; exact: boolean }>();
  if (!traded) {
    const perMint = countPerMint(tx, wallet);
    for (const t of tx.tokenTransfers ?? []) {
      const side = sideOf(t.fromUserAccount, t.toUserAccount, wallet);
      if (side === null || parties.has(side.counterparty)) continue;
      if (handOver !== null && !handOver.has(side.counterparty)) continue;
      const decimals = decimalsOf(tx, t.mint) ?? decimalPlaces(t.tokenAmount);
      const exactRaw = perMint.get(t.mint) === 1 ? ownDelta(tx, wallet, t.mint, side.direction) : null;
      const asset = t.mint === WSOL_MINT ? SOL_ASSET : t.mint;
      const key = `${side.direction}:${side.counterparty}:${asset}`;
      const prev = tokens.get(key);
      const raw = exactRaw ?? floatToRaw(t.tokenAmount, decimals);
      tokens.set(key, {
        raw: (prev?.raw ?? 0n) + raw,
        decimals,
        exact: (prev?.exact ?? true) && exactRaw !== null,
      });
    }
  }

  for (const [key, lamports] of sol) {
    if (lamports < dust) continue;
    const [direction, counterparty] = key.split(':') as ['in' | 'out', string];
    out.push(make(tx, wallet, counterparty, direction, SOL_ASSET, lamports, 9, true));
  }
  for (const [key, v] of tokens) {
    if (v.raw <= 0n) continue;
    const [direction, counterparty, asset] = key.split(':') as ['in' | 'out', string, string];
    out.push(make(tx, wallet, counterparty, direction, asset, v.raw, v.decimals, v.exact));
  }
  const sponsor = sponsoredBy(tx, wallet);
  if (sponsor !== null) out.push(make(tx, wallet, sponsor, 'in', FEE_ASSET, BigInt(tx.fee), 9, true));
  for (const sale of nftSales(tx, wallet)) out.push(sale);
  return out.sort(compareTransfers);
}

/**
 * The wallet's side of the transaction's NFT sale through a marketplace (transfer extraction 7): one
 * transfer per NFT sold, to the buyer (the seller's, `out`) or from the seller (the buyer's, `in`),
 * asset `NFT_SALE_ASSET`, `nft` its mint, the amount its share of the price (`events.nft.amount`,
 * lamports, split evenly over the NFTs; exact when it divides). None when `events.nft` names no sale
 * (a listing, a bid, a mint: no `seller` and `buyer` both), the wallet is neither party, or either
 * party is a program's address (off the ed25519 curve: an NFT AMM's pool buying into its own
 * liquidity trades with strangers by the thousand). The buyer pays the marketplace's escrow and the
 * escrow pays the seller: the sale is the only record of the two wallets' exchange.
 */
export function nftSales(tx: EnhancedTransaction, wallet: string): WalletTransfer[] {
  if (isFailedTransaction(tx)) return [];
  const nft = nftEvent(tx);
  const { seller, buyer } = nft ?? {};
  if (nft === null || typeof seller !== 'string' || typeof buyer !== 'string' || seller === '' || buyer === '' || seller === buyer) return [];
  if (wallet !== seller && wallet !== buyer) return [];
  if (!isOnCurve(seller) || !isOnCurve(buyer)) return [];
  const mints = [...new Set((Array.isArray(nft.nfts) ? nft.nfts : []).map((x) => (typeof x === 'object' && x !== null ? (x as { mint?: unknown }).mint : undefined)).filter((m): m is string => typeof m === 'string' && m !== ''))];
  if (mints.length === 0) return [];
  const price = typeof nft.amount === 'number' && Number.isSafeInteger(nft.amount) && nft.amount > 0 ? BigInt(nft.amount) : 0n;
  const share = price / BigInt(mints.length);
  const exact = share * BigInt(mints.length) === price;
  const [direction, counterparty] = wallet === seller ? (['out', buyer] as const) : (['in', seller] as const);
  return mints.sort().map((mint) => ({ ...make(tx, wallet, counterparty, direction, NFT_SALE_ASSET, share, 9, exact), nft: mint }));
}

/**
 * The account that paid the fee of a successful transaction of the wallet's own, when that is
 * another account: SOL or a token left the wallet's own accounts (a trade's paid side, a transfer it
 * sent, SOL wrapped or tokens burnt), which needs its signature; null otherwise (a transfer, a token
 * or an NFT someone sent it, an airdrop, a transaction that only lists it, one it paid for itself,
 * or a program-derived address's: an escrow's tokens leave it by its program's word).
 */
export function sponsoredBy(tx: EnhancedTransaction, wallet: string): string | null {
  if (isFailedTransaction(tx)) return null;
  const payer = tx.feePayer;
  if (typeof payer !== 'string' || payer === '' || payer === wallet) return null;
  const sent =
    (tx.nativeTransfers ?? []).some((t) => t.fromUserAccount === wallet && t.toUserAccount !== wallet && t.amount > 0) ||
    (tx.tokenTransfers ?? []).some((t) => t.fromUserAccount === wallet && t.toUserAccount !== wallet && t.tokenAmount > 0) ||
    // what transfers may not name: the wallet's own SOL or tokens going down
    tx.accountData.some((a) => (a.account === wallet && a.nativeBalanceChange < 0) || (a.tokenBalanceChanges ?? []).some((c) => c.userAccount === wallet && c.rawTokenAmount.tokenAmount.startsWith('-')));
  // a program-derived address (an escrow, a vault) signs nothing: its program moved what left it
  return sent && isOnCurve(wallet) ? payer : null;
}

/** Every transaction of one wallet: transfers deduplicated by signature, in time order. */
export function extractTransfersMany(
  txs: readonly EnhancedTransaction[],
  wallet: string,
  opts: Omit<TransferOptions, 'traded'> = {},
): WalletTransfer[] {
  const seen = new Set<string>();
  const out: WalletTransfer[] = [];
  for (const tx of txs) {
    if (seen.has(tx.signature)) continue;
    seen.add(tx.signature);
    for (const t of extractTransfers(tx, wallet, opts)) out.push(t);
  }
  return out.sort(compareTransfers);
}

/** Time order: timestamp, slot, signature, then counterparty, asset, direction and NFT (stable keys). */
export function compareTransfers(a: WalletTransfer, b: WalletTransfer): number {
  return (
    a.timestamp - b.timestamp ||
    a.slot - b.slot ||
    cmp(a.signature, b.signature) ||
    cmp(a.counterparty, b.counterparty) ||
    cmp(a.asset, b.asset) ||
    cmp(a.direction, b.direction) ||
    cmp(a.nft ?? '', b.nft ?? '')
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Whether the wallet traded in the transaction: a `swap` leg, or one skipped as `liquidity` or
 * `non-fungible` (an NFT bought, sold, listed, staked or minted), but not NFTs handed from one wallet
 * to another (`nftHandOver`).
 */
export function tradedIn(tx: EnhancedTransaction, wallet: string, dust: bigint = SOL_DUST_LAMPORTS): boolean {
  // the seller of an NFT sale is paid from the marketplace's escrow (a program-derived account the
  // buyer funded in the same transaction) and its NFT may leave an escrow's token account, not its
  // own: the sale's SOL is the trade's, not a transfer from another wallet
  if (nftSaleParty(tx, wallet)) return true;
  const result = extractLegs(tx, wallet, { solPriceUsd: 0 });
  if (result.skipped === 'liquidity') return true;
  if (result.skipped === 'non-fungible') return nftHandOver(tx, wallet, dust, nonWalletAccounts(tx)) === null;
  return result.legs.some((l) => l.kind === 'swap');
}

/**
 * The wallets the transaction hands the wallet's NFTs to, or from which it hands it NFTs, outside any
 * NFT market (transfer extraction 6); null when it does not:
 * - Helius names no NFT event and no `NFT_…` type (a sale, listing, bid, mint);
 * - every NFT the wallet moves goes one way (all sent, or all received), each to or from another
 *   wallet: an address on the ed25519 curve, which signs (an escrow, a staking vault or a pool is a
 *   program's address, off the curve: its transfers are that program's business, which many
 *   strangers share); none minted or burnt;
 * - nothing came back the other way (SOL above dust or a token from another wallet): a gift, not an
 *   exchange (an NFT paid for is a trade, as a token paid for is).
 * Then only the transfers with those wallets count (the NFTs, and SOL or tokens given with them); a
 * tool's fee paid beside them (a multi-send service's) is the hand-over's cost, as a swap's is.
 */
function nftHandOver(tx: EnhancedTransaction, wallet: string, dust: bigint, notWallets: ReadonlySet<string>): ReadonlySet<string> | null {
  if (inNftMarket(tx)) return null;
  const moved = (tx.tokenTransfers ?? []).filter((t) => isNonFungibleTransfer(t) && (t.fromUserAccount === wallet || t.toUserAccount === wallet));
  if (moved.length === 0) return null;
  const sides = moved.map((t) => sideOf(t.fromUserAccount, t.toUserAccount, wallet));
  const direction = sides[0]?.direction;
  const parties = new Set<string>();
  for (const side of sides) {
    if (side === null || side.direction !== direction || !isOnCurve(side.counterparty)) return null;
    parties.add(side.counterparty);
  }
  // anything back the other way, from another wallet, makes it an exchange
  const back = direction === 'out' ? 'in' : 'out';
  const lamportsBack = lamportsBy(tx, wallet, (side) => side.direction === back && !notWallets.has(side.counterparty));
  if ([...lamportsBack.values()].some((lamports) => lamports >= dust)) return null;
  const tokenBack = (tx.tokenTransfers ?? []).some((t) => {
    const side = sideOf(t.fromUserAccount, t.toUserAccount, wallet);
    return side !== null && side.direction === back && !notWallets.has(side.counterparty) && t.tokenAmount > 0;
  });
  return tokenBack ? null : parties;
}

/**
 * The pools' side of a swap the wallet paid into (`events.swap` names it on its input side; none
 * otherwise): what its hops paid into (a pool's authority or vault owner), paid out of, and paid fees
 * to (the aggregator's fee accounts). A swap of quote assets only (USDC for SOL) has no leg, so the
 * wallet is not `traded`: its SOL and USDC to and from these accounts are the swap's, not transfers
 * (every trader of the pool would share them as a counterparty). The hops' other side (the wallet,
 * or in a bundle another wallet trading beside it) is not taken: a transfer between two wallets in
 * the same transaction still counts.
 */
function swapParties(tx: EnhancedTransaction, wallet: string): Set<string> {
  const parties = new Set<string>();
  const swap = tx.events?.swap;
  if (!swap || !(swap.nativeInput?.account === wallet || swap.tokenInputs.some((t) => t.userAccount === wallet))) return parties;
  const add = (account: string | null | undefined) => {
    if (account) parties.add(account);
  };
  for (const hop of swap.innerSwaps) {
    for (const t of hop.tokenInputs) add(t.toUserAccount);
    for (const t of hop.tokenOutputs) add(t.fromUserAccount);
    add(hop.nativeInput?.toUserAccount);
    add(hop.nativeOutput?.fromUserAccount);
    for (const t of [...hop.tokenFees, ...hop.nativeFees]) add(t.toUserAccount);
  }
  parties.delete(wallet);
  return parties;
}

/** The transaction's NFT event (`events.nft`), its fields unchecked; null when it has none. */
function nftEvent(tx: EnhancedTransaction): { seller?: unknown; buyer?: unknown; amount?: unknown; nfts?: unknown } | null {
  const nft = tx.events?.nft;
  return typeof nft === 'object' && nft !== null ? nft : null;
}

/** The other party of the transaction's NFT sale (`events.nft`) when it names the wallet its seller or buyer; null otherwise. */
function nftSaleOther(tx: EnhancedTransaction, wallet: string): string | null {
  const nft = nftEvent(tx);
  if (nft === null || typeof nft.seller !== 'string' || typeof nft.buyer !== 'string') return null;
  if (nft.seller === wallet && nft.buyer !== '') return nft.buyer;
  if (nft.buyer === wallet && nft.seller !== '') return nft.seller;
  return null;
}

/** Whether `events.nft` names the wallet as the seller or the buyer of the transaction's NFT sale. */
function nftSaleParty(tx: EnhancedTransaction, wallet: string): boolean {
  const nft = nftEvent(tx);
  return nft !== null && (nft.seller === wallet || nft.buyer === wallet);
}

/** Accounts that are not another wallet: token accounts, landing services' tip accounts, accounts created here. */
function nonWalletAccounts(tx: EnhancedTransaction): Set<string> {
  const set = accountsCreatedIn(tx);
  for (const tip of TIP_ACCOUNTS) set.add(tip);
  for (const entry of tx.accountData) {
    for (const c of entry.tokenBalanceChanges ?? []) set.add(c.tokenAccount);
  }
  for (const t of tx.tokenTransfers ?? []) {
    if (t.fromTokenAccount) set.add(t.fromTokenAccount);
    if (t.toTokenAccount) set.add(t.toTokenAccount);
  }
  return set;
}

/** The wallet's SOL transfers `keep` takes, summed per direction and counterparty (`${direction}:${counterparty}` → lamports). */
function lamportsBy(tx: EnhancedTransaction, wallet: string, keep: (side: { direction: 'in' | 'out'; counterparty: string }) => boolean): Map<string, bigint> {
  const sums = new Map<string, bigint>();
  for (const t of tx.nativeTransfers ?? []) {
    const side = sideOf(t.fromUserAccount, t.toUserAccount, wallet);
    if (side === null || !keep(side)) continue;
    const key = `${side.direction}:${side.counterparty}`;
    sums.set(key, (sums.get(key) ?? 0n) + BigInt(t.amount));
  }
  return sums;
}

function sideOf(
  from: string | null,
  to: string | null,
  wallet: string,
): { direction: 'in' | 'out'; counterparty: string } | null {
  if (from === wallet && to && to !== wallet) return { direction: 'out', counterparty: to };
  if (to === wallet && from && from !== wallet) return { direction: 'in', counterparty: from };
  return null;
}

function countPerMint(tx: EnhancedTransaction, wallet: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const t of tx.tokenTransfers ?? []) {
    if (t.fromUserAccount === wallet || t.toUserAccount === wallet) counts.set(t.mint, (counts.get(t.mint) ?? 0) + 1);
  }
  return counts;
}

/** The wallet's net integer change of `mint`, when it has the sign of `direction`. */
function ownDelta(tx: EnhancedTransaction, wallet: string, mint: string, direction: 'in' | 'out'): bigint | null {
  let raw = 0n;
  let seen = false;
  for (const entry of tx.accountData) {
    for (const c of entry.tokenBalanceChanges ?? []) {
      if (c.userAccount !== wallet || c.mint !== mint) continue;
      raw += BigInt(c.rawTokenAmount.tokenAmount);
      seen = true;
    }
  }
  if (!seen) return null;
  if (direction === 'in' && raw > 0n) return raw;
  if (direction === 'out' && raw < 0n) return -raw;
  return null;
}

function decimalsOf(tx: EnhancedTransaction, mint: string): number | null {
  for (const entry of tx.accountData) {
    for (const c of entry.tokenBalanceChanges ?? []) if (c.mint === mint) return c.rawTokenAmount.decimals;
  }
  return null;
}

function decimalPlaces(ui: number): number {
  const text = ui.toFixed(12).replace(/0+$/, '');
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : text.length - dot - 1;
}

/** A UI float to base units at `decimals` places, through its shortest decimal text (no binary noise). */
function floatToRaw(ui: number, decimals: number): bigint {
  if (!Number.isFinite(ui) || ui <= 0) return 0n;
  const text = ui.toFixed(Math.min(decimals, 20));
  return parseUnits(text, decimals);
}

function make(
  tx: EnhancedTransaction,
  wallet: string,
  counterparty: string,
  direction: 'in' | 'out',
  asset: string,
  raw: bigint,
  decimals: number,
  exact: boolean,
): WalletTransfer {
  return {
    wallet,
    counterparty,
    direction,
    asset,
    amount: formatUnits(raw, decimals),
    rawAmount: raw.toString(),
    decimals,
    amountExact: exact,
    signature: tx.signature,
    slot: tx.slot,
    timestamp: tx.timestamp,
  };
}
