// The fixture: GET /v1/analyses/{id} around a result the real engine computed
// (scripts/lab-fixture.ts writes it), for component tests.
import type { AnalysisView, Pair } from '../api/types';
import raw from './fixtures/analysis.json';

export const analysis = raw as unknown as AnalysisView;
export const pairs = (analysis.result?.pairs ?? []) as Pair[];
export const wallets = analysis.wallets;
/** a pair with more than one page of shared tokens */
export const pairWithManyTokens = pairs.find((p) => (p.sharedTokens?.length ?? 0) > 10) as Pair;
