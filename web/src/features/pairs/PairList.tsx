// Tier two: one line per pair, sortable and filterable, virtualized (@tanstack/react-virtual) so a
// 50-wallet group's 1,225 pairs scroll smoothly. Each line is one button that opens the pair. A result
// that lists only its strongest pairs is read a page at a time instead (PagedPairList).
import { useId, useMemo, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { ArrowDown, ArrowUp } from 'lucide-react';
import type { Pair } from '../../api/types';
import { InsightIcon } from '../../components/insights';
import { TokenLabel } from '../../components/tokens';
import { ScoreBar, Section } from '../../components/ui';
import { shortAddress } from '../../lib/addresses';
import { filterPairs, insightKinds, pairKey, sortPairs, type SortField } from '../../lib/result';

export const ROW_HEIGHT = 44;

export const COLUMNS: Array<{ field: SortField; label: string }> = [
  { field: 'walletA', label: 'Wallet A' },
  { field: 'walletB', label: 'Wallet B' },
  { field: 'combined', label: 'Combined' },
  { field: 'behavior', label: 'Behavior' },
  { field: 'capital', label: 'Capital' },
  { field: 'timing', label: 'Timing' },
];

/** The tokens behind a pair's capital score, for the score bar's hover. */
export function ContributingTokens({ pair }: { pair: Pair }) {
  const tokens = (pair.sharedTokens ?? []).filter((t) => typeof t.mint === 'string').slice(0, 5);
  if (tokens.length === 0) return <span>No shared tokens</span>;
  return (
    <span className="contributing">
      <strong>Contributing tokens</strong>
      {tokens.map((t) => (
        <span key={t.mint} className="contributing-row">
          <TokenLabel mint={t.mint as string} /> {Math.round(Math.min(1, Math.max(0, t.contribution ?? 0)) * 100)} %
        </span>
      ))}
    </span>
  );
}

/**
 * One line of a pair list: a button that opens the pair, placed by the virtualizer at `start`. While
 * it has keyboard focus, the contributing tokens show under its capital bar and describe it (Escape
 * hides them), as they show to a pointer resting on a bar.
 */
export function PairRow({ pair: p, start, selected, onOpen }: { pair: Pair; start: number; selected: boolean; onOpen: (p: Pair) => void }) {
  const kinds = insightKinds(p);
  const [focused, setFocused] = useState(false);
  const tokensId = useId();
  return (
    <button
      type="button"
      className={`pair-grid pair-row${selected ? ' selected' : ''}`}
      data-testid="pair-row"
      data-wallet-a={p.walletA}
      data-wallet-b={p.walletB}
      style={{ position: 'absolute', top: 0, left: 0, width: '100%', height: ROW_HEIGHT, transform: `translateY(${start}px)` }}
      onClick={() => onOpen(p)}
      onFocus={() => setFocused(true)}
      onBlur={() => setFocused(false)}
      onKeyDown={(e) => e.key === 'Escape' && setFocused(false)}
      aria-describedby={focused ? tokensId : undefined}
      title={`Open pair ${p.walletA} and ${p.walletB}`}
    >
      <span className="mono">{shortAddress(p.walletA ?? '')}</span>
      <span className="mono">{shortAddress(p.walletB ?? '')}</span>
      <ScoreBar value={p.scores?.combined} label="Combined" hover={<ContributingTokens pair={p} />} />
      <ScoreBar value={p.scores?.behavior} label="Behavior" />
      <ScoreBar value={p.scores?.capital} label="Capital" hover={<ContributingTokens pair={p} />} hoverId={tokensId} focused={focused} />
      <ScoreBar value={p.scores?.timing} label="Timing" />
      <span className="insight-icons">
        {kinds.slice(0, 5).map((kind) => (
          <InsightIcon key={kind} type={kind} />
        ))}
      </span>
    </button>
  );
}

/** The pair lists' minimum-combined filter (a fraction as text: "0" means any). */
export function MinCombinedSelect({ value, onChange }: { value: string; onChange: (value: string) => void }) {
  return (
    <>
      <label htmlFor="pair-min">Minimum combined</label>
      <select id="pair-min" value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="0">any</option>
        <option value="0.3">30 %</option>
        <option value="0.5">50 %</option>
        <option value="0.7">70 %</option>
      </select>
    </>
  );
}

export function PairList({ pairs, onOpen, selected }: { pairs: Pair[]; onOpen: (p: Pair) => void; selected: Pair | null }) {
  const [sort, setSort] = useState<{ field: SortField; desc: boolean }>({ field: 'combined', desc: true });
  const [filter, setFilter] = useState('');
  const [minCombined, setMinCombined] = useState('0');
  const shown = useMemo(() => sortPairs(filterPairs(pairs, filter, Number(minCombined)), sort.field, sort.desc), [pairs, filter, minCombined, sort]);
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: shown.length, getScrollElement: () => scroller.current, estimateSize: () => ROW_HEIGHT, overscan: 12, initialRect: { width: 800, height: 480 } });
  const selectedKey = selected ? pairKey(selected) : null;

  return (
    <Section title="Pairs">
      <div className="filters">
        <label htmlFor="pair-filter">Filter by wallet</label>
        <input id="pair-filter" type="search" value={filter} onChange={(e) => setFilter(e.target.value)} placeholder="part of an address" className="mono" />
        <MinCombinedSelect value={minCombined} onChange={setMinCombined} />
        <span className="muted" aria-live="polite">
          {shown.length} of {pairs.length} pairs
        </span>
      </div>
      <div className="pair-grid pair-head" role="presentation">
        {COLUMNS.map((c) => (
          <button key={c.field} type="button" className="sort" aria-label={`Sort by ${c.label}${sort.field === c.field ? (sort.desc ? ', descending' : ', ascending') : ''}`} onClick={() => setSort((s) => ({ field: c.field, desc: s.field === c.field ? !s.desc : true }))}>
            {c.label}
            {sort.field === c.field ? sort.desc ? <ArrowDown size={14} aria-hidden="true" /> : <ArrowUp size={14} aria-hidden="true" /> : null}
          </button>
        ))}
        <span>Insight</span>
      </div>
      {/* focusable by script only: closing a pair whose row is gone returns focus here */}
      <div ref={scroller} className="pair-scroll" tabIndex={-1} data-testid="pair-list" data-pair-count={pairs.length}>
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((item) => {
            const p = shown[item.index];
            return <PairRow key={pairKey(p)} pair={p} start={item.start} selected={selectedKey === pairKey(p)} onOpen={onOpen} />;
          })}
        </div>
      </div>
    </Section>
  );
}
