// Turning what an analyst pastes or uploads into wallet addresses, marking invalid and duplicate
// entries before anything is sent. CSV files are parsed in the browser with papaparse; the address
// column is the one whose cells are most often valid addresses.
import Papa from 'papaparse';
import { isSolanaAddress } from './addresses';

export type EntryIssue = 'invalid' | 'duplicate';

export interface WalletEntry {
  /** 1-based line (text) or row (CSV) the entry came from */
  line: number;
  value: string;
  issue: EntryIssue | null;
}

export interface ParsedWallets {
  entries: WalletEntry[];
  /** valid addresses, first occurrence only, in input order */
  wallets: string[];
}

function classify(items: Array<{ line: number; value: string }>): ParsedWallets {
  const seen = new Set<string>();
  const entries: WalletEntry[] = items.map(({ line, value }) => {
    if (!isSolanaAddress(value)) return { line, value, issue: 'invalid' };
    if (seen.has(value)) return { line, value, issue: 'duplicate' };
    seen.add(value);
    return { line, value, issue: null };
  });
  return { entries, wallets: [...seen] };
}

/** One address per line or comma-separated (also spaces, tabs, semicolons); blank pieces are skipped. */
export function parseWalletText(text: string): ParsedWallets {
  const items: Array<{ line: number; value: string }> = [];
  text.split(/\r?\n/).forEach((row, i) => {
    for (const piece of row.split(/[,;\s]+/)) {
      const value = piece.trim().replace(/^["']|["']$/g, '');
      if (value !== '') items.push({ line: i + 1, value });
    }
  });
  return classify(items);
}

export interface ParsedCsv extends ParsedWallets {
  /** index of the address column, or null when no column holds a valid address */
  column: number | null;
  /** its header when the file has one */
  header: string | null;
  rows: number;
}

/** Finds the address column of a CSV file (any delimiter papaparse detects) and reads it. */
export function parseWalletCsv(text: string): ParsedCsv {
  const { data } = Papa.parse<string[]>(text.trim(), { skipEmptyLines: 'greedy' });
  const rows = data.map((r) => r.map((c) => (c ?? '').trim()));
  const width = Math.max(0, ...rows.map((r) => r.length));
  let column: number | null = null;
  let best = 0;
  for (let c = 0; c < width; c++) {
    const valid = rows.filter((r) => isSolanaAddress(r[c] ?? '')).length;
    if (valid > best) {
      best = valid;
      column = c;
    }
  }
  if (column === null) return { entries: [], wallets: [], column: null, header: null, rows: rows.length };
  const col = column;
  // a first row that is not an address while most others are is the header
  const hasHeader = rows.length > 0 && !isSolanaAddress(rows[0][col] ?? '') && best > 0;
  const header = hasHeader ? rows[0][col] ?? null : null;
  const items = rows.flatMap((r, i) => (hasHeader && i === 0 ? [] : [{ line: i + 1, value: r[col] ?? '' }])).filter((it) => it.value !== '');
  return { ...classify(items), column: col, header, rows: rows.length };
}
