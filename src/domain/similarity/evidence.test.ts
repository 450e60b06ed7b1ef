// A pair's evidence oriented to its walletA / walletB (pairEvidence): the signals list a pair with
// a < b by address, and every field that names a side follows the flip.
import type { FundingEvidence } from '../detection/funding';
import { evidenceSummary, pairEvidence } from './evidence';

const ref = (signature: string, amount: string, timestamp: number) => ({ asset: 'SOL', amount, signature, slot: timestamp, timestamp });
const related = { score: 0.6, contributions: { funding: 0.6, bundle: 0, timing: 0, rarity: 0, behavior: 0 }, strongest: 'funding' as const };
const evidenceOf = (walletA: string, walletB: string, funding: FundingEvidence[]) =>
  pairEvidence({ walletA, walletB, related, funding: { score: 0.6, evidence: funding, evidenceOmitted: 0 }, bundle: undefined, timing: undefined, rarity: null }).funding;

describe('pairEvidence: funding oriented to the pair', () => {
  const sameAmount: FundingEvidence = { kind: 'same-amount-funding', a: ref('sig-a', '1.2345', 100), b: ref('sig-b', '1.2345', 160), funderA: 'FUNDER-OF-A', funderB: 'FUNDER-OF-B', secondsApart: 60, strength: 0.7 };
  const upstream: FundingEvidence = {
    kind: 'common-upstream-funder',
    counterparty: 'ROOT',
    counterpartyWallets: 2,
    counterpartyWeight: 1,
    viaA: ['HOP-OF-A'],
    viaB: ['HOP2-OF-B', 'HOP-OF-B'],
    a: ref('sig-root-a', '3', 100),
    b: ref('sig-root-b', '4', 200),
    secondsApart: 100,
    strength: 0.45,
  };

  it('swaps both receipts and both deposit addresses of a common collector when walletA is the larger address', () => {
    const downstream: FundingEvidence = { ...(upstream as Extract<FundingEvidence, { kind: 'common-upstream-funder' }>), kind: 'common-downstream-collector', viaB: [] };
    const [flipped] = evidenceOf('B', 'A', [downstream]);
    expect(flipped).toEqual({ ...downstream, a: upstream.b, b: upstream.a, viaA: [], viaB: ['HOP-OF-A'] });
  });

  it('keeps the evidence as the signals list it when walletA is the smaller address', () => {
    expect(evidenceOf('A', 'B', [sameAmount, upstream])).toEqual([sameAmount, upstream]);
  });

  it('swaps both transfers and who sent each wallet its first SOL, and both funding chains, when walletA is the larger address', () => {
    const [same, chain] = evidenceOf('B', 'A', [sameAmount, upstream]);
    expect(same).toEqual({ ...sameAmount, a: ref('sig-b', '1.2345', 160), b: ref('sig-a', '1.2345', 100), funderA: 'FUNDER-OF-B', funderB: 'FUNDER-OF-A' });
    expect(chain).toEqual({ ...upstream, a: upstream.b, b: upstream.a, viaA: ['HOP2-OF-B', 'HOP-OF-B'], viaB: ['HOP-OF-A'] });
    // the same amount one hop up: the fresh first funders swap too
    const [hops] = evidenceOf('B', 'A', [{ ...sameAmount, viaA: ['HOP-OF-A'], viaB: ['HOP-OF-B'] }]);
    expect(hops).toMatchObject({ funderA: 'FUNDER-OF-B', funderB: 'FUNDER-OF-A', viaA: ['HOP-OF-B'], viaB: ['HOP-OF-A'] });
  });
});

describe('evidenceSummary: a cluster\'s strongest pair in a phrase', () => {
  const coBuy = { mint: 'M', signatureA: 'sa', signatureB: 'sb', slotA: 7, slotB: 7, timestampA: 1, timestampB: 1, secondsApart: 0, sameSlot: true, early: true, tokenWeight: 0.2, crowd: 20, tight: 8, strength: 0.8 };
  const withBundles = (bundles: (typeof coBuy & { launchBlock?: true })[]) =>
    ({ contributions: { funding: 0, bundle: 0.7, timing: 0, rarity: 0, behavior: 0 }, strongest: 'bundle', funding: [], fundingOmitted: 0, bundles, bundlesOmitted: 0, timing: null, rareTokens: [], rareTokensOmitted: 0 }) as unknown as Parameters<typeof evidenceSummary>[0];

  it('says when the co-buy was in the token\'s launch block, else the same slot or the seconds apart', () => {
    expect(evidenceSummary(withBundles([{ ...coBuy, launchBlock: true }]))).toBe('bought 1 token within seconds (both in its launch block)');
    expect(evidenceSummary(withBundles([coBuy]))).toBe('bought 1 token within seconds (same slot)');
    expect(evidenceSummary(withBundles([{ ...coBuy, sameSlot: false, secondsApart: 3 }]))).toBe('bought 1 token within seconds (3 s apart)');
  });

  it('counts the tokens in common without calling each rare (popular ones carry the overlap too), naming how rare the rarest is', () => {
    const carriers = [
      { mint: 'R', weight: 0.9, walletsTrading: 2 },
      { mint: 'P', weight: 0.02, walletsTrading: 900 },
    ];
    const summary = evidenceSummary({ ...withBundles([]), strongest: 'rarity', rareTokens: carriers, rareTokensOmitted: 5 } as unknown as Parameters<typeof evidenceSummary>[0]);
    expect(summary).toBe('7 tokens in common, weighed by rarity (the rarest traded by 2 wallets)');
  });
});
