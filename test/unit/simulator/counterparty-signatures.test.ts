// The simulator's getSignaturesForAddress for addresses that are not world wallets: a service's
// steady stream (world.services) and a funder's transfers with the world's wallets, read through the
// real RPC client over HTTP and classed as the similarity step classes them.
import { FUNDING_DEFAULTS, counterpartyActivityClass, fundingOriginOf, summariseSignatures } from '../../../src/domain/detection/funding';
import { HeliusClient, SolanaRpcClient } from '../../../src/providers';
import { startSimulator, type SimulatorHandle } from '../../../src/simulator';
import { walletAddress } from '../../../src/simulator/keys';
import type { WorldInput } from '../../../src/simulator/world';

const T0 = 1_730_000_000;
const FUNDER = walletAddress('test', 'funder');
const HOT = walletAddress('test', 'hot-wallet');
const ROOT = walletAddress('test', 'root');
const wallets = [0, 1, 2].map((i) => walletAddress('test', `wallet-${i}`));
const world: WorldInput = {
  name: 'counterparty-signatures',
  solPriceUsd: 150,
  tokens: [],
  wallets: wallets.map((address, i) => ({
    address,
    transfers: [
      { ts: T0 + i * 60, direction: 'in', mint: 'SOL', amount: '1.5', counterparty: FUNDER },
      { ts: T0 + 3600 + i, direction: 'in', mint: 'SOL', amount: '0.2', counterparty: HOT },
    ],
  })),
  services: [{ address: HOT, label: 'hot wallet', transactionsPerHour: 3600 }],
  // the funder was funded by ROOT before it funded the wallets, and ROOT by HOT before that
  outsideTransfers: [
    { from: ROOT, to: FUNDER, sol: '7.25', ts: T0 - 3600 },
    { from: HOT, to: ROOT, sol: '40', ts: T0 - 86_400 },
  ],
};

let sim: SimulatorHandle;
let rpc: SolanaRpcClient;
let helius: HeliusClient;
beforeAll(async () => {
  sim = await startSimulator({ world });
  rpc = new SolanaRpcClient({ url: sim.url, apiKey: 'k' });
  helius = new HeliusClient({ baseUrl: sim.url, apiKey: 'k' });
});
afterAll(async () => {
  await rpc.close();
  await helius.close();
  await sim.close();
});

describe('getSignaturesForAddress outside the world\'s wallets', () => {
  it('lists a funder\'s transfers with the wallets, newest first, as the same transactions the wallets list, and pages them', async () => {
    const all = (await rpc.getSignaturesForAddress(FUNDER, { limit: 1000 })).slice(0, 3);
    expect(all.map((s) => s.blockTime)).toEqual([T0 + 120, T0 + 60, T0]);
    for (const [i, s] of [...all].reverse().entries()) {
      const own = await rpc.getSignaturesForAddress(wallets[i], { limit: 1000 });
      expect(own.map((x) => x.signature)).toContain(s.signature);
    }
    const first = await rpc.getSignaturesForAddress(FUNDER, { limit: 2 });
    const rest = await rpc.getSignaturesForAddress(FUNDER, { limit: 2, before: first[1].signature });
    expect([...first, ...rest].map((s) => s.signature)).toEqual([...all.map((s) => s.signature), rest[1].signature]);
    expect(counterpartyActivityClass(summariseSignatures(all, 1000))).toBe('dedicated');
  });

  it('lists a service\'s steady stream up to the world\'s present, a full page within the hour, and pages on from any signature of it', async () => {
    const limit = FUNDING_DEFAULTS.activityPageLimit;
    const page = await rpc.getSignaturesForAddress(HOT, { limit });
    expect(page).toHaveLength(limit);
    expect(new Set(page.map((s) => s.signature)).size).toBe(limit);
    expect(page[0].blockTime).toBe(T0 + 3602); // the world's newest event
    expect(page[0].blockTime! - page[limit - 1].blockTime!).toBe(limit - 1);
    expect(counterpartyActivityClass(summariseSignatures(page, limit))).toBe('service');
    const next = await rpc.getSignaturesForAddress(HOT, { limit: 3, before: page[limit - 1].signature });
    expect(next.map((s) => s.blockTime)).toEqual([1, 2, 3].map((k) => page[limit - 1].blockTime! - k));
    // a signature that is not one of its own ends the listing
    const [funderNewest] = await rpc.getSignaturesForAddress(FUNDER, { limit: 1 });
    expect(await rpc.getSignaturesForAddress(HOT, { limit: 3, before: funderNewest.signature })).toEqual([]);
  });

  it('lists and parses SOL sent outside the world\'s wallets (world.outsideTransfers) for both sides, oldest last, as the funding chains read them', async () => {
    const funder = await rpc.getSignaturesForAddress(FUNDER, { limit: 1000 });
    expect(funder.map((s) => s.blockTime)).toEqual([T0 + 120, T0 + 60, T0, T0 - 3600]);
    const root = await rpc.getSignaturesForAddress(ROOT, { limit: 1000 });
    expect(root.map((s) => s.blockTime)).toEqual([T0 - 3600, T0 - 86_400]);
    expect(root[0].signature).toBe(funder[3].signature);
    // paging through the merged list
    expect((await rpc.getSignaturesForAddress(FUNDER, { limit: 2, before: funder[2].signature })).map((s) => s.signature)).toEqual([funder[3].signature]);
    expect(await rpc.getSignaturesForAddress(ROOT, { limit: 2, before: root[1].signature })).toEqual([]);
    // a service's stream stays its own
    expect((await rpc.getSignaturesForAddress(HOT, { limit: 1000 })).map((s) => s.signature)).not.toContain(root[1].signature);
    // POST /v0/transactions parses them through the real client's validation
    const parsed = await helius.getTransactions([funder[3].signature, root[1].signature, funder[0].signature]);
    expect(parsed.size).toBe(3);
    expect(fundingOriginOf(FUNDER, [parsed.get(funder[3].signature)!])).toMatchObject({ funder: ROOT, amount: '7.25', rawAmount: '7250000000', timestamp: T0 - 3600 });
    expect(fundingOriginOf(ROOT, [parsed.get(root[1].signature)!])).toMatchObject({ funder: HOT, amount: '40', timestamp: T0 - 86_400 });
    expect(fundingOriginOf(ROOT, [parsed.get(funder[3].signature)!])).toBeNull(); // the sender's side
  });

  it('lists nothing for an address the world never saw', async () => {
    expect(await rpc.getSignaturesForAddress(walletAddress('test', 'stranger'), { limit: 1000 })).toEqual([]);
  });
});
