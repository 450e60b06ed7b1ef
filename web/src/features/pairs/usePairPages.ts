// The pages of an analysis's pairs (GET /v1/analyses/{id}/pairs), read in order as the reader asks
// for more: the cursor is opaque, so page n+1 needs page n. A new query (filter) starts over and
// aborts the page still in flight, so a late answer never lands in the wrong list. A page that
// failed stops the reading until `retry` asks for it again.
import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from '../../api/client';
import { useApiKey } from '../../api/api-key';
import type { Pair, PairsQuery } from '../../api/types';

export interface PairPages {
  /** the pairs read so far, strongest first */
  pairs: Pair[];
  /** pairs matching the query over all pages; null before the first page */
  matched: number | null;
  /** pairs of the whole analysis; null before the first page */
  pairCount: number | null;
  loading: boolean;
  error: string | null;
  /** every matching pair is read */
  done: boolean;
  /** reads the next page unless one is on its way or the last is read */
  more: () => void;
  /** after a page failed: forgets the error and reads that page again */
  retry: () => void;
}

interface State {
  pairs: Pair[];
  matched: number | null;
  pairCount: number | null;
  cursor: string | null;
  done: boolean;
  error: string | null;
}

const fresh: State = { pairs: [], matched: null, pairCount: null, cursor: null, done: false, error: null };

export function usePairPages(analysisId: string, query: Omit<PairsQuery, 'cursor'>, enabled = true): PairPages {
  const { version } = useApiKey();
  const [state, setState] = useState<State>(fresh);
  const [loading, setLoading] = useState(false);
  const inFlight = useRef<AbortController | null>(null);
  const key = `${analysisId}|${query.limit ?? ''}|${query.minScore ?? ''}|${query.wallet ?? ''}|${version}`;
  const current = useRef({ key, state });
  current.current = { key, state };

  const more = useCallback(() => {
    const { key: at, state: s } = current.current;
    if (!enabled || inFlight.current || s.done || s.error) return;
    const controller = new AbortController();
    inFlight.current = controller;
    setLoading(true);
    api
      .pairs(analysisId, { ...query, ...(s.cursor ? { cursor: s.cursor } : {}) }, controller.signal)
      .then((page) => {
        if (controller.signal.aborted || current.current.key !== at) return;
        setState((prev) => ({
          pairs: prev.pairs.concat(page.pairs),
          matched: page.matched,
          pairCount: page.pairCount,
          cursor: page.nextCursor,
          done: page.nextCursor === null,
          error: null,
        }));
      })
      .catch((e: unknown) => {
        if (controller.signal.aborted) return;
        setState((prev) => ({ ...prev, error: e instanceof Error ? e.message : String(e) }));
      })
      .finally(() => {
        if (inFlight.current === controller) {
          inFlight.current = null;
          setLoading(false);
        }
      });
  }, [key, enabled]); // the query's parts are all in `key`

  const retry = useCallback(() => {
    const { key: at, state: s } = current.current;
    if (!s.error) return;
    // `more` reads the state of the last render: it must see the error gone now
    current.current = { key: at, state: { ...s, error: null } };
    setState((prev) => ({ ...prev, error: null }));
    more();
  }, [more]);

  // a new query: forget the pages read and read its first
  useEffect(() => {
    inFlight.current?.abort();
    inFlight.current = null;
    setLoading(false);
    current.current = { key, state: fresh };
    setState(fresh);
    more();
    return () => {
      inFlight.current?.abort();
      inFlight.current = null;
    };
  }, [key, more]);

  return { ...state, loading, more, retry };
}
