// The insight rules on detection evidence (docs/analytics.md, "Insights"): each fires from one
// documented rule at its threshold in INSIGHT_THRESHOLDS, and its reason names what carried it.
import { INSIGHT_THRESHOLDS, pairInsights, type InsightFacts } from './insights';
import type { PairEvidence, PairScores } from './types';
import { scores } from '../testing/scores';

const A = '7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU';
const B = '9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWWM';
const FUNDER = 'FunDer1111111111111111111111111111111111111';
const MINT = 'LaunchMint1111111111111111111111111111111111';
const SIG_A = '5VERv8NMvzbJMEkV8xnrLkEaWRtSz9CosKDYjCJjBRnbJLgp8uirBgmQpjKhoR4tjF3ZpRzrFmBV6UjKdiSZkQUW';
const SIG_B = '4hXTCkRzt9WyecNzV1XPgCDfGAZzQKNxLXgynz5QDuWWPSAZBZSHptvWRL3BjCvzUXRdKvHL2b7yGrRQcWyaqsaT';

const facts = (s: Partial<PairScores>, evidence: PairEvidence | null, extra: Partial<InsightFacts> = {}): InsightFacts => ({
  scores: scores(s),
  sharedTokenCount: 0,
  tradedTokenCountA: 10,
  tradedTokenCountB: 10,
  sharedHeldCount: 1,
  coTradedA: 0,
  coTradedB: 0,
  evidence,
  ...extra,
});

const ZERO = { funding: 0, bundle: 0, timing: 0, rarity: 0, behavior: 0 };
const none: PairEvidence = { contributions: ZERO, strongest: null, funding: [], fundingOmitted: 0, bundles: [], bundlesOmitted: 0, timing: null, rareTokens: [], rareTokensOmitted: 0 };
const T0 = 1_732_000_000; // 2024-11-19 07:06:40 UTC

const ref = (signature: string, amount: string, timestamp: number) => ({ asset: 'SOL', amount, signature, slot: 300_000_000, timestamp });
const common = (kind: 'common-first-funder' | 'common-source' | 'common-destination', strength: number) => ({
  kind,
  counterparty: FUNDER,
  counterpartyWallets: 4,
  counterpartyWeight: 0.8,
  a: ref(SIG_A, '2.5', T0),
  b: ref(SIG_B, '1.75', T0 + 40),
  secondsApart: 40,
  strength,
});

describe('insights on detection evidence', () => {
  it('Common Funder: a common first funder at the threshold names it, its reach, the gap and both amounts', () => {
    const out = pairInsights(facts({ funding: 0.8 }, { ...none, funding: [common('common-first-funder', INSIGHT_THRESHOLDS.commonFunderStrength)] }));
    expect(out).toEqual([
      { type: 'Common Funder', score: INSIGHT_THRESHOLDS.commonFunderStrength, reason: `both were first funded by ${FUNDER} (it transferred with 4 wallets of the database), 40 s apart: A received 2.5 SOL, B 1.75 SOL` },
    ]);
  });

  it('Common Funder: says when the funder\'s whole history on chain is short', () => {
    const dedicated = { ...common('common-first-funder', 0.9), counterpartyWeight: 1, counterpartyActivity: { transactions: 41, complete: true, dedicated: true } };
    expect(pairInsights(facts({ funding: 0.9 }, { ...none, funding: [dedicated] }))[0].reason).toBe(
      `both were first funded by ${FUNDER} (it transferred with 4 wallets of the database; its whole history on chain is 41 transactions), 40 s apart: A received 2.5 SOL, B 1.75 SOL`,
    );
    const ordinary = { ...dedicated, counterpartyActivity: { transactions: 1000, complete: false, dedicated: false } };
    expect(pairInsights(facts({ funding: 0.9 }, { ...none, funding: [ordinary] }))[0].reason).toMatch(/\(it transferred with 4 wallets of the database\), 40 s/);
  });

  it('Common Funder: a common top-up source counts, a weaker funder or a common sweep destination does not', () => {
    expect(pairInsights(facts({}, { ...none, funding: [common('common-source', 0.5)] }))[0].reason).toMatch(/^both were topped up by /);
    expect(pairInsights(facts({}, { ...none, funding: [common('common-first-funder', INSIGHT_THRESHOLDS.commonFunderStrength - 0.01)] }))).toEqual([]);
    expect(pairInsights(facts({}, { ...none, funding: [common('common-destination', 0.9)] }))).toEqual([]);
  });

  it('Common Funder: a common upstream funder names it and both chains, and says it funded fresh wallets', () => {
    const HOP_A = 'HopA111111111111111111111111111111111111111';
    const HOP_B = 'HopB111111111111111111111111111111111111111';
    const upstream = {
      kind: 'common-upstream-funder' as const,
      counterparty: FUNDER,
      counterpartyWallets: 0,
      counterpartyWeight: 1,
      counterpartyActivity: { transactions: 12, complete: true, dedicated: true },
      viaA: [HOP_A],
      viaB: [HOP_B],
      a: ref(SIG_A, '3', T0),
      b: ref(SIG_B, '4', T0 + 7200),
      secondsApart: 7200,
      strength: 0.6,
    };
    expect(pairInsights(facts({ funding: 0.6 }, { ...none, funding: [upstream] }))).toEqual([
      {
        type: 'Common Funder',
        score: 0.6,
        reason: `both were funded by ${FUNDER}, A through ${HOP_A}, B through ${HOP_B}: fresh wallets between an owner and its wallets (its whole history on chain is 12 transactions); its two fundings 2 h apart: 3 SOL and 4 SOL`,
      },
    ]);
    expect(pairInsights(facts({}, { ...none, funding: [{ ...upstream, viaA: [], strength: 0.8 }] }))[0].reason).toMatch(new RegExp(`^both were funded by ${FUNDER}, A directly, B through ${HOP_B}`));
    expect(pairInsights(facts({}, { ...none, funding: [{ ...upstream, strength: INSIGHT_THRESHOLDS.commonFunderStrength - 0.01 }] }))).toEqual([]);
  });

  it('Common Collector: names the collector, each wallet\'s deposit address, its history, both receipts and the time between', () => {
    const DEPOSIT_A = 'DepA111111111111111111111111111111111111111';
    const downstream = {
      kind: 'common-downstream-collector' as const,
      counterparty: FUNDER,
      counterpartyWallets: 2,
      counterpartyWeight: 1,
      counterpartyActivity: { transactions: 9, complete: true, dedicated: true },
      viaA: [DEPOSIT_A],
      viaB: [],
      a: ref(SIG_A, '9.99', T0),
      b: ref(SIG_B, '4.5', T0 + 2 * 86_400),
      secondsApart: 2 * 86_400,
      strength: 0.55,
    };
    expect(pairInsights(facts({ funding: 0.55 }, { ...none, funding: [downstream] }))).toEqual([
      {
        type: 'Common Collector',
        score: 0.55,
        reason: `both sent SOL to ${FUNDER}, A through ${DEPOSIT_A}, a fresh address that forwarded it, B directly: fresh deposit addresses between wallets and their owner (its whole history on chain is 9 transactions); it received 9.99 SOL and 4.5 SOL, 48 h apart`,
      },
    ]);
    // one exchange account's deposit address both sent to (engine 2.7.0), when no collector is named
    const deposit = { kind: 'common-destination' as const, counterparty: DEPOSIT_A, counterpartyWallets: 2, counterpartyWeight: 1, counterpartyActivity: { transactions: 32, complete: true, dedicated: true }, depositTo: FUNDER, a: ref(SIG_A, '5', T0), b: ref(SIG_B, '7', T0 + 20 * 86_400), secondsApart: 20 * 86_400, strength: 0.6 };
    expect(pairInsights(facts({ funding: 0.6 }, { ...none, funding: [deposit] }))).toEqual([
      {
        type: 'Common Collector',
        score: 0.6,
        reason: `both sent SOL to ${DEPOSIT_A}, an exchange deposit address: it passes what it receives on, within a day, to ${FUNDER} and trades nothing, so it is one account's (its whole history on chain is 32 transactions); A sent 5 SOL, B 7 SOL, 480 h apart`,
      },
    ]);
    expect(pairInsights(facts({}, { ...none, funding: [{ ...deposit, depositTo: undefined }] }))).toEqual([]);
    expect(pairInsights(facts({}, { ...none, funding: [downstream, deposit] })).map((x) => x.reason.slice(0, 30))).toEqual([`both sent SOL to ${FUNDER}`.slice(0, 30)]);
    // a fee payer (engine 2.8.0): one paid the other's fees, or one account paid both's
    const paid = { kind: 'fee-payer' as const, payer: FUNDER, wallet: DEPOSIT_A, transaction: { ...ref(SIG_A, '0.000005', T0), asset: 'FEE' }, transactions: 3, strength: 0.9 };
    expect(pairInsights(facts({ funding: 0.9 }, { ...none, funding: [paid] }))).toEqual([
      { type: 'Fee Payer', score: 0.9, reason: `${FUNDER} paid the fees of 3 transactions of ${DEPOSIT_A}'s own, so signed them with it, the first on 2024-11-19 07:06 UTC` },
    ]);
    const payer = { kind: 'common-fee-payer' as const, counterparty: FUNDER, counterpartyWallets: 5, counterpartyWeight: 1, counterpartyActivity: { transactions: 60, complete: true, dedicated: true }, a: { ...ref(SIG_A, '0.000005', T0), asset: 'FEE' }, b: { ...ref(SIG_B, '0.000005', T0 + 7200), asset: 'FEE' }, transactionsA: 12, transactionsB: 9, secondsApart: 7200, strength: 0.8 };
    expect(pairInsights(facts({ funding: 0.8 }, { ...none, funding: [payer] }))).toEqual([
      { type: 'Fee Payer', score: 0.8, reason: `${FUNDER} paid the fees of 12 transactions of A's own and 9 of B's, so signed them with each (it paid fees of or transferred with 5 wallets of the database; its whole history on chain is 60 transactions); the closest two 2 h apart` },
    ]);
    // one paying the other's fees is named before a stronger common payer
    expect(pairInsights(facts({ funding: 0.9 }, { ...none, funding: [payer, { ...paid, strength: 0.5 }] }))[0].reason.startsWith(`${FUNDER} paid the fees of 3 transactions of ${DEPOSIT_A}'s own`)).toBe(true);
    // a relayer's weak link names nothing
    expect(pairInsights(facts({}, { ...none, funding: [{ ...payer, strength: 0.1 }] }))).toEqual([]);
    // two fresh addresses in a row (engine 2.7.0)
    const HOP_B = 'HopB111111111111111111111111111111111111111';
    expect(pairInsights(facts({}, { ...none, funding: [{ ...downstream, viaB: [DEPOSIT_A, HOP_B] }] }))[0].reason).toContain(`B through ${DEPOSIT_A} → ${HOP_B}, fresh addresses that forwarded it in turn: fresh deposit`);
    expect(pairInsights(facts({}, { ...none, funding: [{ ...downstream, strength: INSIGHT_THRESHOLDS.commonFunderStrength - 0.01 }] }))).toEqual([]);
  });

  it('NFT Wash Trading (engine 2.20.0): names a round trip through the group first, else the sales between the two', () => {
    const NFT = 'NfT1111111111111111111111111111111111111111';
    const C = 'Ccc1111111111111111111111111111111111111111';
    const sale = { kind: 'nft-sale' as const, seller: A, buyer: B, nft: NFT, sale: { ...ref(SIG_A, '42', T0), asset: 'NFT_SALE' }, sales: 3, occasions: 2, bothWays: true, strength: 0.54 };
    const trip = { kind: 'nft-round-trip' as const, nft: NFT, wallets: [A, B, C], first: { ...ref(SIG_A, '42', T0), asset: 'NFT_SALE' }, last: { ...ref(SIG_B, '40', T0 + 2 * 86_400), asset: 'NFT_SALE' }, secondsApart: 2 * 86_400, strength: 0.74 };
    expect(pairInsights(facts({ funding: 0.54 }, { ...none, funding: [sale] }))).toEqual([
      { type: 'NFT Wash Trading', score: 0.54, reason: `${A} sold NFT ${NFT} to ${B} through a market for 42 SOL on 2024-11-19 07:06 UTC, 3 NFTs between them on 2 occasions, each selling to the other: the market's escrow between them hides it from their transfers` },
    ]);
    const both = pairInsights(facts({ funding: 0.8 }, { ...none, funding: [sale, trip] }));
    expect(both).toHaveLength(1);
    expect(both[0]).toEqual({ type: 'NFT Wash Trading', score: 0.74, reason: expect.stringContaining(`NFT ${NFT} was sold through a market from ${A} to ${B} to ${C} to ${A}, wallets of this group each, and came back to its first seller 48 h after it left (42 SOL out, 40 SOL back): one owner moving it around its own wallets`) });
    // one sale at arm's length, weak, names nothing
    expect(pairInsights(facts({}, { ...none, funding: [{ ...sale, sales: 1, occasions: 1, bothWays: false, strength: 0.18 }] }))).toEqual([]);
  });

  it('Direct Transfer: names sender, amount, receiver and day, and counts the other transfers', () => {
    const direct = (strength: number, i: number) => ({ kind: 'direct' as const, from: A, to: B, transfer: ref(SIG_A, `${12.5 + i}`, T0 + i * 60), strength });
    const out = pairInsights(facts({ funding: 0.9 }, { ...none, funding: [direct(0.77, 0), direct(0.5, 1), direct(0.1, 2)] }));
    expect(out).toEqual([{ type: 'Direct Transfer', score: 0.77, reason: `${A} sent 12.5 SOL to ${B} on 2024-11-19 07:06 UTC and 1 more direct transfer between them` }]);
    expect(pairInsights(facts({}, { ...none, funding: [direct(0.19, 0)] }))).toEqual([]);
    // evidence left out of the capped list: there may be more of them than it shows
    const capped = pairInsights(facts({ funding: 0.9 }, { ...none, funding: [direct(0.77, 0), direct(0.5, 1)], fundingOmitted: 22 }));
    expect(capped[0].reason).toBe(`${A} sent 12.5 SOL to ${B} on 2024-11-19 07:06 UTC and at least 1 more direct transfer between them`);
  });

  it('Indirect Transfer: names sender, the fresh wallets between, both amounts, the day and the lag', () => {
    const HOP_1 = 'Hop1111111111111111111111111111111111111111';
    const HOP_2 = 'Hop2111111111111111111111111111111111111111';
    const hop = { kind: 'indirect-transfer' as const, from: B, to: A, via: [HOP_1], first: ref(SIG_B, '6', T0), last: ref(SIG_A, '2.5', T0 + 3 * 86_400), secondsApart: 3 * 86_400, strength: 0.5 };
    expect(pairInsights(facts({ funding: 0.5 }, { ...none, funding: [hop] }))).toEqual([
      {
        type: 'Indirect Transfer',
        score: 0.5,
        reason: `${B} funded ${A} through a fresh wallet, ${HOP_1}: it sent 6 SOL on 2024-11-19 07:06 UTC as the first funding of ${HOP_1}, and ${A} received its own first funding, 2.5 SOL, 72 h later`,
      },
    ]);
    expect(pairInsights(facts({}, { ...none, funding: [{ ...hop, via: [HOP_1, HOP_2] }] }))[0].reason).toContain(`through 2 fresh wallets in a row, ${HOP_1} → ${HOP_2}: it sent`);
    // a sweep through one, or two in a row (engine 2.7.0)
    expect(pairInsights(facts({}, { ...none, funding: [{ ...hop, sweep: true as const }] }))[0].reason).toBe(
      `${B} swept SOL to ${A} through a fresh wallet, ${HOP_1}: it sent 6 SOL to it on 2024-11-19 07:06 UTC, and ${A} received 2.5 SOL from it 72 h later`,
    );
    expect(pairInsights(facts({}, { ...none, funding: [{ ...hop, via: [HOP_1, HOP_2], sweep: true as const }] }))[0].reason).toBe(
      `${B} swept SOL to ${A} through 2 fresh wallets in a row, ${HOP_1} → ${HOP_2}: it sent 6 SOL to the first on 2024-11-19 07:06 UTC, and ${A} received 2.5 SOL from the last 72 h later`,
    );
    expect(pairInsights(facts({}, { ...none, funding: [{ ...hop, strength: INSIGHT_THRESHOLDS.directTransferStrength - 0.01 }] }))).toEqual([]);
  });

  it('Same-Block Buying: the bundle score at the threshold, with how many tokens, same-slot and early buys, and the strongest co-buy', () => {
    const coBuy = { mint: MINT, signatureA: SIG_A, signatureB: SIG_B, slotA: 301_500_000, slotB: 301_500_000, timestampA: T0, timestampB: T0, secondsApart: 0, sameSlot: true, early: true, tokenWeight: 0.9, crowd: 4, tight: 4, strength: 0.9 };
    const e = { ...none, bundles: [coBuy, { ...coBuy, mint: 'Other', sameSlot: false, early: false, secondsApart: 3, strength: 0.2 }], bundlesOmitted: 1 };
    expect(pairInsights(facts({ bundle: INSIGHT_THRESHOLDS.sameBlockScore }, e))).toEqual([
      {
        type: 'Same-Block Buying',
        score: 0.3,
        reason: `bought 3 tokens within seconds of each other (1 of those listed in the same slot, 1 among the token's first buyers); strongest: ${MINT} in the same slot (301500000) on 2024-11-19 07:06 UTC`,
      },
    ]);
    expect(pairInsights(facts({ bundle: 0.29 }, e))).toEqual([]);
    expect(pairInsights(facts({ bundle: null }, e))).toEqual([]);
  });

  it('Same-Block Buying says how likely the co-buys were by chance, given the pair\'s buys of the same tokens within half an hour (engine 2.10.0)', () => {
    const coBuy = { mint: MINT, signatureA: SIG_A, signatureB: SIG_B, slotA: 301_500_000, slotB: 301_500_006, timestampA: T0, timestampB: T0 + 3, secondsApart: 3, sameSlot: false, early: true, tokenWeight: 0.9, crowd: 2, tight: 2, strength: 0.6 };
    const e = { ...none, bundles: [coBuy], bundlesOmitted: 0 };
    const reason = (odds: PairEvidence['bundleOdds']) => pairInsights(facts({ bundle: 0.35 }, { ...e, ...(odds ? { bundleOdds: odds } : {}) }))[0].reason;
    const plain = `bought 1 token within seconds of each other (0 of those listed in the same slot, 1 among the token's first buyers); strongest: ${MINT} 3 s apart on 2024-11-19 07:06 UTC`;
    expect(reason(undefined)).toBe(plain);
    // no listed co-buy shared a slot: not called same-block
    expect(pairInsights(facts({ bundle: 0.35 }, e))[0].type).toBe('Bought Within Seconds');
    const said = '1 of the 7 pairs of their buys of one token within 30 min of each other came within seconds (4.2 % likely by chance)';
    expect(reason({ coBuys: 1, nearBuyPairs: 7, chance: 0.0419, kept: 0.31, summary: said })).toBe(`${plain}; ${said}`);
    // launch-block co-buys alone: nothing weighed, nothing said
    expect(reason({ coBuys: 0, nearBuyPairs: 3, chance: 1, kept: 1, summary: '' })).toBe(plain);
  });

  it('Same-Block Buying in the token\'s launch block says so', () => {
    const coBuy = { mint: MINT, signatureA: SIG_A, signatureB: SIG_B, slotA: 301_500_000, slotB: 301_500_000, timestampA: T0, timestampB: T0, secondsApart: 0, sameSlot: true, early: true, tokenWeight: 0.1, crowd: 24, tight: 9, launchBlock: true as const, strength: 0.8 };
    expect(pairInsights(facts({ bundle: 0.8 }, { ...none, bundles: [coBuy], bundlesOmitted: 0 }))[0].reason).toBe(
      `bought 1 token within seconds of each other (1 of those listed in the same slot, 1 among the token's first buyers); strongest: ${MINT} both in its launch block (slot 301500000, the block of its creation, where snipers rarely land) on 2024-11-19 07:06 UTC`,
    );
  });

  const timing = (over: Partial<NonNullable<PairEvidence['timing']>> = {}): PairEvidence => ({
    ...none,
    timing: { leader: A, follower: B, simultaneous: false, summary: `${B} follows ${A} by about 40 s on 17 of 22 trades`, medianLagSeconds: 40, matched: 17, leaderTrades: 22, followerTrades: 25, matches: [], matchesOmitted: 17, ...over },
  });

  it('Copy Trading: a named leader, enough copied trades and the timing score give the timing summary, and replace Co-trading', () => {
    const out = pairInsights(facts({ timing: 0.6 }, timing(), { coTradedA: 17, coTradedB: 17 }));
    expect(out).toEqual([{ type: 'Copy Trading', score: 0.6, reason: `${B} follows ${A} by about 40 s on 17 of 22 trades` }]);
  });

  it('Copy Trading does not fire when they trade together, with too few copies, or under the score threshold (Co-trading still may)', () => {
    const coTrading = { coTradedA: 5, coTradedB: 5 };
    expect(pairInsights(facts({ timing: 0.6 }, timing({ simultaneous: true, leader: null, follower: null }), coTrading)).map((x) => x.type)).toEqual(['Co-trading']);
    expect(pairInsights(facts({ timing: 0.6 }, timing({ matched: INSIGHT_THRESHOLDS.copyTradingMatches - 1 }), coTrading)).map((x) => x.type)).toEqual(['Co-trading']);
    expect(pairInsights(facts({ timing: 0.29 }, timing()))).toEqual([]);
  });

  it('Co-trading says the share of their trades that were co-traded, not the timing score as that share', () => {
    const [out] = pairInsights(facts({ timing: 0.35 }, null, { coTradedA: 3, coTradedB: 3, tradesA: 100, tradesB: 100 }));
    expect(out).toEqual({ type: 'Co-trading', score: 0.35, reason: '3 trades of A and 3 of B were the same token and direction within the co-trade window (3 % of their trades); timing score 35 %' });
    // without the trade counts the share is not said
    expect(pairInsights(facts({ timing: 0.35 }, null, { coTradedA: 3, coTradedB: 3 }))[0].reason).not.toContain('of their trades');
  });

  it('Rare Tokens: names the rarest tokens with how many wallets traded them, and counts the rest', () => {
    const rare = ['R1', 'R2', 'R3', 'R4'].map((mint, i) => ({ mint, weight: 0.9 - i / 10, walletsTrading: i + 1 }));
    const out = pairInsights(facts({ rarity: 0.45 }, { ...none, rareTokens: rare, rareTokensOmitted: 2 }));
    expect(out).toEqual([{ type: 'Rare Tokens', score: 0.45, reason: 'share 6 tokens, at least 4 of them rare: R1 (traded by 1 wallet), R2 (traded by 2 wallets), R3 (traded by 3 wallets) and 1 more' }]);
    expect(pairInsights(facts({ rarity: 0.45 }, { ...none, rareTokens: rare, rareTokensOmitted: 0 }))[0].reason).toBe(
      'share 4 rare tokens: R1 (traded by 1 wallet), R2 (traded by 2 wallets), R3 (traded by 3 wallets) and 1 more',
    );
    expect(pairInsights(facts({ rarity: 0.29 }, { ...none, rareTokens: rare }))).toEqual([]);
  });

  it('Rare Tokens calls rare only the shared tokens rare on their own, not the popular ones shared besides', () => {
    const carriers = [
      ...['R1', 'R2', 'R3'].map((mint) => ({ mint, weight: 0.9, walletsTrading: 2 })),
      ...['P1', 'P2', 'P3', 'P4', 'P5', 'P6', 'P7'].map((mint) => ({ mint, weight: 0.02, walletsTrading: 900 })),
    ];
    expect(pairInsights(facts({ rarity: 0.4 }, { ...none, rareTokens: carriers, rareTokensOmitted: 0 }))[0].reason).toBe(
      'share 10 tokens, 3 of them rare: R1 (traded by 2 wallets), R2 (traded by 2 wallets), R3 (traded by 2 wallets)',
    );
    // popular tokens alone: no insight that calls them rare
    expect(pairInsights(facts({ rarity: 0.4 }, { ...none, rareTokens: carriers.slice(3), rareTokensOmitted: 0 }))).toEqual([]);
  });

  it('orders several findings by score, and finds none without evidence', () => {
    const e: PairEvidence = { ...timing(), funding: [common('common-first-funder', 0.8)] };
    expect(pairInsights(facts({ timing: 0.6, funding: 0.8 }, e)).map((x) => [x.type, x.score])).toEqual([
      ['Common Funder', 0.8],
      ['Copy Trading', 0.6],
    ]);
    expect(pairInsights(facts({ timing: 0.6, funding: 0.8, bundle: 0.9, rarity: 0.9 }, null))).toEqual([]);
  });
});
