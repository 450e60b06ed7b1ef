// The hard scenario's funding as the product reads it: every funding source of the ground truth
// (launch-bundle funders, exchange hot wallets) is a plain SOL transfer into each wallet it funded,
// in the Helius Enhanced Transactions the simulator serves, and extractTransfers finds it.
import { extractTransfersMany } from '../../../src/domain/detection/transfers';
import { generateWorld, parseWorld, SimWorld } from '../../../src/simulator';

const world = new SimWorld(parseWorld(generateWorld({ seed: 1, wallets: 40, txPerWallet: 40, scenario: 'hard', largeWallet: false })));
const history = (address: string) => {
  const w = world.indexOf(address)!;
  return Array.from({ length: world.historyLength(w) }, (_, i) => world.transaction(w, i));
};

describe('hard scenario funding in the served history', () => {
  const sources = world.world.groundTruth!.fundingSources!;

  it('lists bundle funders and exchange hot wallets that funded several wallets', () => {
    expect(sources.filter((s) => s.kind === 'bundle-funder').length).toBeGreaterThanOrEqual(2);
    expect(sources.filter((s) => s.kind === 'exchange-hot-wallet').some((s) => s.funded.length >= 5)).toBe(true);
  });

  it('shows every funded wallet a SOL transfer in from its funder, exact to the lamport', () => {
    for (const source of sources) {
      for (const wallet of source.funded) {
        const fromFunder = extractTransfersMany(history(wallet), wallet).filter((t) => t.counterparty === source.address && t.direction === 'in' && t.asset === 'SOL');
        expect({ wallet, funder: source.address, found: fromFunder.length > 0 }).toEqual({ wallet, funder: source.address, found: true });
        const declared = world.world.wallets.find((x) => x.address === wallet)!.transfers.filter((t) => t.counterparty === source.address && t.direction === 'in' && !t.failed);
        expect(fromFunder.map((t) => t.amount).sort()).toEqual(declared.map((t) => t.amount).sort());
        expect(fromFunder.every((t) => t.amountExact && t.decimals === 9)).toBe(true);
      }
    }
  });

  it('shows the sweeps of bundle members back to their funder as SOL transfers out', () => {
    let sweeps = 0;
    for (const source of sources.filter((s) => s.kind === 'bundle-funder')) {
      for (const wallet of source.funded) {
        const declared = world.world.wallets.find((x) => x.address === wallet)!.transfers.filter((t) => t.counterparty === source.address && t.direction === 'out');
        const found = extractTransfersMany(history(wallet), wallet).filter((t) => t.counterparty === source.address && t.direction === 'out');
        expect(found.map((t) => t.amount).sort()).toEqual(declared.map((t) => t.amount).sort());
        sweeps += found.length;
      }
    }
    expect(sweeps).toBeGreaterThan(0);
  });
});
