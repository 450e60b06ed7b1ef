// POST /__sim/config changes knobs at runtime; null sets a knob to "none" (a rate limit back to
// unlimited), an absent key keeps it.
import { startSimulator, type SimulatorHandle } from '../../../src/simulator';
import { addr, swaps, worldWith } from '../providers/worlds';

const WALLET = addr('wallet', 'sim-config');
let sim: SimulatorHandle;
beforeAll(async () => {
  sim = await startSimulator({ world: worldWith([{ address: WALLET, trades: swaps(3) }]), rateLimits: { heliusRps: 5 } });
});
afterAll(() => sim.close());

const postConfig = (body: string) => fetch(`${sim.url}/__sim/config`, { method: 'POST', body });
const history = () => fetch(`${sim.url}/v0/addresses/${WALLET}/transactions?api-key=k`).then((r) => r.status);

describe('POST /__sim/config', () => {
  it('sets a rate limit back to none with null, keeping the knobs it does not name', async () => {
    const limited = (await (await postConfig(JSON.stringify({ rateLimits: { heliusRps: 0, dexscreenerRpm: 7 } }))).json()) as { rateLimits: unknown };
    expect(limited.rateLimits).toMatchObject({ heliusRps: 0, dexscreenerRpm: 7 });
    expect(await history()).toBe(429);

    const res = await postConfig(JSON.stringify({ rateLimits: { heliusRps: null } }));
    expect(res.status).toBe(200);
    expect(((await res.json()) as { rateLimits: unknown }).rateLimits).toMatchObject({ heliusRps: null, dexscreenerRpm: 7 });
    expect(sim.knobs().rateLimits.heliusRps).toBeNull();
    expect(await history()).toBe(200);
  });

  it('refuses a body that is not a JSON object, changing nothing', async () => {
    const before = sim.knobs();
    for (const body of ['null', '[1]', '"x"', '{not json']) {
      const res = await postConfig(body);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: string }).error).toMatch(/^invalid config: /);
    }
    expect(sim.knobs()).toEqual(before);
  });

  it('holds the answers of a paused endpoint until a later patch lets them through', async () => {
    await postConfig(JSON.stringify({ rateLimits: { heliusRps: null } }));
    const paused = await postConfig(JSON.stringify({ paused: ['helius:history'] }));
    expect(((await paused.json()) as { paused: string[] }).paused).toEqual(['helius:history']);
    const answered: number[] = [];
    const first = history().then((status) => answered.push(status));
    const second = history().then((status) => answered.push(status));
    // both reached the simulator (logged) and a request to another provider is answered meanwhile
    while (sim.requestLog.filter((r) => r.endpoint === 'helius:history').length < 2) await new Promise((r) => setTimeout(r, 5));
    const rpc = await fetch(`${sim.url}/?api-key=k`, { method: 'POST', body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'getBalance', params: [WALLET] }) });
    expect(rpc.status).toBe(200);
    expect(answered).toEqual([]);
    // a patch that keeps it paused sends nothing; one that takes it out sends both
    await postConfig(JSON.stringify({ latencyMs: 0 }));
    await fetch(`${sim.url}/__sim/health`);
    expect(answered).toEqual([]);
    await postConfig(JSON.stringify({ paused: [] }));
    await Promise.all([first, second]);
    expect(answered).toEqual([200, 200]);
  });

  it('refuses a paused knob that is not a list of providers or their endpoints', async () => {
    const before = sim.knobs();
    for (const paused of ['helius:history', [1], { a: 1 }, ['dexscreener:tokens', 'helius-history'], ['']]) {
      const res = await postConfig(JSON.stringify({ paused }));
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: string }).error).toMatch(/^invalid config: paused must be a list/);
    }
    expect(sim.knobs()).toEqual(before);
  });
});
