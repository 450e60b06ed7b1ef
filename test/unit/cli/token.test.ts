// `wallet-similarity analyze --token`: usage errors before any request, and the lines a token
// analysis prints about its holders.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { main } from '../../../src/cli/main';
import { holderLines } from '../../../src/cli/render';

const MINT = '2v5byxxWVeAcrN39fznVrhuWZuoPkjpzGuqJHemyqP1x';
const A = 'GdNh12yVy5Lsew9WXVCV5ErgK5SpmsBJkcti5jVtPB7o';
// nothing listens here: a request would fail with "cannot reach the API", not a usage error
const api = ['--api', 'http://127.0.0.1:9'];

describe('analyze --token', () => {
  it.each([
    [['analyze', '--token', MINT, A], /wallet addresses or --token <mint>, not both/],
    [['analyze', '--token', MINT, '--top', '1'], /--top must be a whole number of at least 2, got '1'/],
    [['analyze', '--token', MINT, '--top', 'ten'], /--top must be a whole number of at least 2, got 'ten'/],
    [['analyze', A], /at least two wallet addresses, or --token <mint>/],
  ])('refuses %j', async (argv, message) => {
    await expect(main([...argv, ...api])).rejects.toMatchObject({ name: 'UsageError', message: expect.stringMatching(message) });
  });

  it('sends {token, top} to POST /v1/analyses and reports the API problem in one line', async () => {
    const bodies: unknown[] = [];
    const server = createServer((req, res) => {
      let text = '';
      req.on('data', (c: Buffer) => (text += c.toString()));
      req.on('end', () => {
        bodies.push({ method: req.method, url: req.url, body: JSON.parse(text) });
        res.writeHead(400, { 'content-type': 'application/problem+json' });
        res.end(JSON.stringify({ type: 'urn:wallet-similarity:problem:validation', title: 'The request is not valid', status: 400, detail: 'body/top must be <= 5' }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      await expect(main(['analyze', '--token', MINT, '--top', '20', '--window', '30', '--api', url])).rejects.toThrow('400 The request is not valid: body/top must be <= 5');
    } finally {
      server.close();
    }
    expect(bodies).toEqual([{ method: 'POST', url: '/v1/analyses', body: { token: MINT, top: 20, window: 30 } }]);
  });
});

describe('holderLines', () => {
  it('says how the group was chosen and names the largest owners left out', () => {
    expect(
      holderLines({
        token: MINT,
        top: 50,
        resolved: true,
        selected: 50,
        eligible: 1994,
        ownersSeen: 2000,
        accountsSeen: 2042,
        pages: 3,
        complete: true,
        excludedCounts: { burn: 1, amm: 1, exchange: 1, 'off-curve': 3 },
        excluded: [{ owner: '1nc1nerator11111111111111111111111111111111', amount: '25000000000000', accounts: 1, reason: 'burn', label: 'Solana incinerator (sdk incinerator::id)' }],
      }),
    ).toEqual([
      `Token ${MINT}: the top 50 of 1994 eligible holders (2000 owners, 2042 token accounts)`,
      '  left out: 1 burn, 1 amm, 1 exchange, 3 off-curve',
      '    1nc1nerator11111111111111111111111111111111  burn (Solana incinerator (sdk incinerator::id))',
    ]);
    expect(holderLines({ token: MINT, top: 100, resolved: false })).toEqual([`Token ${MINT}: resolving its top 100 holders`]);
    // an analysis that ended before its holders were known does not say it is resolving them
    expect(holderLines({ token: MINT, top: 100, resolved: false }, 'cancelled')).toEqual([`Token ${MINT}: its top 100 holders were not resolved (the analysis was cancelled)`]);
    expect(holderLines({ token: MINT, top: 100, resolved: false }, 'failed')).toEqual([`Token ${MINT}: its top 100 holders were not resolved (the analysis failed)`]);
  });

  it("says when the holders' accounts were read", () => {
    const read = { token: MINT, top: 20, resolved: true, selected: 20, eligible: 40, ownersSeen: 41, accountsSeen: 41, pages: 1, complete: true, excludedCounts: {}, excluded: [], scannedAt: '2026-12-06T19:20:05.123Z' };
    expect(holderLines(read).at(-1)).toBe("  holders as read at 2026-12-06 19:20:05 UTC (an earlier analysis's by the same API key, when within HOLDER_CACHE_SECONDS; --sync force reads them afresh)");
    // analyses resolved before the time was recorded
    const { scannedAt: _, ...before } = read;
    expect(holderLines(before).some((line) => line.includes('as read at'))).toBe(false);
  });

  it('says when the scan stopped at its page cap, and what the largest accounts read besides added', () => {
    const capped = { token: MINT, top: 50, resolved: true, selected: 50, eligible: 90_000, ownersSeen: 95_000, accountsSeen: 100_004, pages: 100, complete: false, excludedCounts: {}, excluded: [] };
    expect(holderLines(capped)[0]).toBe(`Token ${MINT}: the top 50 of 90000 eligible holders (95000 owners, 100004 token accounts, first 100 pages only)`);
    expect(holderLines({ ...capped, largestAccounts: { read: 20, added: 4 } })[0]).toBe(`Token ${MINT}: the top 50 of 90000 eligible holders (95000 owners, 100004 token accounts, first 100 pages only, and its 20 largest accounts, 4 of them past those pages)`);
    expect(holderLines({ ...capped, largestAccounts: { read: 0, added: 0, unread: 'ProviderUnavailableError: HTTP 503' } })[0]).toContain('first 100 pages only; its largest accounts could not be read (ProviderUnavailableError: HTTP 503))');
  });

  it('says among how many of the largest owners the eligible ones were counted, when not all were tested', () => {
    const many = { token: MINT, top: 50, resolved: true, selected: 50, eligible: 97_000, ownersSeen: 480_000, ownersTested: 100_000, accountsSeen: 500_000, pages: 50, complete: false, excludedCounts: {}, excluded: [] };
    expect(holderLines(many)[0]).toBe(`Token ${MINT}: the top 50 of 97000 eligible holders among the largest 100000 owners tested (480000 owners, 500000 token accounts, first 50 pages only)`);
  });

  it('says where the token launched, or why its launch was not read', () => {
    const resolved = { token: MINT, top: 10, resolved: true, selected: 10, eligible: 10, ownersSeen: 10, accountsSeen: 10, pages: 1, complete: true, excludedCounts: {}, excluded: [] };
    const sig = '5'.repeat(88);
    expect(holderLines({ ...resolved, launch: { signature: sig, slot: 290_000_123, timestamp: 1_727_000_000 } }).at(-1)).toBe(
      `  launch: slot 290000123 on 2024-09-22 10:13:20 UTC (${sig}): buys in its block are a launch-block co-buy`,
    );
    expect(holderLines({ ...resolved, launch: null, launchUnread: 'the mint has no transactions' }).at(-1)).toBe(
      '  launch: not read (the mint has no transactions); a bundle among its snipers may not show',
    );
  });
});
