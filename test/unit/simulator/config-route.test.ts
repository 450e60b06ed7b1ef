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
});
