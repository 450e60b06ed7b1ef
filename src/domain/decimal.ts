// Exact decimal helpers over raw integer token amounts. Raw amounts are BigInt; UI amounts are
// decimal strings derived from them, never from floats.

/** A UI amount as an exact decimal string: `formatUnits(9354889794n, 8) === "93.54889794"`. */
export function formatUnits(raw: bigint, decimals: number): string {
  const negative = raw < 0n;
  const digits = (negative ? -raw : raw).toString();
  if (decimals === 0) return negative ? `-${digits}` : digits;
  const padded = digits.length <= decimals ? '0'.repeat(decimals - digits.length + 1) + digits : digits;
  const cut = padded.length - decimals;
  let fraction = padded.slice(cut);
  let end = fraction.length;
  while (end > 0 && fraction.charCodeAt(end - 1) === 48) end--;
  fraction = fraction.slice(0, end);
  const whole = padded.slice(0, cut);
  const text = fraction.length > 0 ? `${whole}.${fraction}` : whole;
  return negative ? `-${text}` : text;
}

/**
 * Parses a decimal string ("12.5", "-0.001", "3") into a raw integer at `decimals` places.
 * Extra fractional digits beyond `decimals` are truncated toward zero.
 */
export function parseUnits(text: string, decimals: number): bigint {
  const trimmed = text.trim();
  if (!/^-?\d+(\.\d+)?$/.test(trimmed)) {
    throw new InvalidDecimalError(`not a decimal number: '${text}'`);
  }
  const negative = trimmed.startsWith('-');
  const body = negative ? trimmed.slice(1) : trimmed;
  const [whole, fraction = ''] = body.split('.');
  const scaled = BigInt(whole + fraction.slice(0, decimals).padEnd(decimals, '0'));
  return negative ? -scaled : scaled;
}

/** Compares two non-exponent decimal strings exactly: -1, 0 or 1. */
export function compareDecimals(a: string, b: string): number {
  const places = Math.max(fractionDigits(a), fractionDigits(b));
  const x = parseUnits(a, places);
  const y = parseUnits(b, places);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Lamports (integer) to SOL as a float, for valuation only. */
export function lamportsToSol(lamports: bigint): number {
  return Number(lamports) / 1e9;
}

/** Ratio of two raw amounts as a float (for apportioning SOL values, never for amounts). */
export function rawRatio(part: bigint, whole: bigint): number {
  if (whole === 0n) return 0;
  return Number(part) / Number(whole);
}

function fractionDigits(text: string): number {
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : text.length - dot - 1;
}

export class InvalidDecimalError extends Error {
  override name = 'InvalidDecimalError';
}
