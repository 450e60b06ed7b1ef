// Deterministic chain identifiers. Addresses are base58 of a 32-byte hash of a label; transaction
// signatures are 64 bytes that embed (wallet index, event index) under a hash mask, so a cursor or a
// POST /v0/transactions signature maps back to its event without any index in memory.
import { ed25519 } from '@noble/curves/ed25519';
import bs58 from 'bs58';
import { createHash } from 'node:crypto';
import { isOnCurve } from '../domain/holders/on-curve';
import { seededRandom } from '../domain/random';

/** the simulator's generator and faults use the domain's seeded RNG */
export { seededRandom };

/**
 * Addresses derived so far, by label: rendering a history page derives the same token accounts,
 * pools and vaults again and again (a hash and a base58 encoding each, most of a page's CPU). Bounded:
 * cleared when full, so a long-running simulator over a large world keeps a few tens of MB at most.
 */
const derived = new Map<string, string>();
const DERIVED_CACHE_ENTRIES = 200_000;

/** A stable public key for any label, e.g. derivedAddress('ata', wallet, mint). */
export function derivedAddress(...parts: string[]): string {
  const label = parts.join('|');
  const known = derived.get(label);
  if (known !== undefined) return known;
  const address = bs58.encode(createHash('sha256').update(label).digest());
  if (derived.size >= DERIVED_CACHE_ENTRIES) derived.clear();
  derived.set(label, address);
  return address;
}

export function hashBytes(...parts: string[]): Buffer {
  return createHash('sha512').update(parts.join('|')).digest();
}

/** A signature for event `eventIndex` (chronological) of wallet `walletIndex`. */
export function encodeSignature(worldSalt: string, walletAddress: string, walletIndex: number, eventIndex: number): string {
  const bytes = hashBytes('sig', worldSalt, walletAddress, String(eventIndex));
  const ids = Buffer.alloc(8);
  ids.writeUInt32BE(walletIndex, 0);
  ids.writeUInt32BE(eventIndex, 4);
  for (let i = 0; i < 8; i++) bytes[i] = ids[i] ^ bytes[56 + i];
  return bs58.encode(bytes);
}

/**
 * The (walletIndex, eventIndex) a signature was made for, or null for foreign or malformed ones.
 * `addressOf` returns the wallet address for an index (undefined when out of range).
 */
export function decodeSignature(
  signature: string,
  worldSalt: string,
  addressOf: (walletIndex: number) => string | undefined,
): { walletIndex: number; eventIndex: number } | null {
  let bytes: Uint8Array;
  try {
    bytes = bs58.decode(signature);
  } catch {
    return null;
  }
  if (bytes.length !== 64) return null;
  const ids = Buffer.alloc(8);
  for (let i = 0; i < 8; i++) ids[i] = bytes[i] ^ bytes[56 + i];
  const walletIndex = ids.readUInt32BE(0);
  const eventIndex = ids.readUInt32BE(4);
  const address = addressOf(walletIndex);
  if (address === undefined) return null;
  const expected = hashBytes('sig', worldSalt, address, String(eventIndex));
  for (let i = 8; i < 64; i++) if (expected[i] !== bytes[i]) return null;
  return { walletIndex, eventIndex };
}

/** Raw integer units from a decimal UI string: ("1000.5", 6) -> 1000500000n. Extra decimals are truncated. */
export function toRaw(ui: string, decimals: number): bigint {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(ui.trim());
  if (!m) throw new Error(`not a non-negative decimal string: ${JSON.stringify(ui)}`);
  const frac = (m[2] ?? '').slice(0, decimals).padEnd(decimals, '0');
  return BigInt(m[1]) * 10n ** BigInt(decimals) + (decimals > 0 ? BigInt(frac || '0') : 0n);
}

/** Decimal UI string from raw units: (1000500000n, 6) -> "1000.5". */
export function fromRaw(raw: bigint, decimals: number): string {
  const negative = raw < 0n;
  const abs = negative ? -raw : raw;
  const scale = 10n ** BigInt(decimals);
  const whole = abs / scale;
  const frac = decimals > 0 ? (abs % scale).toString().padStart(decimals, '0').replace(/0+$/, '') : '';
  return `${negative ? '-' : ''}${whole}${frac ? `.${frac}` : ''}`;
}

/** A JS number as a plain decimal string (no exponent), up to 12 significant digits. */
export function plainDecimal(n: number): string {
  if (!Number.isFinite(n)) return '0';
  if (n === 0) return '0';
  const digits = Math.max(0, Math.min(30, 11 - Math.floor(Math.log10(Math.abs(n)))));
  const s = n.toFixed(digits);
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}


/** A stable address that is an ed25519 public key (an ordinary wallet): the key of a seed derived from the label. */
export function walletAddress(...parts: string[]): string {
  return bs58.encode(ed25519.getPublicKey(createHash('sha256').update(['wallet-key', ...parts].join('|')).digest()));
}

/** A stable address off the ed25519 curve (as program-derived addresses are): the first such hash of the label. */
export function programDerivedAddress(...parts: string[]): string {
  for (let bump = 255; ; bump--) {
    const candidate = derivedAddress('pda', ...parts, String(bump));
    if (!isOnCurve(candidate)) return candidate;
  }
}
