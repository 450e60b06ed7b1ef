// A pair's evidence oriented to its walletA / walletB (pairEvidence): the signals list a pair with
// a < b by address, and every field that names a side follows the flip.
import type { FundingEvidence } from '../detection/funding';
import { pairEvidence } from './evidence';

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
