// What each event of an analysis's stream (GET /v1/analyses/{id}/events) does to the view the page
// shows: most leave it as it is or change it in place; only one that brings news the event does not
// carry makes the page read the analysis again. A view of 1,000 wallets is megabytes to read and
// draw, so reading it once per change of state, not once per event, is what keeps a page open on a
// large analysis light while other runs store its tokens.
import type { StreamEvent } from '../api/events';
import type { AnalysisView, TokenInfo } from '../api/types';

/** 'keep': the view shows it already; 'reload': read the analysis again; else the view to show now. */
export type EventOutcome = 'keep' | 'reload' | AnalysisView;

/** A `tokens` event carrying the records of the tokens other runs stored. */
function isTokensEvent(data: unknown): data is { fetchingElsewhere: number; tokens: Record<string, TokenInfo> } {
  const d = data as { fetchingElsewhere?: unknown; tokens?: unknown } | null;
  return typeof d?.fetchingElsewhere === 'number' && typeof d.tokens === 'object' && d.tokens !== null;
}

/** When a token's record was last written by a fetch (ISO strings compare in time order). */
const fetchedAt = (t: TokenInfo) => [t.priceFetchedAt ?? '', t.metadataFetchedAt ?? ''].sort().at(-1) ?? '';

/**
 * The view with these token records where they are at least as new as its own: a view read before
 * an event's records arrived (a slow read) does not bring the older ones back.
 */
export function withNewerTokens(view: AnalysisView, records: Record<string, TokenInfo>): AnalysisView {
  if (Object.keys(records).length === 0) return view;
  const tokens = { ...view.tokens };
  for (const [mint, t] of Object.entries(records)) if (!tokens[mint] || fetchedAt(t) >= fetchedAt(tokens[mint])) tokens[mint] = t;
  return { ...view, tokens };
}

/** Nothing more will change (the page follows the stream until then): the analysis ended, and a completed one has its tokens with no other run fetching any. */
export function viewIsFinal(view: AnalysisView): boolean {
  if (view.status === 'running') return false;
  if (view.status !== 'completed') return true;
  const { status, fetchingElsewhere } = view.enrichment;
  return (status === 'completed' || status === 'failed') && fetchingElsewhere === 0 && view.tokens !== null;
}

/** A token request read before its holders were known, whose progress now lists wallets: read it again once. */
function holdersResolvedSince(view: AnalysisView | null, e: StreamEvent): boolean {
  if (view?.holders?.resolved !== false) return false;
  const wallets = (e.data as { wallets?: unknown } | null)?.wallets;
  return typeof wallets === 'object' && wallets !== null && Object.keys(wallets).length > 0;
}

export function viewAfterEvent(view: AnalysisView | null, e: StreamEvent): EventOutcome {
  // a token request's holders were resolved: the view (its group, the holders card) is read again
  if (e.event === 'progress' && holdersResolvedSince(view, e)) return 'reload';
  if (e.event === 'progress' || e.event === 'error') return 'keep';
  if (!view) return 'reload';
  const data = (e.data ?? {}) as { status?: string; fetchingElsewhere?: number };
  switch (e.event) {
    case 'completed':
      // the page was opened on an analysis that had ended already: its result is on the view
      return view.status === data.status && (view.status !== 'completed' || view.result !== null) ? 'keep' : 'reload';
    case 'enrichment':
      // the same tokens, the same count of them still fetched elsewhere: nothing to read (a count that
      // differs may hide a token stored since the view was read, and the stream sends only later ones)
      return view.tokens !== null && view.enrichment.status === data.status && view.enrichment.fetchingElsewhere === data.fetchingElsewhere ? 'keep' : 'reload';
    case 'tokens':
      return isTokensEvent(e.data) ? withNewerTokens({ ...view, enrichment: { ...view.enrichment, fetchingElsewhere: e.data.fetchingElsewhere } }, e.data.tokens) : 'reload';
    case 'end':
      return viewIsFinal(view) ? 'keep' : 'reload';
    default:
      return 'keep';
  }
}

/**
 * The stream's notice about the service itself, shown above the progress: the `unavailable` event's
 * detail (Temporal not answering while the analysis runs) until an event shows it answers again
 * (progress, or the analysis's end); other events leave it as it is.
 */
export function noticeAfterEvent(notice: string | null, e: StreamEvent): string | null {
  if (e.event === 'unavailable') {
    const detail = (e.data as { detail?: unknown } | null)?.detail;
    return typeof detail === 'string' ? detail : 'The service is not answering: progress resumes once it does';
  }
  if (e.event === 'progress' || e.event === 'completed' || e.event === 'end') return null;
  return notice;
}
