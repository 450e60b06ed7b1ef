// History and export: pairs and clusters as CSV, the whole analysis as JSON.
import { Download } from 'lucide-react';
import type { AnalysisView } from '../../api/types';
import { analysisJson, clustersCsv, download, pairsCsv } from '../../lib/export';
import type { ResultView } from '../../lib/result';
import { Section } from '../../components/ui';

export function ExportButtons({ analysis, result }: { analysis: AnalysisView; result: ResultView }) {
  const base = `analysis-${analysis.analysisId}`;
  return (
    <Section title="Export">
      <div className="actions wrap">
        <button type="button" onClick={() => download(`${base}-pairs.csv`, pairsCsv(result), 'text/csv')}>
          <Download size={16} aria-hidden="true" /> Export pairs CSV
        </button>
        <button type="button" onClick={() => download(`${base}-clusters.csv`, clustersCsv(result), 'text/csv')}>
          <Download size={16} aria-hidden="true" /> Export clusters CSV
        </button>
        <button type="button" onClick={() => download(`${base}.json`, analysisJson(analysis), 'application/json')}>
          <Download size={16} aria-hidden="true" /> Export JSON
        </button>
      </div>
    </Section>
  );
}
