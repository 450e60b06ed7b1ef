// Whether an address is an ed25519 point: ordinary wallets (keypairs) are, program-derived
// addresses (PDAs: pool vaults, AMM and bonding-curve authorities, escrows) are not by construction.
// The same test as @solana/web3.js PublicKey.isOnCurve, on @noble/curves.
import { ed25519 } from '@noble/curves/ed25519';
import bs58 from 'bs58';

/** The 32 bytes a base58 address decodes to, or null when it is no base58 or not 32 bytes long. */
export function addressBytes(address: string): Uint8Array | null {
  let bytes: Uint8Array;
  try {
    bytes = bs58.decode(address);
  } catch {
    return null;
  }
  return bytes.length === 32 ? bytes : null;
}

/** True when the base58 address decodes to 32 bytes that are a point of the ed25519 curve. */
export function isOnCurve(address: string): boolean {
  const bytes = addressBytes(address);
  if (bytes === null) return false;
  try {
    ed25519.ExtendedPoint.fromHex(bytes);
    return true;
  } catch {
    return false;
  }
}
