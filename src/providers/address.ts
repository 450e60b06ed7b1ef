// Base58 checks done before a request leaves the process, so a typo fails fast with a clear message.
import bs58 from 'bs58';

function decodedLength(value: string): number | null {
  if (!/^[1-9A-HJ-NP-Za-km-z]+$/.test(value)) return null;
  try {
    return bs58.decode(value).length;
  } catch {
    return null;
  }
}

/** A Solana public key (wallet, mint, token account): base58 of exactly 32 bytes. */
export function isPublicKey(value: string): boolean {
  return value.length >= 32 && value.length <= 44 && decodedLength(value) === 32;
}

/** A transaction signature: base58 of exactly 64 bytes. */
export function isSignature(value: string): boolean {
  return value.length >= 64 && value.length <= 90 && decodedLength(value) === 64;
}
