// The generator's holder token (option holderToken): a token with thousands of holders, as DAS
// getTokenAccounts lists them, including the owners a holder analysis must leave out (pool vaults
// and an AMM authority, which are program-derived; a burn account; an exchange hot wallet; a market
// maker's hot wallet no list names, busy on chain). Its
// launch, as the chain would show it: a bundle of top holders buying in its creation block, and a
// crowd of snipers among the top holders buying in the seconds after.
import type { GeneratorKit, Token, Wallet } from './generator-kit';
import type { Service } from './world';
import { programDerivedAddress, walletAddress } from './keys';
import type { GroundTruth } from './world';

type Holder = NonNullable<Token['holders']>[number];

export const HOLDER_TOKEN_WALLETS_DEFAULT = 60;
const HOLDER_TOKEN_PRICE_USD = 0.0042;
/**
 * the launch: a bundle of 3 to 6 top holders (after the copy-trader group), then 10 to 40 snipers
 * over the next `sniperSeconds` (drawn per world)
 */
export const HOLDER_TOKEN_LAUNCH = { bundle: [3, 6], snipers: [10, 40], sniperSeconds: 20 } as const;
/** The Solana incinerator and the Raydium AMM v4 authority: real addresses, as on mainnet. */
const INCINERATOR = '1nc1nerator11111111111111111111111111111111';
const RAYDIUM_AMM_AUTHORITY = '5Q544fKrFoe6tsEbD7S8EmxGTJYAKtTVhAW5Q5pge4j1';
const BINANCE_HOT_WALLET = '5tzFkiKscXHK5ZXCGbXZxdw7gTjjD1mBwuoFbhUvuAi9';

/** Adds the holder token to `kit.tokens`, its world wallets to `wallets`, and its facts to `truth`. */
export function addHolderToken(kit: GeneratorKit, spec: { holders: number; wallets?: number }, seed: number, wallets: Wallet[], truth: GroundTruth, services: Service[]): void {
  const { rng, logUniform, addr, priced, makePlays, tradesFor, noise, playsPerWallet, noiseCount } = kit;
  const mint = addr('holder-token');
  const wanted = Math.max(2, Math.min(spec.wallets ?? HOLDER_TOKEN_WALLETS_DEFAULT, spec.holders));
  const holders: Holder[] = [];
  const amount = (ui: number) => String(Math.max(1, Math.round(ui)));

  // Above every ordinary holder: what a holder analysis must drop.
  const vaults = [0, 1, 2].map((k) => programDerivedAddress(String(seed), 'holder-token', 'pool-vault', String(k)));
  // a market maker's hot wallet no list names: an ordinary key, a busy service on chain
  const marketMaker = walletAddress(String(seed), 'holder-token', 'market-maker');
  services.push({ address: marketMaker, label: 'market maker hot wallet (unlisted)', transactionsPerHour: 3_000 });
  const excluded = [...vaults, RAYDIUM_AMM_AUTHORITY, INCINERATOR, BINANCE_HOT_WALLET, marketMaker];
  holders.push(
    { owner: marketMaker, amount: amount(6e6), label: 'market maker hot wallet (unlisted)' },
    { owner: vaults[0], amount: amount(90e6), label: 'pool vault (PDA)' },
    { owner: vaults[1], amount: amount(40e6), label: 'pool vault (PDA)' },
    { owner: vaults[2], amount: amount(12e6), accounts: 2, label: 'pool vault (PDA)' },
    { owner: RAYDIUM_AMM_AUTHORITY, amount: amount(9e6), label: 'AMM authority' },
    { owner: INCINERATOR, amount: amount(25e6), label: 'burn' },
    { owner: BINANCE_HOT_WALLET, amount: amount(7e6), label: 'exchange hot wallet' },
  );

  // The largest ordinary holders: world wallets with histories, a copy-trader group among them.
  const groupPlays = makePlays(playsPerWallet, Array.from({ length: 6 }, () => kit.pick(priced)));
  const group: string[] = [];
  const holderWallets: Wallet[] = [];
  const top = Array.from({ length: wanted }, () => logUniform(2e5, 5e6)).sort((a, b) => b - a);
  for (let i = 0; i < wanted; i++) {
    const address = walletAddress(String(seed), 'holder-token', 'wallet', String(i));
    const inGroup = i < 3;
    const trades = inGroup ? tradesFor(groupPlays, () => (i === 0 ? 0 : 1 + Math.floor(rng() * 20)), 0.5 + rng()) : tradesFor(makePlays(playsPerWallet, priced), () => 0, logUniform(0.2, 5));
    const n = noise(address, noiseCount);
    const wallet: Wallet = { address, label: `holder of the holder token${inGroup ? ' (copy-trader group)' : ''}`, solBalance: Number(logUniform(0.5, 80).toFixed(4)), trades: [...trades, ...n.trades], transfers: n.transfers };
    wallets.push(wallet);
    holderWallets.push(wallet);
    if (inGroup) group.push(address);
    holders.push({ owner: address, amount: amount(top[i]), accounts: i % 7 === 3 ? 2 : 1 });
  }

  // The tail: small holders without histories.
  for (let i = 0; i < spec.holders - wanted; i++) {
    holders.push({ owner: walletAddress(String(seed), 'holder-token', 'tail', String(i)), amount: amount(logUniform(1, 1.5e5)), accounts: i % 50 === 0 ? 2 : 1 });
  }

  // Emptied accounts: holders who sold out keep their token account at zero (getProgramAccountsV2
  // lists them, DAS does not; neither is a holder). No draw: the rest of the world is as without them.
  for (let i = 0; i < Math.floor(spec.holders / 40); i++) holders.push({ owner: walletAddress(String(seed), 'holder-token', 'emptied', String(i)), amount: '0' });

  // The launch (drawn after everything above, so the rest of the world is what it was without it).
  // The bundle's buys land in the creation block (the mint's first transactions); each member was
  // funded apart and trades on its own, so that block is all that links them. The snipers land a
  // block or more later, several in one block by chance: a crowd that is not related.
  const between = ([lo, hi]: readonly [number, number]) => lo + Math.floor(rng() * (hi - lo + 1));
  const bundleSize = Math.min(between(HOLDER_TOKEN_LAUNCH.bundle), wanted - 5);
  if (bundleSize >= 2) {
    const sniperCount = between(HOLDER_TOKEN_LAUNCH.snipers);
    const launchTs = kit.start + 5 * 86_400 + Math.floor(rng() * 86_400);
    const buyAt = (w: Wallet, ts: number, sol: number) => {
      w.trades = [...(w.trades ?? []), { ts, side: 'buy', mint, amount: kit.ui((sol * kit.solPriceUsd) / HOLDER_TOKEN_PRICE_USD, 6), quote: 'SOL', quoteAmount: kit.ui(sol, 9), source: 'PUMP_FUN' }];
    };
    const bundle = holderWallets.slice(3, 3 + bundleSize);
    for (const w of bundle) {
      buyAt(w, launchTs, logUniform(1, 4));
      w.label = 'holder of the holder token (launch bundle)';
    }
    const snipers = holderWallets.slice(3 + bundleSize, 3 + bundleSize + sniperCount);
    for (const w of snipers) {
      buyAt(w, launchTs + 1 + Math.floor(rng() * HOLDER_TOKEN_LAUNCH.sniperSeconds), logUniform(0.2, 2));
      w.label = 'holder of the holder token (sniper)';
    }
    truth.clusters.push(bundle.map((w) => w.address));
    truth.clusterKinds?.push('launch-bundle');
    truth.decoys = [...(truth.decoys ?? []), { kind: 'sniper-crowd', members: snipers.map((w) => w.address), mint }];
  }

  kit.tokens.push({ mint, symbol: 'HOLD', name: 'Holder Coin', decimals: 6, program: 'spl-token', priceUsd: HOLDER_TOKEN_PRICE_USD, liquidityUsd: 250_000, holders });
  truth.clusters.push(group);
  truth.clusterKinds?.push('copy-traders');
  truth.holderToken = { mint, excludedOwners: excluded };
}
