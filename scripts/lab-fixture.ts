// Writes the Lab's component-test fixture (web/src/testing/fixtures/analysis.json): the body of
// GET /v1/analyses/{id} around a result the real engine computed (computeSimilarity over a small
// seeded synthetic group whose wallets share a small token universe, so pairs score high and
// clusters form), not hand-written numbers. Rerun after an engine change: `npx tsx scripts/lab-fixture.ts`.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import bs58 from 'bs58';
import path from 'node:path';
import { computeSimilarity } from '../src/domain';
import { syntheticGroup } from '../bench/lib/synthetic-wallets';

const OUT = path.resolve(__dirname, '..', 'web', 'src', 'testing', 'fixtures', 'analysis.json');

const group = syntheticGroup({ wallets: 8, tokens: 30, tokensPerWallet: 16, seed: 13 });
const result = computeSimilarity({ wallets: group, clusterThreshold: 0.45, maxSharedTokensPerPair: 25 });
const wallets = group.map((w) => w.address);
const id = '5b0c1f7e-0d5e-4c55-9a35-4b1f6a1d2c01';
const links = { self: `/v1/analyses/${id}`, events: `/v1/analyses/${id}/events`, temporalUi: `http://localhost:8233/namespaces/default/workflows/analysis-${id}` };
const view = {
  analysisId: id,
  workflowId: `analysis-${id}`,
  status: 'completed',
  wallets,
  params: { window: null, sync: 'auto', failureThreshold: 0.8 },
  createdAt: '2026-11-29T12:00:00.000Z',
  completedAt: '2026-11-29T12:00:20.000Z',
  progress: null,
  error: null,
  summary: { walletCount: wallets.length, pairCount: result.pairs.length, clusterCount: result.clusters.length },
  result,
  coverage: result.coverage,
  failedWallets: [],
  enrichment: { status: 'completed', workflowId: `enrich-${id}` },
  // two tokens resolved, one unknown: the rest show their mint
  tokens: Object.fromEntries(
    result.mostCommonTokens.slice(0, 3).map((t, i) => [
      t.mint,
      i < 2
        ? { mint: t.mint, status: 'resolved', symbol: `TOK${i}`, name: `Token ${i}`, imageUrl: null, priceUsd: 0.01 * (i + 1), liquidityUsd: 1000, pairAddress: null, dexId: 'raydium', metadataFetchedAt: null, priceFetchedAt: null }
        : { mint: t.mint, status: 'unknown', symbol: null, name: null, imageUrl: null, priceUsd: null, liquidityUsd: null, pairAddress: null, dexId: null, metadataFetchedAt: null, priceFetchedAt: null },
    ]),
  ),
  links,
};
// the generator's random base58 strings are not all 32-byte keys: give each a valid address (as
// the API only accepts those), derived from it so the fixture stays the same on every run
const valid = (text: string) => bs58.encode(createHash('sha256').update(text).digest());
const json = JSON.stringify(view, null, 1).replace(/"([1-9A-HJ-NP-Za-km-z]{40,44})"/g, (_m, address: string) => `"${valid(address)}"`);
fs.writeFileSync(OUT, `${json}\n`);
console.log(`wrote ${OUT}: ${wallets.length} wallets, ${result.pairs.length} pairs, ${result.clusters.length} clusters`);
