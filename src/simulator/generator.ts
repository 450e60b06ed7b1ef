// Generates a world with known structure and its ground truth. Deterministic for a given seed.
// The classic scenario: copy-trader groups (same tokens, buys seconds apart), scaled-capital groups
// (same plays minutes apart at 1x/4x/0.25x size), distractors (same popular tokens, independent
// timing and sizes), independent wallets, and one wallet with 10,000+ token accounts.
// The hard scenario (generator-hard.ts): groups that hide among decoys, for the detection benchmark.
// The adversarial scenario (generator-adversarial.ts): groups only the chain's word or a rare trace
// gives away, among strangers that look like them.
import { generatorKit, type GenerateOptions, type Trade, type Wallet } from './generator-kit';
import { generateHardWallets } from './generator-hard';
import { generateAdversarialWallets } from './generator-adversarial';
import { addHolderToken } from './generator-holders';
import type { GroundTruth, WorldInput } from './world';

export type { GenerateOptions } from './generator-kit';

export function generateWorld(options: GenerateOptions): WorldInput {
  const kit = generatorKit(options);
  const scenario = options.scenario ?? 'classic';
  const { wallets, truth, services, outsideTransfers }: ReturnType<typeof generateAdversarialWallets> =
    scenario === 'hard'
      ? { ...generateHardWallets(kit, options), outsideTransfers: [] }
      : scenario === 'adversarial'
        ? generateAdversarialWallets(kit, options)
        : { ...classicWallets(kit, options), services: [], outsideTransfers: [] };
  if (options.holderToken) addHolderToken(kit, options.holderToken, options.seed, wallets, truth, services);
  return {
    $schema: './world.schema.json',
    name: options.name ?? (scenario === 'classic' ? `generated-seed-${options.seed}` : `generated-${scenario}-seed-${options.seed}`),
    description: `generated${scenario === 'hard' ? ' (hard cases)' : scenario === 'adversarial' ? ' (adversarial cases)' : ''}: seed ${options.seed}, ${options.wallets} wallets, ~${options.txPerWallet} transactions each`,
    solPriceUsd: kit.solPriceUsd,
    tokens: kit.tokens,
    wallets,
    ...(services.length > 0 ? { services } : {}),
    ...(outsideTransfers.length > 0 ? { outsideTransfers } : {}),
    groundTruth: truth,
  };
}

function classicWallets(kit: ReturnType<typeof generatorKit>, options: GenerateOptions): { wallets: Wallet[]; truth: GroundTruth } {
  const { rng, pick, logUniform, addr, priced, popular, makePlays, tradesFor, noise, playsPerWallet, noiseCount } = kit;
  const wallets: Wallet[] = [];
  const truth: GroundTruth = { clusters: [], clusterKinds: [], independent: [], distractors: [], largeWallets: [] };
  let remaining = options.wallets;
  const addWallet = (label: string, trades: Trade[], extra: Partial<Wallet> = {}) => {
    const address = addr('wallet', String(wallets.length));
    const n = noise(address, noiseCount);
    wallets.push({ address, label, solBalance: Number(logUniform(0.5, 80).toFixed(4)), trades: [...trades, ...n.trades], transfers: n.transfers, ...extra });
    remaining -= 1;
    return address;
  };

  const large = (options.largeWallet ?? true) && remaining >= 4;
  const copyGroups = Math.max(1, Math.floor(options.wallets / 6));
  const scaledGroups = Math.max(1, Math.floor(options.wallets / 20));
  for (let g = 0; g < copyGroups && remaining >= 3 + (large ? 1 : 0); g++) {
    const size = options.wallets >= 20 && rng() < 0.3 ? 4 : 3;
    const favourites = Array.from({ length: 8 }, () => pick(priced));
    const plays = makePlays(playsPerWallet, favourites);
    const members: string[] = [];
    for (let m = 0; m < size; m++) members.push(addWallet(`copy-trader group ${g + 1}${m === 0 ? ' (leader)' : ''}`, tradesFor(plays, () => (m === 0 ? 0 : 1 + Math.floor(rng() * 20)), 0.5 + rng())));
    truth.clusters.push(members);
    truth.clusterKinds!.push('copy-traders');
  }
  for (let g = 0; g < scaledGroups && remaining >= 3 + (large ? 1 : 0); g++) {
    const plays = makePlays(playsPerWallet, Array.from({ length: 6 }, () => pick(priced)));
    const members = [1, 4, 0.25].map((w) => addWallet(`scaled-capital group ${g + 1} (${w}x)`, tradesFor(plays, () => 60 + Math.floor(rng() * 540), w)));
    truth.clusters.push(members);
    truth.clusterKinds!.push('scaled-capital');
  }
  if (large) truth.largeWallets!.push(addWallet('large wallet (10,050 token accounts)', tradesFor(makePlays(playsPerWallet, priced), () => 0, 1), { extraTokenAccounts: 10_050 }));
  const distractors = Math.max(1, Math.floor(options.wallets / 10));
  for (let d = 0; d < distractors && remaining > 0; d++) truth.distractors!.push(addWallet('distractor (popular tokens, own timing)', tradesFor(makePlays(playsPerWallet, popular), () => 0, logUniform(0.1, 10))));
  while (remaining > 0) truth.independent!.push(addWallet('independent', tradesFor(makePlays(playsPerWallet, priced), () => 0, logUniform(0.2, 5))));
  return { wallets, truth };
}
