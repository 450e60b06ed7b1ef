// Renders one world event into a Helius Enhanced Transaction (contract §1.4): Jupiter/Raydium/Orca
// swaps with events.swap, pump.fun/PumpSwap swaps without it, token->token routes through WSOL,
// failed transactions (fee paid, nothing moved), SOL and token transfers, airdrops (TOKEN_MINT), NFT
// sales through a marketplace (NFT_SALE, events.nft).
import type {
  AccountData,
  EnhancedTransaction,
  Instruction,
  NativeTransfer,
  TokenBalanceChange,
  TokenTransfer,
} from '../domain/enhanced-transaction';
import { SPL_TOKEN_PROGRAM_ID, USDC_MINT, WSOL_MINT } from '../domain/enhanced-transaction';
import { derivedAddress, fromRaw, hashBytes, toRaw } from './keys';
import { feeOf, slotOf, type ChainFacts } from './chain';
import { PROGRAMS, ata, ixData, tokenProgramId, type Base } from './render-kit';
import { nftSaleAmounts, renderNftSale } from './render-nft-sale';
import type { OutsideTransfer, Trade, Transfer } from './world';

export { PROGRAMS } from './render-kit';

const PROGRAM_NAMES: Record<string, string> = {
  RAYDIUM: 'RAYDIUM_LIQUIDITY_POOL_V4',
  ORCA: 'ORCA_WHIRLPOOLS',
  PUMP_AMM: 'PUMP_AMM',
  PUMP_FUN: 'PUMP_FUN',
};

const FAILED_SWAP_ERROR = { InstructionError: [2, { Custom: 6001 }] };
const FAILED_SOL_TRANSFER_ERROR = { InsufficientFundsForRent: { account_index: 0 } };
const FAILED_TOKEN_TRANSFER_ERROR = { InstructionError: [0, { Custom: 1 }] };

interface Side {
  /** WSOL_MINT for native SOL */
  mint: string;
  native: boolean;
  raw: bigint;
  decimals: number;
  symbol: string;
}

interface Leg {
  source: string;
  pool: string;
  authority: string;
  inMint: string;
  inRaw: bigint;
  outMint: string;
  outRaw: bigint;
}

const ui = (world: ChainFacts, mint: string, raw: bigint): number => Number(fromRaw(raw, world.token(mint).decimals));

function side(world: ChainFacts, asset: string, amount: string): Side {
  if (asset === 'SOL') return { mint: WSOL_MINT, native: true, raw: toRaw(amount, 9), decimals: 9, symbol: 'SOL' };
  const mint = asset === 'USDC' ? USDC_MINT : asset;
  const t = world.token(mint);
  return { mint, native: false, raw: toRaw(amount, t.decimals), decimals: t.decimals, symbol: t.symbol };
}

function swapSides(world: ChainFacts, t: Trade): { pay: Side; recv: Side } {
  const token = side(world, t.mint, t.amount);
  const quote = side(world, t.quote, t.quoteAmount);
  return t.side === 'buy' ? { pay: quote, recv: token } : { pay: token, recv: quote };
}

/** The wallet's own nativeBalanceChange for an event (fee included when it pays the fee). */
export function walletNativeDelta(world: ChainFacts, walletIndex: number, eventIndex: number): number {
  const e = world.event(walletIndex, eventIndex);
  // a trade whose fee another account paid costs the wallet none
  const fee = e.kind === 'trade' && sponsored(world.wallets[walletIndex].address, e.trade) ? 0 : feeOf(walletIndex, eventIndex);
  if (e.kind === 'trade') {
    if (e.trade.failed) return -fee;
    const { pay, recv } = swapSides(world, e.trade);
    if (pay.native) return -Number(pay.raw) - fee;
    if (recv.native) return Number(recv.raw) - fee;
    return -fee;
  }
  const t = e.transfer;
  if (t.kind === 'nft-sale') {
    // the buyer signs and pays the fee; the seller only receives its proceeds
    const sale = nftSaleAmounts(t);
    return t.direction === 'in' ? -Number(sale.price + sale.takerFee + sale.rent) - fee : Number(sale.proceeds);
  }
  const walletPays = t.direction === 'out';
  if (t.mint !== 'SOL' || t.failed) return walletPays ? -fee : 0;
  const lamports = Number(toRaw(t.amount, 9));
  return walletPays ? -lamports - fee : lamports;
}

export function renderTransaction(world: ChainFacts, walletIndex: number, eventIndex: number): EnhancedTransaction {
  const e = world.event(walletIndex, eventIndex);
  const wallet = world.wallets[walletIndex].address;
  const base = {
    signature: world.signature(walletIndex, eventIndex),
    slot: slotOf(e.ts),
    timestamp: e.ts,
    fee: feeOf(walletIndex, eventIndex),
  };
  const delta = walletNativeDelta(world, walletIndex, eventIndex);
  if (e.kind === 'trade') return renderSwap(world, wallet, e.trade, base, delta);
  const key = `${walletIndex}:${eventIndex}`;
  return e.transfer.kind === 'nft-sale' ? renderNftSale(world, wallet, e.transfer, base, key) : renderTransfer(world, wallet, e.transfer, base, delta, key);
}


/** Whether another account than the wallet paid a trade's fee (`Trade.feePayer`). */
function sponsored(wallet: string, t: Trade): boolean {
  return t.feePayer !== undefined && t.feePayer !== wallet;
}

function legsOf(world: ChainFacts, t: Trade, pay: Side, recv: Side): Leg[] {
  const ammFor = (mint: string): string =>
    t.source === 'JUPITER' ? (hashBytes('amm', mint)[0] % 3 === 0 ? 'ORCA' : 'RAYDIUM') : t.source;
  const leg = (source: string, inMint: string, inRaw: bigint, outMint: string, outRaw: bigint): Leg => {
    const tokenMint = inMint === WSOL_MINT || inMint === USDC_MINT ? outMint : inMint;
    const pool = derivedAddress('pool', source, tokenMint, tokenMint === inMint ? outMint : inMint);
    return { source, pool, authority: derivedAddress('pool-authority', pool), inMint, inRaw, outMint, outRaw };
  };
  if (!pay.native && !recv.native && pay.mint !== USDC_MINT && recv.mint !== USDC_MINT) {
    // token -> token: route through WSOL, sized by the paid side's USD value
    const payUsd = ui(world, pay.mint, pay.raw) * (world.token(pay.mint).priceUsd ?? 0.0001);
    const lamports = BigInt(Math.max(1, Math.round((payUsd / world.world.solPriceUsd) * 1e9)));
    return [leg(ammFor(pay.mint), pay.mint, pay.raw, WSOL_MINT, lamports), leg(ammFor(recv.mint), WSOL_MINT, lamports, recv.mint, recv.raw)];
  }
  const tokenMint = pay.native || pay.mint === USDC_MINT ? recv.mint : pay.mint;
  return [leg(ammFor(tokenMint), pay.mint, pay.raw, recv.mint, recv.raw)];
}

function renderSwap(world: ChainFacts, wallet: string, t: Trade, base: Base, delta: number): EnhancedTransaction {
  const { pay, recv } = swapSides(world, t);
  const legs = legsOf(world, t, pay, recv);
  const pumpFun = t.source === 'PUMP_FUN';
  const tokenTransfer = (mint: string, raw: bigint, fromUser: string, fromAcct: string, toUser: string, toAcct: string): TokenTransfer => ({
    fromTokenAccount: fromAcct,
    toTokenAccount: toAcct,
    fromUserAccount: fromUser,
    toUserAccount: toUser,
    tokenAmount: ui(world, mint, raw),
    mint,
    tokenStandard: 'Fungible',
  });
  const vault = (leg: Leg, mint: string): string => derivedAddress('vault', leg.pool, mint);
  const change = (user: string, account: string, mint: string, raw: bigint): TokenBalanceChange => ({
    userAccount: user,
    tokenAccount: account,
    rawTokenAmount: { tokenAmount: raw.toString(), decimals: world.token(mint).decimals },
    mint,
  });

  const nativeTransfers: NativeTransfer[] = [];
  const tokenTransfers: TokenTransfer[] = [];
  const innerSwaps: NonNullable<EnhancedTransaction['events']['swap']>['innerSwaps'] = [];
  for (const leg of legs) {
    const skipWsol = (mint: string) => pumpFun && mint === WSOL_MINT;
    const legIn = skipWsol(leg.inMint) ? null : tokenTransfer(leg.inMint, leg.inRaw, wallet, ata(wallet, leg.inMint), leg.authority, vault(leg, leg.inMint));
    const legOut = skipWsol(leg.outMint) ? null : tokenTransfer(leg.outMint, leg.outRaw, leg.authority, vault(leg, leg.outMint), wallet, ata(wallet, leg.outMint));
    if (legIn) tokenTransfers.push(legIn);
    if (legOut) tokenTransfers.push(legOut);
    innerSwaps.push({
      tokenInputs: legIn ? [legIn] : [],
      tokenOutputs: legOut ? [legOut] : [],
      tokenFees: [],
      nativeFees: [],
      programInfo: { source: leg.source, account: PROGRAMS[leg.source as keyof typeof PROGRAMS] ?? PROGRAMS.RAYDIUM, programName: PROGRAM_NAMES[leg.source] ?? leg.source, instructionName: 'SwapEvent' },
    });
  }
  const curve = legs[0].pool;
  if (pay.native) nativeTransfers.push({ fromUserAccount: wallet, toUserAccount: pumpFun ? curve : ata(wallet, WSOL_MINT), amount: Number(pay.raw) });
  if (recv.native) nativeTransfers.push({ fromUserAccount: pumpFun ? curve : ata(wallet, WSOL_MINT), toUserAccount: wallet, amount: Number(recv.raw) });

  const failed = !!t.failed;
  const feePayer = t.feePayer ?? wallet;
  // the fee payer comes first, as it signs first
  const accountData: AccountData[] = [
    ...(sponsored(wallet, t) ? [{ account: feePayer, nativeBalanceChange: -base.fee, tokenBalanceChanges: [] }] : []),
    { account: wallet, nativeBalanceChange: delta, tokenBalanceChanges: [] },
  ];
  if (!pay.native) accountData.push({ account: ata(wallet, pay.mint), nativeBalanceChange: 0, tokenBalanceChanges: failed ? [] : [change(wallet, ata(wallet, pay.mint), pay.mint, -pay.raw)] });
  if (!recv.native) accountData.push({ account: ata(wallet, recv.mint), nativeBalanceChange: 0, tokenBalanceChanges: failed ? [] : [change(wallet, ata(wallet, recv.mint), recv.mint, recv.raw)] });
  if (pay.native || recv.native || legs.length > 1) accountData.push({ account: ata(wallet, WSOL_MINT), nativeBalanceChange: 0, tokenBalanceChanges: [] });
  for (const leg of legs) {
    const inChange = failed || (pumpFun && leg.inMint === WSOL_MINT) ? [] : [change(leg.authority, vault(leg, leg.inMint), leg.inMint, leg.inRaw)];
    const outChange = failed || (pumpFun && leg.outMint === WSOL_MINT) ? [] : [change(leg.authority, vault(leg, leg.outMint), leg.outMint, -leg.outRaw)];
    const curveNative = pumpFun && !failed ? (pay.native ? Number(pay.raw) : recv.native ? -Number(recv.raw) : 0) : 0;
    accountData.push({ account: leg.pool, nativeBalanceChange: curveNative, tokenBalanceChanges: [] });
    accountData.push({ account: vault(leg, leg.inMint), nativeBalanceChange: 0, tokenBalanceChanges: inChange });
    accountData.push({ account: vault(leg, leg.outMint), nativeBalanceChange: 0, tokenBalanceChanges: outChange });
  }
  const mainProgram = PROGRAMS[t.source];
  for (const program of new Set([PROGRAMS.COMPUTE_BUDGET, mainProgram, ...legs.map((l) => PROGRAMS[l.source as keyof typeof PROGRAMS]), SPL_TOKEN_PROGRAM_ID])) {
    accountData.push({ account: program, nativeBalanceChange: 0, tokenBalanceChanges: [] });
  }

  const inner: Instruction[] = legs.flatMap((leg) => [
    { accounts: [ata(wallet, leg.inMint), vault(leg, leg.inMint), wallet], data: ixData(base.signature, 'in', leg.pool), programId: tokenProgramId(world, leg.inMint), innerInstructions: [] },
    { accounts: [vault(leg, leg.outMint), ata(wallet, leg.outMint), leg.authority], data: ixData(base.signature, 'out', leg.pool), programId: tokenProgramId(world, leg.outMint), innerInstructions: [] },
  ]);
  const instructions: Instruction[] = [
    { accounts: [], data: ixData(base.signature, 'cu-limit'), programId: PROGRAMS.COMPUTE_BUDGET, innerInstructions: [] },
    { accounts: [], data: ixData(base.signature, 'cu-price'), programId: PROGRAMS.COMPUTE_BUDGET, innerInstructions: [] },
    { accounts: [wallet, ...legs.map((l) => l.pool), ata(wallet, recv.mint)], data: ixData(base.signature, 'swap'), programId: mainProgram, innerInstructions: failed ? [] : inner },
  ];

  const withSwapEvent = !failed && (t.source === 'JUPITER' || t.source === 'RAYDIUM' || t.source === 'ORCA');
  const describe = `${wallet} swapped ${fromRaw(pay.raw, pay.decimals)} ${pay.symbol} for ${fromRaw(recv.raw, recv.decimals)} ${recv.symbol}`;
  return {
    description: t.source === 'JUPITER' && !failed ? describe : '',
    type: 'SWAP',
    source: t.source,
    ...base,
    feePayer,
    nativeTransfers: failed ? [] : nativeTransfers,
    tokenTransfers: failed ? [] : tokenTransfers,
    accountData,
    transactionError: failed ? FAILED_SWAP_ERROR : null,
    instructions,
    events: withSwapEvent
      ? {
          swap: {
            nativeInput: pay.native ? { account: wallet, amount: pay.raw.toString() } : null,
            nativeOutput: recv.native ? { account: wallet, amount: recv.raw.toString() } : null,
            tokenInputs: pay.native ? [] : [change(wallet, ata(wallet, pay.mint), pay.mint, pay.raw)],
            tokenOutputs: recv.native ? [] : [change(wallet, ata(wallet, recv.mint), recv.mint, recv.raw)],
            tokenFees: [],
            nativeFees: [],
            innerSwaps,
          },
        }
      : {},
  };
}

function renderTransfer(world: ChainFacts, wallet: string, t: Transfer, base: Base, delta: number, key: string): EnhancedTransaction {
  const counterparty = t.counterparty ?? derivedAddress('counterparty', wallet, key);
  const incoming = t.direction === 'in';
  const from = incoming ? counterparty : wallet;
  const to = incoming ? wallet : counterparty;
  const feePayer = from;
  const failed = !!t.failed;
  if (t.mint === 'SOL') {
    const lamports = Number(toRaw(t.amount, 9));
    const other = failed ? (incoming ? -base.fee : 0) : incoming ? -lamports - base.fee : lamports;
    return {
      description: failed ? '' : `${from} transferred ${t.amount} SOL to ${to}.`,
      type: 'TRANSFER',
      source: 'SYSTEM_PROGRAM',
      ...base,
      feePayer,
      // a failed transfer still lists its native transfer (real payload); only the fee moved
      nativeTransfers: [{ fromUserAccount: from, toUserAccount: to, amount: lamports }],
      tokenTransfers: [],
      accountData: [
        { account: from, nativeBalanceChange: from === wallet ? delta : other, tokenBalanceChanges: [] },
        { account: to, nativeBalanceChange: to === wallet ? delta : failed ? 0 : other, tokenBalanceChanges: [] },
        { account: PROGRAMS.SYSTEM, nativeBalanceChange: 0, tokenBalanceChanges: [] },
      ],
      transactionError: failed ? FAILED_SOL_TRANSFER_ERROR : null,
      instructions: [{ accounts: [from, to], data: ixData(base.signature, 'transfer'), programId: PROGRAMS.SYSTEM, innerInstructions: [] }],
      events: {},
    };
  }
  const token = world.token(t.mint);
  const raw = toRaw(t.amount, token.decimals);
  const airdrop = t.kind === 'airdrop';
  const toAcct = ata(to, t.mint);
  const fromAcct = airdrop ? '' : ata(from, t.mint);
  const change = (user: string, account: string, amount: bigint): TokenBalanceChange => ({
    userAccount: user,
    tokenAccount: account,
    rawTokenAmount: { tokenAmount: amount.toString(), decimals: token.decimals },
    mint: t.mint,
  });
  const payerDelta = -base.fee;
  const accountData: AccountData[] = [
    { account: feePayer, nativeBalanceChange: feePayer === wallet ? delta : payerDelta, tokenBalanceChanges: [] },
  ];
  if (!airdrop) accountData.push({ account: fromAcct, nativeBalanceChange: 0, tokenBalanceChanges: failed ? [] : [change(from, fromAcct, -raw)] });
  accountData.push({ account: toAcct, nativeBalanceChange: 0, tokenBalanceChanges: failed ? [] : [change(to, toAcct, raw)] });
  // a token sent to the wallet's existing token account does not name the wallet (it is in the
  // transaction only through that account: EventMeta.viaTokenAccount); one it sends names the recipient as before
  if (to !== feePayer && !incoming) accountData.push({ account: to, nativeBalanceChange: 0, tokenBalanceChanges: [] });
  accountData.push({ account: tokenProgramId(world, t.mint), nativeBalanceChange: 0, tokenBalanceChanges: [] });
  if (airdrop) accountData.push({ account: t.mint, nativeBalanceChange: 0, tokenBalanceChanges: [] });
  return {
    description: failed ? '' : airdrop ? `${from} minted ${t.amount} ${token.symbol} to ${to}.` : `${from} transferred ${t.amount} ${token.symbol} to ${to}.`,
    type: airdrop ? 'TOKEN_MINT' : 'TRANSFER',
    source: 'SOLANA_PROGRAM_LIBRARY',
    ...base,
    feePayer,
    nativeTransfers: [],
    tokenTransfers: failed
      ? []
      : [{ fromUserAccount: airdrop ? '' : from, toUserAccount: to, fromTokenAccount: fromAcct, toTokenAccount: toAcct, tokenAmount: Number(t.amount), mint: t.mint, tokenStandard: token.standard ?? 'Fungible' }],
    accountData,
    transactionError: failed ? FAILED_TOKEN_TRANSFER_ERROR : null,
    instructions: [{ accounts: airdrop ? [t.mint, toAcct, from] : [fromAcct, toAcct, from], data: ixData(base.signature, 'token'), programId: tokenProgramId(world, t.mint), innerInstructions: [] }],
    events: {},
  };
}

/**
 * A SOL transfer between two addresses outside the world (world.outsideTransfers), as Helius parses
 * it: the sender pays the fee.
 */
export function renderOutsideTransfer(t: OutsideTransfer, signature: string, fee: number): EnhancedTransaction {
  const lamports = Number(toRaw(t.sol, 9));
  return {
    description: `${t.from} transferred ${t.sol} SOL to ${t.to}.`,
    type: 'TRANSFER',
    source: 'SYSTEM_PROGRAM',
    signature,
    slot: slotOf(t.ts),
    timestamp: t.ts,
    fee,
    feePayer: t.from,
    nativeTransfers: [{ fromUserAccount: t.from, toUserAccount: t.to, amount: lamports }],
    tokenTransfers: [],
    accountData: [
      { account: t.from, nativeBalanceChange: -lamports - fee, tokenBalanceChanges: [] },
      { account: t.to, nativeBalanceChange: lamports, tokenBalanceChanges: [] },
      { account: PROGRAMS.SYSTEM, nativeBalanceChange: 0, tokenBalanceChanges: [] },
    ],
    transactionError: null,
    instructions: [{ accounts: [t.from, t.to], data: ixData(signature, 'transfer'), programId: PROGRAMS.SYSTEM, innerInstructions: [] }],
    events: {},
  };
}
