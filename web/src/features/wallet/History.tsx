// The analyses of one wallet that this key may see, newest first (GET /v1/analyses?wallet=).
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { api } from '../../api/client';
import type { AnalysisListItem } from '../../api/types';
import { Skeleton } from '../../components/ui';

export function History({ wallet }: { wallet: string }) {
  const [history, setHistory] = useState<AnalysisListItem[] | null>(null);
  useEffect(() => {
    let stale = false;
    setHistory(null);
    api
      .analysesOf(wallet)
      .then((h) => !stale && setHistory([...(h.analyses ?? [])].sort((a, b) => String(b.createdAt).localeCompare(String(a.createdAt)))))
      .catch(() => !stale && setHistory([]));
    return () => {
      stale = true;
    };
  }, [wallet]);
  if (history === null) return <Skeleton lines={2} label="Loading history" />;
  if (history.length === 0) return <p className="muted">None visible.</p>;
  return (
    <ol className="history" data-testid="history">
      {history.map((h) => (
        <li key={h.analysisId}>
          <Link to={`/analyses/${h.analysisId}`}>{h.createdAt ? new Date(h.createdAt).toLocaleString() : h.analysisId}</Link> · {h.status} · {h.wallets?.length ?? 0} wallets
        </li>
      ))}
    </ol>
  );
}
