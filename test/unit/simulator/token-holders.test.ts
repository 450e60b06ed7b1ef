// The simulator's DAS getTokenAccounts: the real wire format (the schemas the client validates with),
// paging by page and by cursor, in address order, over the generator's holder token.
import { GetTokenAccountsResultSchema, RpcEnvelopeSchema } from '../../../src/providers/schemas';
import { HeliusClient, HeliusDasClient, SolanaRpcClient } from '../../../src/providers';
import { isOnCurve } from '../../../src/domain/holders/on-curve';
import { generateWorld, parseWorld, startSimulator, type SimulatorHandle } from '../../../src/simulator';

const world = parseWorld(generateWorld({ seed: 5, wallets: 8, txPerWallet: 6, largeWallet: false, holderToken: { holders: 2500, wallets: 20 } }));
const { mint, excludedOwners } = world.groundTruth!.holderToken!;
let sim: SimulatorHandle;

beforeAll(async () => {
  sim = await startSimulator({ world });
});
afterAll(() => sim.close());

async function rpc(body: unknown): Promise<{ status: number; text: string }> {
  const res = await fetch(`${sim.url}/?api-key=k`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, text: await res.text() };
}

describe('simulator getTokenAccounts', () => {
  it('answers a page in the documented shape: a JSON-RPC envelope with total, limit, page and token_accounts', async () => {
    const { status, text } = await rpc({ jsonrpc: '2.0', id: 'x', method: 'getTokenAccounts', params: { mint, page: 1, limit: 3 } });
    expect(status).toBe(200);
    const envelope = RpcEnvelopeSchema.parse(JSON.parse(text));
    expect(envelope.id).toBe('x');
    const result = GetTokenAccountsResultSchema.parse(envelope.result);
    expect(result).toMatchObject({ total: 3, limit: 3, page: 1 });
    expect(Object.keys(result.token_accounts[0]).sort()).toEqual(['address', 'amount', 'delegated_amount', 'frozen', 'mint', 'owner']);
    expect(result.token_accounts.every((a) => a.mint === mint && a.amount > 0n)).toBe(true);
    // amounts are bare JSON integers, as DAS writes them
    expect(text).toMatch(/"amount":\d+,/);
  });

  it('lists every account once, in address order, whether paged by cursor (the client) or by page', async () => {
    const client = new HeliusDasClient({ url: sim.url, apiKey: 'k' });
    const byCursor = await client.getTokenAccounts(mint, { maxPages: 10 });
    await client.close();
    expect(byCursor).toMatchObject({ pages: 4, complete: true });
    const addresses = byCursor.accounts.map((a) => a.address);
    expect(new Set(addresses).size).toBe(addresses.length);
    expect(addresses).toEqual(sim.world.mintAccounts(mint).map((a) => a.pubkey));

    const byPage: string[] = [];
    for (let page = 1; ; page++) {
      const { text } = await rpc({ jsonrpc: '2.0', id: 1, method: 'getTokenAccounts', params: { mint, limit: 1000, page } });
      const result = GetTokenAccountsResultSchema.parse(JSON.parse(text).result);
      if (result.token_accounts.length === 0) break;
      byPage.push(...result.token_accounts.map((a) => a.address));
    }
    expect(byPage).toEqual(addresses);
  });

  it('has thousands of holders, among them program-owned vaults, a burn account and an exchange above the ordinary wallets', () => {
    const accounts = sim.world.mintAccounts(mint);
    const owners = new Set(accounts.map((a) => a.owner));
    expect(owners.size).toBeGreaterThanOrEqual(2500);
    for (const owner of excludedOwners) expect(owners.has(owner)).toBe(true);
    expect(excludedOwners.filter((o) => !isOnCurve(o))).toHaveLength(5); // 3 vaults, the AMM authority, the incinerator
    const worldWallets = world.wallets.filter((w) => owners.has(w.address));
    expect(worldWallets).toHaveLength(20);
    expect(worldWallets.every((w) => isOnCurve(w.address))).toBe(true);
  });

  it('shows a world holder’s accounts through getTokenAccountsByOwner too', async () => {
    const holder = sim.world.mintAccounts(mint).find((a) => sim.world.indexOf(a.owner) !== undefined)!;
    const client = new SolanaRpcClient({ url: sim.url, apiKey: 'k' });
    const holdings = await client.getTokenBalances(holder.owner);
    await client.close();
    expect(holdings.balances.find((b) => b.mint === mint)).toBeDefined();
  });

  it('rejects a request without mint or owner, and a limit above 1,000, with -32602', async () => {
    for (const params of [{ page: 1 }, { mint, limit: 1001 }]) {
      const { text } = await rpc({ jsonrpc: '2.0', id: 1, method: 'getTokenAccounts', params });
      expect(JSON.parse(text).error.code).toBe(-32602);
    }
  });

  it('answers a method named in unsupportedMethods -32601 with the request\'s id, each request of a batch on its own, and logs it as refused', async () => {
    sim.configure({ unsupportedMethods: ['getProgramAccountsV2'] });
    try {
      const before = sim.requestLog.length;
      const single = await rpc({ jsonrpc: '2.0', id: 'v2', method: 'getProgramAccountsV2', params: ['TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA', { encoding: 'base64' }] });
      expect(JSON.parse(single.text)).toEqual({ jsonrpc: '2.0', error: { code: -32601, message: 'Method not found' }, id: 'v2' });
      const batch = await rpc([
        { jsonrpc: '2.0', id: 1, method: 'getSlot', params: [] },
        { jsonrpc: '2.0', id: 2, method: 'getProgramAccountsV2', params: [] },
      ]);
      const [served, refused] = JSON.parse(batch.text) as Array<{ id: number; result?: unknown; error?: { code: number } }>;
      expect(served).toMatchObject({ id: 1, result: expect.any(Number) });
      expect(refused).toMatchObject({ id: 2, error: { code: -32601 } });
      expect(sim.requestLog.slice(before).map((r) => r.injected)).toEqual(['unsupported-method', 'unsupported-method']);
      // served again once the knob is cleared
      sim.configure({ unsupportedMethods: [] });
      const again = await rpc({ jsonrpc: '2.0', id: 3, method: 'getSlot', params: [] });
      expect(JSON.parse(again.text)).toMatchObject({ id: 3, result: expect.any(Number) });
      expect(sim.requestLog.at(-1)?.injected).toBeUndefined();
    } finally {
      sim.configure({ unsupportedMethods: [] });
    }
  });
});

describe('simulator: a token mint\'s history (the launch read)', () => {
  const truth = world.groundTruth!;
  const bundle = truth.clusters[truth.clusterKinds!.indexOf('launch-bundle')];
  const snipers = truth.decoys!.find((d) => d.kind === 'sniper-crowd')!.members;

  it('lists every wallet\'s trades of the mint, oldest first with sort-order=asc, newest first by default, paged by cursor', async () => {
    const helius = new HeliusClient({ baseUrl: sim.url, apiKey: 'k' });
    try {
      const oldest = await helius.fetchHistoryPage(mint, { sortOrder: 'asc', limit: bundle.length });
      // the creation block: the bundle's buys, in one slot, before any sniper
      expect(oldest.transactions.map((t) => t.feePayer).sort()).toEqual([...bundle].sort());
      expect(new Set(oldest.transactions.map((t) => t.slot)).size).toBe(1);
      for (const t of oldest.transactions) expect(t.tokenTransfers?.some((x) => x.mint === mint)).toBe(true);
      const next = await helius.fetchHistoryPage(mint, { sortOrder: 'asc', limit: 100, before: oldest.nextCursor! });
      expect(next.transactions.every((t) => t.slot > oldest.transactions[0].slot)).toBe(true);
      expect(new Set(next.transactions.map((t) => t.feePayer))).toEqual(new Set(snipers));
      const newest = await helius.fetchHistoryPage(mint, { limit: 100 });
      expect(newest.transactions.map((t) => t.signature)).toEqual([...oldest.transactions, ...next.transactions].map((t) => t.signature).reverse());
    } finally {
      await helius.close();
    }
  });

  it('answers an address that is neither a wallet nor a mint with an empty page, and a cursor of another address with 400', async () => {
    const res = await fetch(`${sim.url}/v0/addresses/${excludedOwners[0]}/transactions?api-key=k`);
    expect(await res.json()).toEqual([]);
    const other = await fetch(`${sim.url}/v0/addresses/${mint}/transactions?api-key=k&sort-order=asc&after-signature=${sim.world.signature(0, 0)}`);
    expect(other.status).toBe(400);
  });
});
