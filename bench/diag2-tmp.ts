import { walletEngineInput, detect } from './lib/detection-pipeline';
import { detectV2 } from './lib/detection-v2';
import { generateWorld } from '../src/simulator/generator';
import { SimWorld } from '../src/simulator/model';
import { parseWorld } from '../src/simulator/world';
import { pairKey } from '../src/domain/evaluation';
const seeds = (process.argv[2] ?? '1,2,3,4,5').split(',').map(Number);
for (const seed of seeds) {
  const world = parseWorld(generateWorld({ seed, wallets: 40, txPerWallet: 40, scenario: 'hard', largeWallet: false }));
  const sim = new SimWorld(world);
  const built = world.wallets.map((_, i) => walletEngineInput(sim, i));
  const result = detect(built.map((b) => b.input));
  const v2 = detectV2(built.map((b) => ({ address: b.input.address, legs: b.input.legs, transactions: b.history })), result);
  const t = world.groundTruth!;
  const group = new Map<string, string>();
  t.clusters.forEach((m, i) => m.forEach((w) => group.set(w, `${t.clusterKinds?.[i]}#${i}`)));
  const label = (w: string) => `${w.slice(0, 6)}(${group.get(w) ?? '-'})`;
  for (const c of v2.clusters) {
    console.log(`seed ${seed} cluster:`, c.map(label).join(' '));
    for (const w of c) {
      const links = c.filter((x) => x !== w).map((x) => v2.scores.get(pairKey(w, x))!);
      const mean = links.reduce((s, l) => s + l.relatedness, 0) / links.length;
      if (!group.has(w) || c.some((x) => group.get(x) !== group.get(w)))
        console.log('   ', label(w), 'mean', mean.toFixed(3), links.map((l) => `${l.relatedness.toFixed(2)}[f${l.funding.toFixed(2)} b${l.bundle.toFixed(2)} t${l.timingV2.toFixed(2)} r${l.rarity.toFixed(2)}]`).join(' '));
    }
  }
  // min related pair and max unrelated
  let minRel = 1, maxUn = 0;
  for (const [k, s] of v2.scores) { const [a, b] = k.split('|'); const rel = group.has(a) && group.get(a) === group.get(b); if (rel) minRel = Math.min(minRel, s.relatedness); else maxUn = Math.max(maxUn, s.relatedness); }
  console.log(`seed ${seed}: min related ${minRel.toFixed(3)} max unrelated ${maxUn.toFixed(3)}`);
}
