// Exports: pairs and clusters as CSV (RFC 4180 quoting via papaparse), the whole view as JSON. A
// result that lists only its strongest pairs exports every pair by reading the API's pages
// (pagedPairsCsv): each page becomes CSV text at once, so the pair objects are never all held.
import Papa from 'papaparse';
import type { AnalysisView, Pair, PairsPage, PairsQuery } from '../api/types';
import type { ResultView } from './result';
import { finite } from './scores';

const SCORE_COLUMNS = ['combined', 'capital', 'behavior', 'timing', 'binary', 'jaccardTraded', 'jaccardHeld', 'funding', 'bundle', 'rarity', 'similarity'] as const;

const PAIR_FIELDS = ['walletA', 'walletB', ...SCORE_COLUMNS, 'strength', 'sharedTokenCount', 'insights'];

function pairRows(pairs: readonly Pair[]): unknown[][] {
  return pairs.map((p) => [
    p.walletA ?? '',
    p.walletB ?? '',
    ...SCORE_COLUMNS.map((c) => finite(p.scores?.[c]) ?? ''),
    p.strength ?? '',
    p.sharedTokenCount ?? '',
    (p.insights ?? []).map((i) => i.type).join('; '),
  ]);
}

export function pairsCsv(view: ResultView): string {
  return Papa.unparse({ fields: PAIR_FIELDS, data: pairRows(view.pairs) });
}

/** Pairs per page when exporting: the most the API serves. */
export const EXPORT_PAGE_SIZE = 1000;

/**
 * Every pair of an analysis as CSV, the same columns as pairsCsv, read page by page through
 * `fetchPage` (the API client's pairs call). Returns the CSV in parts (one per page) for a Blob;
 * `onProgress` hears the pairs read so far and the total; `signal` stops it between pages (and
 * aborts the page in flight), rejecting with an AbortError.
 */
export async function pagedPairsCsv(
  fetchPage: (query: PairsQuery, signal?: AbortSignal) => Promise<PairsPage>,
  opts: { onProgress?: (read: number, total: number) => void; signal?: AbortSignal; pageSize?: number } = {},
): Promise<string[]> {
  // the header as a row of its own: unparse({fields, data: []}) would end it with a line break
  const parts: string[] = [Papa.unparse([PAIR_FIELDS])];
  let cursor: string | undefined;
  let read = 0;
  for (;;) {
    opts.signal?.throwIfAborted();
    const page = await fetchPage({ limit: opts.pageSize ?? EXPORT_PAGE_SIZE, ...(cursor ? { cursor } : {}) }, opts.signal);
    if (page.pairs.length > 0) parts.push(`\r\n${Papa.unparse(pairRows(page.pairs))}`);
    read += page.pairs.length;
    opts.onProgress?.(read, page.matched);
    if (page.nextCursor === null) return parts;
    cursor = page.nextCursor;
  }
}

export function clustersCsv(view: ResultView): string {
  const rows = view.clusters.map((c, i) => [i + 1, (c.members ?? []).length, (c.members ?? []).join(' '), finite(c.meanCombined) ?? '', finite(c.confidence) ?? '', c.edgeCount ?? '']);
  return Papa.unparse({ fields: ['cluster', 'size', 'members', 'meanCombined', 'confidence', 'edgeCount'], data: rows });
}

export function analysisJson(view: AnalysisView): string {
  return JSON.stringify(view, null, 2);
}

export function download(filename: string, text: string | string[], type: string): void {
  const url = URL.createObjectURL(new Blob(typeof text === 'string' ? [text] : text, { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
