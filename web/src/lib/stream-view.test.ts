import { describe, expect, it } from 'vitest';
import type { AnalysisView, TokenInfo } from '../api/types';
import { analysis } from '../testing/fixture';
import { noticeAfterEvent, viewAfterEvent, viewIsFinal, withNewerTokens } from './stream-view';

const [mintA, mintB] = Object.keys(analysis.tokens ?? {});
const pendingToken = (mint: string): TokenInfo => ({ mint, status: 'pending', symbol: null, name: null, imageUrl: null, priceUsd: null, liquidityUsd: null, pairAddress: null, dexId: null, metadataFetchedAt: null, priceFetchedAt: null });
const storedToken = (mint: string, symbol: string, at: string): TokenInfo => ({ ...pendingToken(mint), status: 'resolved', symbol, metadataFetchedAt: at, priceFetchedAt: at });

/** the fixture's completed analysis while another run fetches two of its tokens */
const waitingOnOthers: AnalysisView = {
  ...analysis,
  enrichment: { ...analysis.enrichment, status: 'completed', fetchingElsewhere: 2 },
  tokens: { ...analysis.tokens, [mintA]: pendingToken(mintA), [mintB]: pendingToken(mintB) },
};

describe('viewAfterEvent', () => {
  it('a `tokens` event changes the labels and the count in place, the result untouched', () => {
    const next = viewAfterEvent(waitingOnOthers, { event: 'tokens', data: { analysisId: 'a', fetchingElsewhere: 1, tokens: { [mintA]: storedToken(mintA, 'AAA', '2026-12-02T10:00:00.000Z') } } });
    if (next === 'keep' || next === 'reload') throw new Error(`expected a view, got ${next}`);
    expect(next.tokens?.[mintA]?.symbol).toBe('AAA');
    expect(next.tokens?.[mintB]?.status).toBe('pending');
    expect(next.enrichment.fetchingElsewhere).toBe(1);
    expect(next.result).toBe(waitingOnOthers.result);
    expect(viewIsFinal(next)).toBe(false);
    const last = viewAfterEvent(next, { event: 'tokens', data: { analysisId: 'a', fetchingElsewhere: 0, tokens: { [mintB]: storedToken(mintB, 'BBB', '2026-12-02T10:00:01.000Z') } } });
    if (last === 'keep' || last === 'reload') throw new Error(`expected a view, got ${last}`);
    expect([last.tokens?.[mintA]?.symbol, last.tokens?.[mintB]?.symbol]).toEqual(['AAA', 'BBB']);
    expect(viewIsFinal(last)).toBe(true);
    expect(viewAfterEvent(last, { event: 'end', data: { analysisId: 'a' } })).toBe('keep');
  });

  it('a `tokens` event without records, or any event before a view, reads the analysis again', () => {
    expect(viewAfterEvent(waitingOnOthers, { event: 'tokens', data: { analysisId: 'a', fetchingElsewhere: 1 } })).toBe('reload');
    expect(viewAfterEvent(null, { event: 'completed', data: { status: 'completed' } })).toBe('reload');
    expect(viewAfterEvent(null, { event: 'progress', data: {} })).toBe('keep');
  });

  it('a token request read before its holders were known is read again once its progress lists wallets, and only then', () => {
    const resolving: AnalysisView = { ...analysis, status: 'running', wallets: [], result: null, holders: { token: mintA, top: 20, resolved: false } };
    const progress = (wallets: Record<string, unknown>) => ({ event: 'progress' as const, data: { analysisId: 'a', phase: 'syncing', percent: 5, wallets } });
    expect(viewAfterEvent(resolving, progress({}))).toBe('keep');
    expect(viewAfterEvent(resolving, progress({ W1: { status: 'syncing' } }))).toBe('reload');
    const resolved: AnalysisView = { ...resolving, wallets: ['W1'], holders: { token: mintA, top: 20, resolved: true, selected: 1 } };
    expect(viewAfterEvent(resolved, progress({ W1: { status: 'syncing' } }))).toBe('keep');
    expect(viewAfterEvent({ ...analysis, status: 'running', result: null }, progress({ W1: { status: 'syncing' } }))).toBe('keep');
  });

  it('`completed` and `enrichment` read the analysis again only when they say something the view does not', () => {
    const running: AnalysisView = { ...analysis, status: 'running', result: null, tokens: null, enrichment: { status: 'not_started', workflowId: null, fetchingElsewhere: 0 } };
    expect(viewAfterEvent(running, { event: 'completed', data: { status: 'completed' } })).toBe('reload');
    expect(viewAfterEvent(waitingOnOthers, { event: 'completed', data: { status: 'completed' } })).toBe('keep');
    const enriching: AnalysisView = { ...analysis, tokens: null, enrichment: { ...analysis.enrichment, status: 'running', fetchingElsewhere: 0 } };
    expect(viewAfterEvent(enriching, { event: 'enrichment', data: { status: 'completed', fetchingElsewhere: 0 } })).toBe('reload');
    expect(viewAfterEvent(waitingOnOthers, { event: 'enrichment', data: { status: 'completed', fetchingElsewhere: 2 } })).toBe('keep');
    // a count that fell since the view was read: a token stored in between, which no later event carries
    expect(viewAfterEvent(waitingOnOthers, { event: 'enrichment', data: { status: 'completed', fetchingElsewhere: 1 } })).toBe('reload');
    expect(viewAfterEvent(waitingOnOthers, { event: 'end', data: {} })).toBe('reload');
    expect(viewAfterEvent({ ...analysis, status: 'failed' }, { event: 'end', data: {} })).toBe('keep');
  });
});

describe('withNewerTokens', () => {
  it('keeps the newer of two records of a token: a slow read does not bring an older one back', () => {
    const newer = storedToken(mintA, 'NEW', '2026-12-02T10:00:05.000Z');
    const older = storedToken(mintA, 'OLD', '2026-12-02T10:00:00.000Z');
    const view = withNewerTokens({ ...waitingOnOthers, tokens: { ...waitingOnOthers.tokens, [mintA]: newer } }, { [mintA]: older });
    expect(view.tokens?.[mintA]?.symbol).toBe('NEW');
    expect(withNewerTokens(waitingOnOthers, { [mintA]: newer }).tokens?.[mintA]?.symbol).toBe('NEW');
    // never fetched before (pending): any stored record is newer
    expect(withNewerTokens(waitingOnOthers, { [mintB]: older }).tokens?.[mintB]?.symbol).toBe('OLD');
  });
});

describe('noticeAfterEvent', () => {
  const unavailable = { event: 'unavailable', data: { analysisId: 'a', dependency: 'temporal', detail: 'Temporal is not answering: its progress resumes here once it does' } };
  it('shows the `unavailable` event\'s detail until the stream shows the service answers again', () => {
    const shown = noticeAfterEvent(null, unavailable);
    expect(shown).toBe('Temporal is not answering: its progress resumes here once it does');
    // a keep-alive's silence, token news and errors of the stream itself leave it
    expect(noticeAfterEvent(shown, { event: 'tokens', data: { fetchingElsewhere: 1, tokens: {} } })).toBe(shown);
    expect(noticeAfterEvent(shown, { event: 'error', data: { detail: 'x' } })).toBe(shown);
    for (const event of ['progress', 'completed', 'end']) expect(noticeAfterEvent(shown, { event, data: {} })).toBeNull();
  });
  it('an `unavailable` event without a detail still says so', () => {
    expect(noticeAfterEvent(null, { event: 'unavailable', data: null })).toMatch(/not answering/);
    expect(noticeAfterEvent(null, { event: 'progress', data: {} })).toBeNull();
  });
});
