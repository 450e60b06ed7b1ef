// Solana addresses as the API checks them: base58 that decodes to exactly 32 bytes.
import bs58 from 'bs58';

const BASE58 = /^[1-9A-HJ-NP-Za-km-z]{32,44}$/;

export function isSolanaAddress(text: string): boolean {
  if (!BASE58.test(text)) return false;
  try {
    return bs58.decode(text).length === 32;
  } catch {
    return false;
  }
}

/** "AbCd…WxYz": enough to tell addresses apart at a glance. */
export function shortAddress(address: string, keep = 4): string {
  return address.length <= keep * 2 + 1 ? address : `${address.slice(0, keep)}…${address.slice(-keep)}`;
}
