// Tier one: how many wallets and pairs, how many pairs score above 0.5 on behavior and on capital,
// clusters, coverage warnings, the most common tokens and the spread of combined scores. A result
// that lists only its strongest pairs says how many it lists of how many; the counts above 0.5 are
// then of the listed pairs.
import { useMemo } from 'react';
import { TriangleAlert } from 'lucide-react';
import { TokenLabel } from '../../components/tokens';
import { Section } from '../../components/ui';
import { countAbove, coverageWarnings, type ResultView } from '../../lib/result';
import { shortAddress } from '../../lib/addresses';

export function Sparkline({ bins }: { bins: number[] }) {
  const max = Math.max(1, ...bins);
  const w = 120;
  const h = 32;
  const step = bins.length > 1 ? w / (bins.length - 1) : w;
  const points = bins.map((b, i) => `${(i * step).toFixed(1)},${(h - (b / max) * (h - 2) - 1).toFixed(1)}`).join(' ');
  const label = `Combined score distribution in ten bins from 0 to 1: ${bins.join(', ')}`;
  return (
    <svg className="sparkline" width={w} height={h} viewBox={`0 0 ${w} ${h}`} role="img" aria-label={label}>
      <polyline points={points} fill="none" stroke="currentColor" strokeWidth={2} />
    </svg>
  );
}

export function SummaryCard({ view, failed }: { view: ResultView; failed: ReadonlyArray<{ wallet: string; reason: string }> }) {
  const stats = useMemo(
    () => ({
      behavior: countAbove(view.pairs, 'behavior'),
      capital: countAbove(view.pairs, 'capital'),
      warnings: coverageWarnings(view, failed),
    }),
    [view, failed],
  );
  const tokens = view.commonTokens.slice(0, 8);
  const maxTraded = Math.max(1, ...tokens.map((t) => t.tradedBy ?? 0));
  const listed = view.pairsComplete ? '' : ' (listed)';
  return (
    <Section title="Summary" testId="summary-card">
      <dl className="stats">
        <div>
          <dt>Wallets</dt>
          <dd>{view.wallets.length}</dd>
        </div>
        <div>
          <dt>Pairs</dt>
          <dd>{view.pairCount}</dd>
        </div>
        {view.pairsComplete ? null : (
          <div data-testid="pairs-listed">
            <dt>Listed</dt>
            <dd>
              {view.pairs.length} strongest
            </dd>
          </div>
        )}
        <div>
          <dt>Behavior ≥ 0.5{listed}</dt>
          <dd>{stats.behavior}</dd>
        </div>
        <div>
          <dt>Capital ≥ 0.5{listed}</dt>
          <dd>{stats.capital}</dd>
        </div>
        <div>
          <dt>Clusters</dt>
          <dd>{view.clusters.length}</dd>
        </div>
        <div>
          <dt>Score spread</dt>
          <dd>
            <Sparkline bins={view.histogram} />
          </dd>
        </div>
      </dl>
      {stats.warnings.length > 0 ? (
        <details className="warnings">
          <summary>
            <TriangleAlert size={16} aria-hidden="true" /> {stats.warnings.length} coverage {stats.warnings.length === 1 ? 'warning' : 'warnings'}
          </summary>
          <ul>
            {stats.warnings.map((w, i) => (
              <li key={i}>
                <span className="mono">{shortAddress(w.wallet)}</span>: {w.reason}
              </li>
            ))}
          </ul>
        </details>
      ) : (
        <p className="muted">No coverage warnings.</p>
      )}
      <h3>Most common tokens</h3>
      <ul className="histogram" aria-label="Most common tokens by wallets trading them">
        {tokens.map((t) => (
          <li key={t.mint}>
            <TokenLabel mint={t.mint as string} />
            <span className="hbar" aria-hidden="true">
              <span style={{ width: `${Math.min(100, ((t.tradedBy ?? 0) / maxTraded) * 100)}%` }} />
            </span>
            <span className="muted">
              {t.tradedBy ?? 0} traded · {t.heldBy ?? 0} hold
            </span>
          </li>
        ))}
      </ul>
    </Section>
  );
}
