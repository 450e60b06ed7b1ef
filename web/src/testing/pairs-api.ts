// A stand-in for GET /v1/analyses/{id}/pairs at the fetch boundary, for component tests: it answers
// the page shape of src/api/schemas/pairs.ts (analysisId, pairCount, matched, pairs, nextCursor)
// over a list of pairs, strongest first, with the API's filters (minScore, wallet) and limit
// (default 100, at most 1,000). Other paths answer 404 problem+json. `hold` makes pages wait
// until released, to see a page in flight.
import type { Pair, PairsPage } from '../api/types';
import { wallets as fixtureWallets, pairs as fixturePairs } from './fixture';

export interface FakePairsApi {
  fetch: (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;
  /** the pairs requests made, as URLs */
  requests: URL[];
  /** the x-api-key header of each pairs request */
  keys: Array<string | undefined>;
  /** pages answer only when released (release() lets every waiting page through, then stops holding) */
  hold: boolean;
  release: () => void;
}

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': status < 400 ? 'application/json' : 'application/problem+json' } });

export function fakePairsApi(all: readonly Pair[], analysisId = 'big'): FakePairsApi {
  const ranked = [...all].sort((a, b) => (b.scores?.combined ?? -1) - (a.scores?.combined ?? -1));
  const group = new Set(all.flatMap((p) => [p.walletA as string, p.walletB as string]));
  let waiting: Array<() => void> = [];
  const api: FakePairsApi = {
    requests: [],
    keys: [],
    hold: false,
    release() {
      api.hold = false;
      for (const w of waiting) w();
      waiting = [];
    },
    async fetch(input, init) {
      const url = new URL(String(input), 'http://lab.test');
      const m = /^\/v1\/analyses\/([^/]+)\/pairs$/.exec(url.pathname);
      if (!m || m[1] !== analysisId) return json(404, { title: 'Not Found', status: 404, detail: `no ${url.pathname}` });
      api.requests.push(url);
      api.keys.push((init?.headers as Record<string, string> | undefined)?.['x-api-key']);
      // like fetch: an abort rejects the request, also while its answer is held
      if (api.hold)
        await new Promise<void>((resolve, reject) => {
          waiting.push(resolve);
          init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
        });
      if (init?.signal?.aborted) throw new DOMException('aborted', 'AbortError');
      const q = url.searchParams;
      const limit = Number(q.get('limit') ?? 100);
      if (!(limit >= 1 && limit <= 1000)) return json(400, { title: 'Bad Request', status: 400, detail: 'querystring/limit must be <= 1000' });
      const wallet = q.get('wallet');
      if (wallet && !group.has(wallet)) return json(400, { title: 'Bad Request', status: 400, detail: `${wallet} is not a wallet of this analysis` });
      const min = q.has('minScore') ? Number(q.get('minScore')) : null;
      const matching = ranked.filter((p) => (!wallet || p.walletA === wallet || p.walletB === wallet) && (min === null || (p.scores?.combined ?? -1) >= min));
      const from = Number(q.get('cursor') ?? 0);
      const pairs = matching.slice(from, from + limit);
      const page: PairsPage = { analysisId, pairCount: all.length, matched: matching.length, pairs, nextCursor: from + limit < matching.length ? String(from + limit) : null };
      return json(200, page);
    },
  };
  return api;
}

/** `n` wallets (the fixture's, then made-up ones) and all their pairs, scores cycling through the fixture's pairs. */
export function groupOf(n: number): { wallets: string[]; pairs: Pair[] } {
  const wallets = Array.from({ length: n }, (_, i) => (i < fixtureWallets.length ? fixtureWallets[i] : `${fixtureWallets[i % fixtureWallets.length].slice(0, 38)}w${String(i).padStart(5, '0')}`));
  const pairs: Pair[] = [];
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) pairs.push({ ...fixturePairs[pairs.length % fixturePairs.length], walletA: wallets[i], walletB: wallets[j] });
  return { wallets, pairs };
}
