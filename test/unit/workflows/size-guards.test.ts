import { analysisUserMetadata } from '../../../src/workflows/contract';
import { USER_METADATA_LIMITS, WALLETS_SEARCH_ATTRIBUTE_MAX_BYTES, analysisSummaryLine, truncateBytes, utf8Bytes, walletsSearchAttribute } from '../../../src/workflows/contract';

// 44-character base58 addresses, like most Solana wallets
const wallet = (i: number) => `${'W'.repeat(40)}${String(i).padStart(4, '0')}`;
const group = (n: number) => Array.from({ length: n }, (_, i) => wallet(i));

describe('size guards of what an analysis puts into Temporal', () => {
  it('keeps the Wallets search attribute under Temporal’s 2,048 bytes: the whole group when it fits, else nothing', () => {
    expect(walletsSearchAttribute(group(10))).toEqual(group(10));
    for (const n of [43, 45, 50, 500]) expect(walletsSearchAttribute(group(n))).toBeNull();
    for (let n = 2; n <= 500; n++) {
      const listed = walletsSearchAttribute(group(n));
      if (listed) expect(utf8Bytes(JSON.stringify(listed))).toBeLessThanOrEqual(WALLETS_SEARCH_ATTRIBUTE_MAX_BYTES);
    }
    expect(WALLETS_SEARCH_ATTRIBUTE_MAX_BYTES).toBeLessThan(2_048);
  });

  it('cuts strings by UTF-8 bytes, not characters', () => {
    expect(truncateBytes('short', 10)).toBe('short');
    const cut = truncateBytes('€'.repeat(100), 50);
    expect(utf8Bytes(cut)).toBeLessThanOrEqual(50);
    expect(cut.endsWith('…')).toBe(true);
  });

  it('labels an analysis with a one-line summary and details within the user-metadata limits, for any group size', () => {
    expect(analysisSummaryLine({ wallets: group(12), window: 30, sync: 'auto' })).toBe('12 wallets · 30 d · auto');
    expect(analysisSummaryLine({ wallets: group(3), window: null, sync: 'force' })).toBe('3 wallets · full history · force');
    const small = analysisUserMetadata({ analysisId: 'a1', request: { wallets: group(12), window: 30, sync: 'auto', failureThreshold: 0.8, weights: { capital: 2 } } });
    expect(small.staticSummary).toBe('12 wallets · 30 d · auto');
    for (const w of group(12)) expect(small.staticDetails).toContain(w);
    expect(small.staticDetails).toContain('capital 2');
    expect(small.staticDetails).not.toContain('more');

    const big = analysisUserMetadata({ analysisId: 'a2', request: { wallets: group(500), window: null, sync: 'auto', failureThreshold: 0.8 } });
    expect(utf8Bytes(big.staticSummary)).toBeLessThanOrEqual(USER_METADATA_LIMITS.summaryBytes);
    expect(utf8Bytes(big.staticDetails)).toBeLessThanOrEqual(USER_METADATA_LIMITS.detailsBytes);
    expect(USER_METADATA_LIMITS.detailsBytes).toBeLessThan(20_000);
    const listed = group(500).filter((w) => big.staticDetails.includes(w)).length;
    expect(listed).toBeGreaterThan(100);
    expect(big.staticDetails).toContain(`… and ${500 - listed} more`);
  });
});
