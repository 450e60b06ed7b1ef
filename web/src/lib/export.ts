// Exports: pairs and clusters as CSV (RFC 4180 quoting via papaparse), the whole view as JSON.
import Papa from 'papaparse';
import type { AnalysisView } from '../api/types';
import type { ResultView } from './result';
import { finite } from './scores';

const SCORE_COLUMNS = ['combined', 'capital', 'behavior', 'timing', 'binary', 'jaccardTraded', 'jaccardHeld', 'funding', 'bundle', 'rarity', 'similarity'] as const;

export function pairsCsv(view: ResultView): string {
  const rows = view.pairs.map((p) => [
    p.walletA ?? '',
    p.walletB ?? '',
    ...SCORE_COLUMNS.map((c) => finite(p.scores?.[c]) ?? ''),
    p.strength ?? '',
    p.sharedTokenCount ?? '',
    (p.insights ?? []).map((i) => i.type).join('; '),
  ]);
  return Papa.unparse({ fields: ['walletA', 'walletB', ...SCORE_COLUMNS, 'strength', 'sharedTokenCount', 'insights'], data: rows });
}

export function clustersCsv(view: ResultView): string {
  const rows = view.clusters.map((c, i) => [i + 1, (c.members ?? []).length, (c.members ?? []).join(' '), finite(c.meanCombined) ?? '', finite(c.confidence) ?? '', c.edgeCount ?? '']);
  return Papa.unparse({ fields: ['cluster', 'size', 'members', 'meanCombined', 'confidence', 'edgeCount'], data: rows });
}

export function analysisJson(view: AnalysisView): string {
  return JSON.stringify(view, null, 2);
}

export function download(filename: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
