// Builders for hand-written transfers (detection unit tests).
import { parseUnits } from '../decimal';
import type { WalletTransfer } from '../detection/types';

let sequence = 0;

/** A SOL transfer of `sol` SOL (a decimal string) at unix second `t`; slot = t. */
export function solTransfer(wallet: string, counterparty: string, direction: 'in' | 'out', sol: string, t: number): WalletTransfer {
  sequence++;
  return {
    wallet,
    counterparty,
    direction,
    asset: 'SOL',
    amount: sol,
    rawAmount: parseUnits(sol, 9).toString(),
    decimals: 9,
    amountExact: true,
    signature: `sig-t${sequence}`,
    slot: t,
    timestamp: t,
  };
}

/** The same transfer seen from both sides: `from` sends, `to` receives, one signature. */
export function solPayment(from: string, to: string, sol: string, t: number): [WalletTransfer, WalletTransfer] {
  const out = solTransfer(from, to, 'out', sol, t);
  return [out, { ...out, wallet: to, counterparty: from, direction: 'in' }];
}

/** An NFT sale through a market (`NFT_SALE_ASSET`) seen from both sides: `seller` sells `nft` to `buyer` for `sol` SOL, one signature. */
export function nftSale(seller: string, buyer: string, nft: string, sol: string, t: number): [WalletTransfer, WalletTransfer] {
  const out: WalletTransfer = { ...solTransfer(seller, buyer, 'out', sol, t), asset: 'NFT_SALE', nft };
  return [out, { ...out, wallet: buyer, counterparty: seller, direction: 'in' }];
}
