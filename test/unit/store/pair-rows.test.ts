// The COPY text of a pair's JSON (src/store/pair-rows.ts): copyJson is copyText for JSON.stringify's
// output, without the regular expression; a pair's stored form (packPair) reads back as the pair.
import type { SimilarityPair } from '../../../src/domain/similarity/types';
import { copyJson, copyText, packPair, unpackPair } from '../../../src/store/pair-rows';

describe('copyJson', () => {
  const values: unknown[] = [
    { plain: 'text', n: 0.1 + 0.2, none: null },
    { address: 'tab\there back\\slash "quoted" new\nline cr\rend é \u0000 \u2028 😀' },
    ['\\N', '\\\\', '\t\t', 'a\\tb'],
    'just a string with a \\ backslash',
    { nested: { deeper: ['\r\n', '\\n'] } },
  ];

  it.each(values.map((v) => [JSON.stringify(v)]))('escapes %s as copyText does', (json) => {
    expect(copyJson(json)).toBe(copyText(json));
  });

  it('doubles every backslash and leaves JSON without one as it is', () => {
    expect(copyJson('{"a":"x\\\\y\\"z"}')).toBe('{"a":"x\\\\\\\\y\\\\"z"}');
    const plain = JSON.stringify({ walletA: 'So11111111111111111111111111111111111111112', score: 0.5 });
    expect(copyJson(plain)).toBe(plain);
  });
});

describe('packPair / unpackPair', () => {
  // a pair of the engine's shape, with evidence, reasons and insights (values of every JSON kind),
  // no two fields alike: a value packed in another field's place would not read back the same
  const pair = {
    walletA: 'So11111111111111111111111111111111111111112',
    walletB: 'tab\there "quoted" \\ é',
    scores: { capital: 0.1 + 0.2, binary: 1e-17, jaccardTraded: 0, jaccardHeld: null, behavior: 0.7927918008522, timing: 0.125, funding: 1, bundle: 0, rarity: 5e-324, similarity: 0.5, combined: 0.07135126207669801 },
    nullReasons: { jaccardHeld: 'wallet B holds nothing', timing: 'no trades' },
    strength: 'Very Low',
    sharedTokenCount: 2,
    tradedTokenCountA: 250,
    tradedTokenCountB: 3,
    unionTokenCount: 251,
    sharedHeldCount: 7,
    heldTokenCountA: 85,
    heldTokenCountB: 9,
    capitalOverlapPercent: null,
    capitalInSharedPercentA: 12.5,
    capitalInSharedPercentB: 33.3,
    sharedTokens: [{ mint: 'Mint1', weightA: 0.25, weightB: 0.5, contribution: 0.1 }],
    sharedTokensOmitted: 1,
    omittedContribution: 1.0379385388499175e-16,
    coTrading: { coTradedA: 1, coTradedB: 2, tradesA: 482, tradesB: 510 },
    insights: [{ type: 'Rare Tokens', score: 0.9, reason: 'share 2 rare tokens' }],
    evidence: { contributions: { funding: 0.2 }, strongest: 'funding', funding: [{ kind: 'direct', signature: 'sig' }], timing: null },
  } as unknown as SimilarityPair;

  it('packs a pair without its keys and wallets, and unpacks it to the same JSON, key for key', () => {
    const packed = packPair(pair);
    expect(JSON.parse(packed)[0]).toBe(2);
    expect(packed).not.toContain('walletA');
    expect(packed).not.toContain(pair.walletA);
    expect(packed.length).toBeLessThan(JSON.stringify(pair).length * 0.75);
    expect(JSON.stringify(unpackPair(JSON.parse(packed), pair.walletA, pair.walletB))).toBe(JSON.stringify(pair));
  });

  it('stores a pair of another shape whole, and reads a whole pair (as rows stored before packing hold) as it is', () => {
    const extra = { ...pair, somethingNew: 1 } as unknown as SimilarityPair;
    const { evidence: _evidence, ...missing } = pair;
    const undefinedField = { ...pair, evidence: undefined } as unknown as SimilarityPair;
    const fewerScores = { ...pair, scores: { capital: 1 } } as unknown as SimilarityPair;
    for (const other of [extra, missing as SimilarityPair, undefinedField, fewerScores]) {
      expect(packPair(other)).toBe(JSON.stringify(other));
      expect(unpackPair(JSON.parse(packPair(other)), 'x', 'y')).toEqual(JSON.parse(JSON.stringify(other)));
    }
  });

  it('refuses a stored array of a layout it does not know', () => {
    expect(() => unpackPair([3, 1, 2], 'a', 'b')).toThrow(/unknown layout/);
    expect(() => unpackPair([2, 1], 'a', 'b')).toThrow(/unknown layout/);
  });
});
