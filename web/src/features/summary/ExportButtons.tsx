// History and export: pairs and clusters as CSV, the whole analysis as JSON. When the result lists
// only its strongest pairs, the pairs CSV reads every pair from the API a page at a time, with its
// progress shown and a button to cancel.
import { useEffect, useRef, useState } from 'react';
import { Download, X } from 'lucide-react';
import { api } from '../../api/client';
import type { AnalysisView } from '../../api/types';
import { analysisJson, clustersCsv, download, pagedPairsCsv, pairsCsv } from '../../lib/export';
import type { ResultView } from '../../lib/result';
import { Section } from '../../components/ui';

interface Export {
  read: number;
  total: number | null;
}

export function ExportButtons({ analysis, result }: { analysis: AnalysisView; result: ResultView }) {
  const base = `analysis-${analysis.analysisId}`;
  const [running, setRunning] = useState<Export | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const controller = useRef<AbortController | null>(null);
  useEffect(() => () => controller.current?.abort(), []);

  const exportPairs = async () => {
    if (result.pairsComplete) {
      download(`${base}-pairs.csv`, pairsCsv(result), 'text/csv');
      return;
    }
    const c = new AbortController();
    controller.current = c;
    setMessage(null);
    setRunning({ read: 0, total: result.pairCount });
    let exported = 0;
    try {
      const parts = await pagedPairsCsv((query, signal) => api.pairs(analysis.analysisId, query, signal), {
        signal: c.signal,
        onProgress: (read, total) => {
          exported = read;
          setRunning({ read, total });
        },
      });
      download(`${base}-pairs.csv`, parts, 'text/csv');
      setMessage(`Exported ${exported} pairs.`);
    } catch (e) {
      setMessage(c.signal.aborted ? 'Export cancelled.' : `Export failed: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      if (controller.current === c) controller.current = null;
      setRunning(null);
    }
  };

  return (
    <Section title="Export">
      <div className="actions wrap">
        <button type="button" onClick={() => void exportPairs()} disabled={running !== null}>
          <Download size={16} aria-hidden="true" /> Export pairs CSV
        </button>
        <button type="button" onClick={() => download(`${base}-clusters.csv`, clustersCsv(result), 'text/csv')}>
          <Download size={16} aria-hidden="true" /> Export clusters CSV
        </button>
        <button type="button" onClick={() => download(`${base}.json`, analysisJson(analysis), 'application/json')}>
          <Download size={16} aria-hidden="true" /> Export JSON
        </button>
      </div>
      {!result.pairsComplete ? <p className="note">The result lists the strongest {result.pairs.length} of {result.pairCount} pairs; the pairs CSV reads all of them from the API, and the JSON holds the listed ones.</p> : null}
      {running ? (
        <div className="export-progress" data-testid="export-progress">
          <progress max={running.total ?? undefined} value={running.read} aria-label="Pairs exported" />
          <span aria-live="polite">
            {running.read} of {running.total ?? '…'} pairs read
          </span>
          <button type="button" onClick={() => controller.current?.abort()}>
            <X size={16} aria-hidden="true" /> Cancel export
          </button>
        </div>
      ) : null}
      {message ? (
        <p className="muted" role="status">
          {message}
        </p>
      ) : null}
    </Section>
  );
}
