// Tier two for a result that lists only its strongest pairs (a big group: up to 499,500 pairs): the
// list's length is what the API says matches, and its pages (GET /v1/analyses/{id}/pairs) are read
// as the reader scrolls towards rows not read yet. The filters are the API's (`minScore`, `wallet`),
// because the pairs not read yet cannot be filtered here; the order is the API's, strongest first.
import { useEffect, useMemo, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { Pair } from '../../api/types';
import { ErrorNote, Section } from '../../components/ui';
import { pairKey, walletOfFilter } from '../../lib/result';
import { COLUMNS, MinCombinedSelect, PairRow, ROW_HEIGHT } from './PairList';
import { usePairPages } from './usePairPages';

/** Pairs per page while scrolling: a few screens at a time. */
export const SCROLL_PAGE_SIZE = 200;
const OVERSCAN = 12;

export function PagedPairList({
  analysisId,
  wallets,
  pairCount,
  onOpen,
  selected,
}: {
  analysisId: string;
  /** the group, for the wallet filter */
  wallets: string[];
  /** pairs of the whole analysis (the result's pairCount), shown until the first page answers */
  pairCount: number;
  onOpen: (p: Pair) => void;
  selected: Pair | null;
}) {
  const [filter, setFilter] = useState('');
  const [minCombined, setMinCombined] = useState('0');
  const target = useMemo(() => walletOfFilter(wallets, filter), [wallets, filter]);
  const query = useMemo(() => ({ limit: SCROLL_PAGE_SIZE, minScore: Number(minCombined) || undefined, wallet: target.wallet ?? undefined }), [minCombined, target.wallet]);
  const pages = usePairPages(analysisId, query);
  const total = pages.matched ?? 0;
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: total, getScrollElement: () => scroller.current, estimateSize: () => ROW_HEIGHT, overscan: OVERSCAN, initialRect: { width: 800, height: 480 } });
  const items = virtualizer.getVirtualItems();
  const last = items.length > 0 ? items[items.length - 1].index : -1;
  const selectedKey = selected ? pairKey(selected) : null;

  // rows on screen that are not read yet: read the next page (the one after it follows on the next render)
  const { more, pairs, loading, done, error } = pages;
  useEffect(() => {
    if (!loading && !done && !error && last >= pairs.length) more();
  }, [last, pairs.length, loading, done, error, more]);

  const all = pages.pairCount ?? pairCount;
  return (
    <Section title="Pairs">
      <div className="filters">
        <label htmlFor="pair-filter">Filter by wallet</label>
        <input id="pair-filter" type="search" value={filter} onChange={(e) => setFilter(e.target.value)} placeholder="an address of the group" className="mono" aria-describedby="pair-filter-issue" />
        <MinCombinedSelect value={minCombined} onChange={setMinCombined} />
        <span className="muted" aria-live="polite" data-testid="pair-list-count">
          {pages.matched === null ? `loading … of ${all} pairs` : `${pages.matched} of ${all} pairs`}
          {pages.matched !== null && !done ? ` (${pairs.length} read)` : ''}
        </span>
      </div>
      <p id="pair-filter-issue" className="note">
        {target.issue ?? 'Strongest first; pages are read from the API as you scroll, and the filters are applied there.'}
      </p>
      {error ? <ErrorNote message={error} onRetry={pages.retry} /> : null}
      <div className="pair-grid pair-head" role="presentation">
        {COLUMNS.map((c) => (
          <span key={c.field}>{c.label}</span>
        ))}
        <span>Insight</span>
      </div>
      {/* focusable by script only: closing a pair whose row is gone returns focus here */}
      <div ref={scroller} className="pair-scroll" tabIndex={-1} data-testid="pair-list" data-pair-count={all} data-matched={pages.matched ?? undefined} data-paged="true" aria-busy={loading}>
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((item) => {
            const p = pairs[item.index];
            if (!p)
              return (
                <div key={`pending-${item.index}`} className="pair-row pair-pending muted" data-testid="pair-pending" style={{ position: 'absolute', top: 0, left: 0, width: '100%', height: ROW_HEIGHT, transform: `translateY(${item.start}px)` }}>
                  Loading pair {item.index + 1} …
                </div>
              );
            return <PairRow key={pairKey(p)} pair={p} start={item.start} selected={selectedKey === pairKey(p)} onOpen={onOpen} />;
          })}
        </div>
      </div>
    </Section>
  );
}
