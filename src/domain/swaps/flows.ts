// What one transaction did to one wallet's balances, in exact integers: tokens per mint, SOL net
// of fee, rent and tips. Ground truth: the wallet's own balance changes in `accountData`;
// `events.swap` is a hint that may supply the exact quote amount when it agrees with them.
import bs58 from 'bs58';
import { TIP_ACCOUNTS } from './tip-accounts';
import type { EnhancedTransaction, Instruction, SwapEvent, TokenBalanceChange } from '../enhanced-transaction';
import { SPL_TOKEN_PROGRAM_ID, SYSTEM_PROGRAM_ID, TOKEN_2022_PROGRAM_ID, USDC_MINT, USDT_MINT, WSOL_MINT } from '../enhanced-transaction';

export interface TokenDelta {
  mint: string;
  /** signed base units */
  raw: bigint;
  decimals: number;
}

export interface WalletFlows {
  /** non-quote tokens with a non-zero net change, in order of first appearance */
  tokens: TokenDelta[];
  /** SOL + wrapped SOL, net of network fee, own-token-account rent and landing services' tips (signed lamports) */
  lamports: bigint;
  usdc: bigint;
  usdt: bigint;
}

/** Landing services' tip accounts (Jito, Helius Sender, Nozomi, ...): SOL sent there is a fee for inclusion, not part of a swap's value. */
export { TIP_ACCOUNTS } from './tip-accounts';

export interface AccountDataView {
  involved: boolean;
  flows: WalletFlows;
}

/**
 * Net balance changes of `wallet` from `accountData`: its own SOL entry, plus every token account
 * whose `tokenBalanceChanges[].userAccount` is the wallet (so a wallet that appears only through
 * its token accounts is still seen). Rent moved into or out of its token accounts, rent it paid for
 * new non-token accounts (see `rentForCreatedAccounts`), the network fee (when it paid it) and landing
 * services' tips are added back, so `lamports` is the swap's SOL side only.
 */
export function flowsFromAccountData(tx: EnhancedTransaction, wallet: string): AccountDataView {
  let involved = tx.feePayer === wallet;
  let lamports = 0n;
  let usdc = 0n;
  let usdt = 0n;
  const tokens: TokenDelta[] = [];
  const moves = rentMoves(tx);
  // the part of a token account's rent that came out of (or went back to) the wallet's SOL entry
  const ownRent = (account: string, change: bigint): bigint => rentBorneBy(wallet, account, change, moves);
  /** the wallet's token accounts with a balance change listed (their rent is read from their entries) */
  const listed = new Set<string>();
  for (const entry of tx.accountData) {
    if (entry.account === wallet) {
      involved = true;
      lamports += BigInt(entry.nativeBalanceChange);
    }
    const changes = entry.tokenBalanceChanges;
    if (!changes || changes.length === 0) continue;
    let ownsNonWsolAccount = false;
    for (const change of changes) {
      if (change.userAccount !== wallet) continue;
      involved = true;
      listed.add(entry.account);
      const raw = BigInt(change.rawTokenAmount.tokenAmount);
      const mint = change.mint;
      if (mint === WSOL_MINT) {
        lamports += raw;
        // its own WSOL account created or closed here: the rent the wallet's SOL entry paid or got back is not swap value
        if (entry.account !== wallet) lamports += ownRent(entry.account, wsolAccountRent(BigInt(entry.nativeBalanceChange) - raw));
        continue;
      }
      ownsNonWsolAccount = true;
      if (mint === USDC_MINT) usdc += raw;
      else if (mint === USDT_MINT) usdt += raw;
      else addDelta(tokens, mint, raw, change.rawTokenAmount.decimals);
    }
    // rent paid into (or refunded from) the wallet's own token account is not swap value
    if (ownsNonWsolAccount && entry.account !== wallet) lamports += ownRent(entry.account, BigInt(entry.nativeBalanceChange));
  }
  if (tx.feePayer === wallet) lamports += BigInt(tx.fee);
  lamports += tipsPaidBy(tx, wallet);
  lamports += rentForCreatedAccounts(tx, wallet);
  lamports += temporaryAccountRent(wallet, moves, listed);
  if (!involved) involved = mentionedInTransfers(tx, wallet);
  return { involved, flows: { tokens: tokens.filter((t) => t.raw !== 0n), lamports, usdc, usdt } };
}

/** a WSOL (SPL Token) account's rent-exempt minimum: 165 bytes */
const WSOL_ACCOUNT_RENT = 2_039_280n;

/**
 * The rent moved into (created) or out of (closed) a WSOL account: what its lamports changed beyond
 * its wrapped amount, when that is exactly one account's rent; else 0 (a payload whose native
 * change does not account for the wrapped amount says nothing of rent).
 */
function wsolAccountRent(beyondWrapped: bigint): bigint {
  return beyondWrapped === WSOL_ACCOUNT_RENT || beyondWrapped === -WSOL_ACCOUNT_RENT ? beyondWrapped : 0n;
}

/**
 * The wallet's flows for pricing: token amounts always from `accountData` (the ground truth); the
 * SOL/USDC/USDT side from `events.swap` only when the event names the wallet and moves exactly the
 * same mints in the same directions (and, when it names the wallet on one token side only, gives
 * it a quote amount), else from `accountData` too. Even then, a quote the wallet's own net change
 * puts within QUOTE_FEE_TOLERANCE of the event's is the wallet's (a fee paid beside the swap is part
 * of the price). The event alone is used only when `accountData` shows no token movement for the
 * wallet at all.
 */
export function walletFlows(tx: EnhancedTransaction, wallet: string, view: AccountDataView): WalletFlows {
  const event = tx.events?.swap;
  if (!event || !swapEventInvolves(event, wallet)) return view.flows;
  const fromEvent = flowsFromSwapEvent(event, wallet);
  if (view.flows.tokens.length === 0) return fromEvent;
  if (!sameMovement(fromEvent.tokens, view.flows.tokens)) return view.flows;
  // the event names the wallet on one token side only, a sale's or a buy's (Raydium v4's names the
  // pool authority on the quote side): it says nothing of the quote, which accountData has. (A
  // token-to-token swap has no quote side: its event is taken as it is.)
  const oneSided = fromEvent.tokens.every((t) => t.raw < 0n) || fromEvent.tokens.every((t) => t.raw > 0n);
  if (oneSided && fromEvent.lamports === 0n && fromEvent.usdc === 0n && fromEvent.usdt === 0n) return view.flows;
  const own = view.flows;
  return {
    tokens: own.tokens,
    lamports: quoteOf(fromEvent.lamports, own.lamports, tx, (size) => feesPaidOut(tx, wallet, event, 'SOL', size)),
    usdc: quoteOf(fromEvent.usdc, own.usdc, tx, (size) => feesPaidOut(tx, wallet, event, 'USDC', size)),
    usdt: quoteOf(fromEvent.usdt, own.usdt, tx, (size) => feesPaidOut(tx, wallet, event, 'USDT', size)),
  };
}

/**
 * How far (a share of the event's amount) the wallet's own net quote may differ from the swap
 * event's and still be the price: a trading bot's or front end's fee taken in the same transaction
 * (0.5 to 2 %: paid beside a buy, or kept from a sale's proceeds) is part of what the wallet paid or
 * got. A larger difference is SOL moved for something else in the transaction (a transfer to
 * another wallet): then the event's amount is the price.
 */
export const QUOTE_FEE_TOLERANCE = 0.05;

/**
 * The quote amount of one asset: the wallet's own net change when it agrees with the event's within
 * QUOTE_FEE_TOLERANCE and the difference is what the wallet sent out beside the swap (`paidOut`:
 * fees), else the event's. The difference must be shown to be fees: rent the extraction cannot
 * recognise (a webhook payload has no instructions), or a refund, would otherwise pass for a price.
 */
function quoteOf(event: bigint, own: bigint, tx: EnhancedTransaction, paidOut: (size: bigint) => bigint): bigint {
  if (event === 0n || own === 0n || own === event || event > 0n !== own > 0n) return event;
  // the wallet's net is the worse side of the event's: it paid more for a buy, or got less for a sale
  if (own > event) return event;
  if ((tx.instructions ?? []).length === 0) return event;
  const gap = event - own;
  const size = event > 0n ? event : -event;
  if (!withinFeeShare(gap, size)) return event;
  // (a stablecoin's transfers are UI floats: one raw unit of slack)
  const fees = paidOut(size);
  return fees === gap || fees - gap === 1n || gap - fees === 1n ? own : event;
}

/** Whether `part` is at most QUOTE_FEE_TOLERANCE of `size` (integer arithmetic: part / size <= 5 / 100). */
export function withinFeeShare(part: bigint, size: bigint): boolean {
  return part * 100n <= size * BigInt(Math.round(QUOTE_FEE_TOLERANCE * 100));
}

/** Every token balance change the transaction lists, with the account it is on. */
function* balanceChanges(tx: EnhancedTransaction): Generator<{ account: string; change: TokenBalanceChange }> {
  for (const entry of tx.accountData) for (const change of entry.tokenBalanceChanges ?? []) yield { account: entry.account, change };
}

/**
 * What the wallet sent in `asset` to accounts the swap does not name (a bot's or a front end's fee
 * account), in raw units, each transfer a fee's size (within QUOTE_FEE_TOLERANCE of the swap's `size`:
 * the swap's own payment to a pool is not one): not to itself or its own token accounts, not to
 * landing services' tip accounts (left out of its flows already), not to any account or owner
 * `events.swap` names, and SOL not to a token account (a pool's WSOL vault) nor to an account that
 * paid the wallet SOL in the same transaction (a temporary WSOL account).
 */
function feesPaidOut(tx: EnhancedTransaction, wallet: string, event: SwapEvent, asset: 'SOL' | 'USDC' | 'USDT', size: bigint): bigint {
  const named = new Set<string>([wallet]);
  if (event.nativeInput) named.add(event.nativeInput.account);
  if (event.nativeOutput) named.add(event.nativeOutput.account);
  for (const t of [...event.tokenInputs, ...event.tokenOutputs]) {
    named.add(t.userAccount);
    named.add(t.tokenAccount);
  }
  const tokenAccounts = new Set<string>();
  for (const { account, change } of balanceChanges(tx)) {
    tokenAccounts.add(account);
    if (change.userAccount === wallet) named.add(account);
  }
  let sum = 0n;
  if (asset === 'SOL') {
    // an account that also paid the wallet (a temporary WSOL account, opened and closed back to it) takes no fee
    for (const t of tx.nativeTransfers ?? []) if (t.toUserAccount === wallet && t.fromUserAccount !== null) named.add(t.fromUserAccount);
    for (const t of tx.nativeTransfers ?? []) {
      if (t.fromUserAccount !== wallet || t.toUserAccount === null || named.has(t.toUserAccount) || TIP_ACCOUNTS.has(t.toUserAccount) || tokenAccounts.has(t.toUserAccount)) continue;
      const amount = BigInt(t.amount);
      if (withinFeeShare(amount, size)) sum += amount;
    }
    return sum;
  }
  const mint = asset === 'USDC' ? USDC_MINT : USDT_MINT;
  for (const t of tx.tokenTransfers ?? []) {
    if (t.mint !== mint || t.fromUserAccount !== wallet) continue;
    if ((t.toUserAccount !== null && named.has(t.toUserAccount)) || (t.toTokenAccount !== null && named.has(t.toTokenAccount))) continue;
    const amount = BigInt(Math.round(t.tokenAmount * 1e6));
    if (withinFeeShare(amount, size)) sum += amount;
  }
  return sum;
}

function sameMovement(a: TokenDelta[], b: TokenDelta[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((x) => b.some((y) => y.mint === x.mint && y.raw > 0n === x.raw > 0n));
}

/** True when `events.swap` names the wallet as the swapper. */
export function swapEventInvolves(event: SwapEvent, wallet: string): boolean {
  if (event.nativeInput?.account === wallet || event.nativeOutput?.account === wallet) return true;
  for (const t of event.tokenInputs) if (t.userAccount === wallet) return true;
  for (const t of event.tokenOutputs) if (t.userAccount === wallet) return true;
  return false;
}

/** The wallet's side of `events.swap`: what went in (sold) and came out (bought), exactly. */
export function flowsFromSwapEvent(event: SwapEvent, wallet: string): WalletFlows {
  const flows: WalletFlows = { tokens: [], lamports: 0n, usdc: 0n, usdt: 0n };
  if (event.nativeInput?.account === wallet) flows.lamports -= BigInt(event.nativeInput.amount);
  if (event.nativeOutput?.account === wallet) flows.lamports += BigInt(event.nativeOutput.amount);
  applyEventSide(flows, event.tokenInputs, wallet, -1n);
  applyEventSide(flows, event.tokenOutputs, wallet, 1n);
  flows.tokens = flows.tokens.filter((t) => t.raw !== 0n);
  return flows;
}

function applyEventSide(flows: WalletFlows, side: TokenBalanceChange[], wallet: string, sign: bigint): void {
  for (const change of side) {
    if (change.userAccount !== wallet) continue;
    let raw = BigInt(change.rawTokenAmount.tokenAmount);
    if (raw < 0n) raw = -raw;
    raw *= sign;
    if (change.mint === WSOL_MINT) flows.lamports += raw;
    else if (change.mint === USDC_MINT) flows.usdc += raw;
    else if (change.mint === USDT_MINT) flows.usdt += raw;
    else addDelta(flows.tokens, change.mint, raw, change.rawTokenAmount.decimals);
  }
}

export interface IntermediateValue {
  quote: 'SOL' | 'USDC' | 'USDT';
  raw: bigint;
  /** true when read from `innerSwaps` UI floats rather than integer balance changes */
  estimated: boolean;
  /** a route split between SOL and a stablecoin (part of it through SOL pools, part through USDC ones): the stablecoin's part, beside the SOL */
  stable?: { quote: 'USDC' | 'USDT'; raw: bigint };
}

/**
 * For token→token routes: the quote asset that flowed between the hops, read from other accounts'
 * integer balance changes (pool vaults: one hop pays it out, the next receives it). Falls back to
 * the largest WSOL amount in `events.swap.innerSwaps` (UI floats; then marked estimated).
 */
export function intermediateValue(tx: EnhancedTransaction, wallet: string, pair?: { sold: string; bought: string }): IntermediateValue | null {
  // other accounts' quote-asset changes, in one pass: what was paid into them and out of them
  const totals: Array<{ mint: string; quote: IntermediateValue['quote']; paidIn: bigint; paidOut: bigint }> = [
    { mint: WSOL_MINT, quote: 'SOL', paidIn: 0n, paidOut: 0n },
    { mint: USDC_MINT, quote: 'USDC', paidIn: 0n, paidOut: 0n },
    { mint: USDT_MINT, quote: 'USDT', paidIn: 0n, paidOut: 0n },
  ];
  for (const { change } of balanceChanges(tx)) {
    if (change.userAccount === wallet) continue;
    const total = totals.find((t) => t.mint === change.mint);
    if (total === undefined) continue;
    const raw = BigInt(change.rawTokenAmount.tokenAmount);
    if (raw > 0n) total.paidIn += raw;
    else total.paidOut -= raw;
  }
  const found: Array<{ quote: IntermediateValue['quote']; raw: bigint }> = [];
  for (const { quote, paidIn, paidOut } of totals) {
    const through = paidIn > 0n && paidOut > 0n ? (paidIn < paidOut ? paidIn : paidOut) : paidIn > paidOut ? paidIn : paidOut;
    if (through > 0n) found.push({ quote, raw: through });
  }
  if (found.length > 0) {
    const [first, second] = found;
    // SOL's part and a stablecoin's (only one passing through both ways counts: a route, not a fee paid in it)
    const stable =
      first.quote === 'SOL' && second !== undefined && second.quote !== 'SOL' && pair !== undefined && splitRoute(tx, wallet, pair, second.quote) ? { quote: second.quote, raw: second.raw } : undefined;
    return { quote: first.quote, raw: first.raw, estimated: false, ...(stable ? { stable } : {}) };
  }
  let largest = 0;
  for (const hop of tx.events.swap?.innerSwaps ?? []) {
    for (const t of [...hop.tokenInputs, ...hop.tokenOutputs]) {
      if (t.mint === WSOL_MINT && t.tokenAmount > largest) largest = t.tokenAmount;
    }
  }
  if (largest > 0) return { quote: 'SOL', raw: BigInt(Math.round(largest * 1e9)), estimated: true };
  return null;
}

/**
 * Whether a token→token route went through SOL and the stablecoin side by side (a split: part of the
 * sold token through SOL pools, part through stablecoin pools), not one after the other (sold token →
 * SOL → stablecoin → bought token, where the SOL and the stablecoin are the same value twice): the
 * stablecoin passes through other accounts both ways, the sold token goes into two accounts or more
 * and the bought token comes out of two or more (a sequential route takes each in and out of one pool),
 * and the swap event's hops (it must list them) show none trading SOL for the stablecoin.
 */
function splitRoute(tx: EnhancedTransaction, wallet: string, pair: { sold: string; bought: string }, quote: 'USDC' | 'USDT'): boolean {
  const stableMint = quote === 'USDC' ? USDC_MINT : USDT_MINT;
  let stableIn = false;
  let stableOut = false;
  const soldInto = new Set<string>();
  const boughtFrom = new Set<string>();
  for (const { account, change } of balanceChanges(tx)) {
    if (change.userAccount === wallet) continue;
    const raw = BigInt(change.rawTokenAmount.tokenAmount);
    if (change.mint === stableMint) {
      if (raw > 0n) stableIn = true;
      else if (raw < 0n) stableOut = true;
    } else if (change.mint === pair.sold && raw > 0n) soldInto.add(account);
    else if (change.mint === pair.bought && raw < 0n) boughtFrom.add(account);
  }
  if (!stableIn || !stableOut || soldInto.size < 2 || boughtFrom.size < 2) return false;
  // the hops as the swap event parsed them: without them a route whose first and last hops are
  // each split over two pools, through SOL then the stablecoin, looks the same
  const hops = tx.events?.swap?.innerSwaps ?? [];
  if (hops.length === 0) return false;
  const solAndStable = (mints: string[]) => mints.includes(WSOL_MINT) && mints.includes(stableMint);
  return !hops.some((hop) => solAndStable([...hop.tokenInputs, ...hop.tokenOutputs].map((t) => t.mint)));
}

function addDelta(tokens: TokenDelta[], mint: string, raw: bigint, decimals: number): void {
  for (const t of tokens) {
    if (t.mint === mint) {
      t.raw += raw;
      return;
    }
  }
  tokens.push({ mint, raw, decimals });
}

/** Who created (funded the rent of) and who received the lamports of closed accounts, from instructions. */
interface RentMoves {
  /** account -> the payers of System Program `CreateAccount` / `CreateAccountWithSeed` into it */
  createdBy: Map<string, Set<string>>;
  /** account -> the lamports those instructions put into it (its rent) */
  createdWith: Map<string, bigint>;
  /** account -> the destination and the owner (signing authority) of an SPL Token / Token-2022 `CloseAccount` of it */
  closedTo: Map<string, string>;
  closedBy: Map<string, string>;
}

/** SPL Token and Token-2022 `CloseAccount`: the one-byte instruction 9 (base58 "A"); accounts: account, destination, owner */
const CLOSE_ACCOUNT_DATA = 'A';

function rentMoves(tx: EnhancedTransaction): RentMoves {
  const createdBy = new Map<string, Set<string>>();
  const createdWith = new Map<string, bigint>();
  const closedTo = new Map<string, string>();
  const closedBy = new Map<string, string>();
  for (const ix of allInstructions(tx.instructions ?? [])) {
    if (ix.programId === SYSTEM_PROGRAM_ID) {
      const op = decodeSystemInstruction(ix.data);
      const [from, to] = ix.accounts;
      if (op?.kind !== 'create' || from === undefined || to === undefined) continue;
      const payers = createdBy.get(to) ?? new Set<string>();
      payers.add(from);
      createdBy.set(to, payers);
      createdWith.set(to, (createdWith.get(to) ?? 0n) + op.lamports);
    } else if ((ix.programId === SPL_TOKEN_PROGRAM_ID || ix.programId === TOKEN_2022_PROGRAM_ID) && ix.data === CLOSE_ACCOUNT_DATA) {
      const [account, destination, owner] = ix.accounts;
      if (account === undefined || destination === undefined) continue;
      closedTo.set(account, destination);
      if (owner !== undefined) closedBy.set(account, owner);
    }
  }
  return { createdBy, createdWith, closedTo, closedBy };
}

/**
 * The rent of the wallet's temporary token accounts (created and closed in the transaction, so no
 * balance change of theirs is listed) that one party paid and the other got back: a relayer's
 * temporary WSOL account closed to the wallet gave it rent it never paid (taken off), and one the
 * wallet paid for closed to the relayer took rent that is no swap value (added back). Created and
 * closed by the same party, it nets to nothing on the wallet's SOL entry already.
 */
function temporaryAccountRent(wallet: string, moves: RentMoves, listed: ReadonlySet<string>): bigint {
  let rent = 0n;
  for (const [account, destination] of moves.closedTo) {
    if (listed.has(account) || moves.closedBy.get(account) !== wallet) continue;
    const payers = moves.createdBy.get(account);
    const lamports = moves.createdWith.get(account);
    if (payers === undefined || lamports === undefined) continue;
    if (destination === wallet && !payers.has(wallet)) rent -= lamports;
    else if (destination !== wallet && payers.has(wallet)) rent += lamports;
  }
  return rent;
}

/**
 * The part of `change` (rent moved into or out of one of the wallet's token accounts) that the
 * wallet's own SOL entry paid or got back. When the instructions show another party created the
 * account (a relayer of a gasless swap, a distributor creating the recipient's account) or took
 * its lamports on closing it, the wallet's SOL entry never moved, so there is nothing to add back.
 * Without such evidence (no instructions in the payload) the wallet is taken to have moved it.
 */
function rentBorneBy(wallet: string, account: string, change: bigint, moves: RentMoves): bigint {
  if (change > 0n) {
    const payers = moves.createdBy.get(account);
    return payers !== undefined && !payers.has(wallet) ? 0n : change;
  }
  if (change < 0n) {
    const destination = moves.closedTo.get(account);
    return destination !== undefined && destination !== wallet ? 0n : change;
  }
  return 0n;
}

/**
 * Lamports `wallet` paid as rent into accounts created in this transaction that are not token
 * accounts (no `tokenBalanceChanges`): a claim receipt, a position or a user-state account. Read
 * from System Program instructions (top level and inner): `CreateAccount` / `CreateAccountWithSeed`
 * funded by the wallet, and `Transfer` from the wallet to an account the same transaction
 * `Allocate`s. Capped by the account's own net balance change, so rent refunded in the same
 * transaction (a temporary account closed again) is not counted. Rent is not a price.
 */
export function rentForCreatedAccounts(tx: EnhancedTransaction, wallet: string): bigint {
  const funded = new Map<string, bigint>();
  const transfers = new Map<string, bigint>();
  const allocated = new Set<string>();
  const add = (m: Map<string, bigint>, k: string, v: bigint): void => void m.set(k, (m.get(k) ?? 0n) + v);
  for (const ix of allInstructions(tx.instructions ?? [])) {
    if (ix.programId !== SYSTEM_PROGRAM_ID) continue;
    const op = decodeSystemInstruction(ix.data);
    if (op === null) continue;
    const [from, to] = ix.accounts;
    if (op.kind === 'create' && from === wallet && to !== undefined) add(funded, to, op.lamports);
    else if (op.kind === 'transfer' && from === wallet && to !== undefined) add(transfers, to, op.lamports);
    else if (op.kind === 'allocate' && from !== undefined) allocated.add(from);
  }
  for (const [account, lamports] of transfers) if (allocated.has(account)) add(funded, account, lamports);
  let rent = 0n;
  for (const [account, lamports] of funded) {
    if (account === wallet) continue;
    const entry = tx.accountData.find((a) => a.account === account);
    if (entry && (entry.tokenBalanceChanges ?? []).length > 0) continue; // token accounts: see above
    const kept = entry ? BigInt(entry.nativeBalanceChange) : lamports;
    if (kept > 0n) rent += kept < lamports ? kept : lamports;
  }
  return rent;
}

/**
 * Accounts this transaction creates or allocates through the System Program (top level and inner):
 * the targets of `CreateAccount` / `CreateAccountWithSeed` and the accounts of `Allocate`. SOL
 * sent to them is rent, not a payment to another wallet.
 */
export function accountsCreatedIn(tx: EnhancedTransaction): Set<string> {
  const created = new Set<string>();
  for (const ix of allInstructions(tx.instructions ?? [])) {
    if (ix.programId !== SYSTEM_PROGRAM_ID) continue;
    const op = decodeSystemInstruction(ix.data);
    if (op === null) continue;
    if (op.kind === 'create' && ix.accounts[1] !== undefined) created.add(ix.accounts[1]);
    else if (op.kind === 'allocate' && ix.accounts[0] !== undefined) created.add(ix.accounts[0]);
  }
  return created;
}

function* allInstructions(list: readonly Instruction[]): Generator<Instruction> {
  for (const ix of list) {
    yield ix;
    if (ix.innerInstructions) yield* allInstructions(ix.innerInstructions);
  }
}

type SystemOp = { kind: 'create' | 'transfer'; lamports: bigint } | { kind: 'allocate' };

/** The System Program instructions that create accounts (bincode: u32 LE tag, then fields). */
function decodeSystemInstruction(data: string): SystemOp | null {
  let bytes: Uint8Array;
  try {
    bytes = bs58.decode(data);
  } catch {
    return null;
  }
  if (bytes.length < 4) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = view.getUint32(0, true);
  const u64 = (at: number): bigint | null => (bytes.length >= at + 8 ? view.getBigUint64(at, true) : null);
  if (tag === 0 || tag === 2) {
    // CreateAccount { lamports, space, owner } / Transfer { lamports }
    const lamports = u64(4);
    return lamports === null ? null : { kind: tag === 0 ? 'create' : 'transfer', lamports };
  }
  if (tag === 3) {
    // CreateAccountWithSeed { base: Pubkey, seed: String (u64 length + bytes), lamports, space, owner }
    const seedLength = u64(36);
    if (seedLength === null || seedLength > 64n) return null;
    const lamports = u64(44 + Number(seedLength));
    return lamports === null ? null : { kind: 'create', lamports };
  }
  if (tag === 8 || tag === 9) return { kind: 'allocate' }; // Allocate / AllocateWithSeed: accounts[0]
  return null;
}

/** SOL the wallet sent to landing services' tip accounts in the transaction (lamports). */
export function tipsPaidBy(tx: EnhancedTransaction, wallet: string): bigint {
  let tips = 0n;
  for (const t of tx.nativeTransfers ?? []) {
    if (t.fromUserAccount === wallet && t.toUserAccount !== null && TIP_ACCOUNTS.has(t.toUserAccount)) {
      tips += BigInt(t.amount);
    }
  }
  return tips;
}

function mentionedInTransfers(tx: EnhancedTransaction, wallet: string): boolean {
  for (const t of tx.nativeTransfers ?? []) if (t.fromUserAccount === wallet || t.toUserAccount === wallet) return true;
  for (const t of tx.tokenTransfers ?? []) if (t.fromUserAccount === wallet || t.toUserAccount === wallet) return true;
  return false;
}
