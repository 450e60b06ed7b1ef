// The adversarial scenario: groups that hide behind what a funding or timing rule cannot see without
// the chain's help, and strangers that look like them, so that `npm run bench:detection -- --scenario
// adversarial` measures the classes the detection engine was changed for (docs/analytics.md §5).
// Related (ground-truth clusters), none of them trading together:
// - large-operator: a dozen wallets or more first funded within the hour, each with its own amount,
//   from one wallet of the operator's own (a short history on chain: its transfers with them), which
//   many of them sweep back to;
// - exchange-withdrawal: wallets withdrawn to from a listed exchange (which weighs 0 as a common
//   funder) with exactly the same odd amount within minutes;
// - unlisted-withdrawal: the same from an exchange on no list (a busy service on chain), the one
//   whose customers are the decoys below;
// - diluted-copy-chain: a leader and followers copying a quarter of its buys at a steady lag, among
//   three times as many trades of their own;
// - hop-funded-operator: wallets each first funded by a fresh wallet of their own (a hop), the hops
//   funded days apart by one wallet of the operator's (world.outsideTransfers): nothing in common
//   one hop up, the operator two hops up.
// - relay-operator: a trading wallet of the operator's, itself analysed, that funds its other wallets
//   each through a fresh wallet of its own, days apart (one through two fresh wallets in a row): no
//   transfer between any two of them;
// - exchange-hop-withdrawal: wallets each first funded by a fresh wallet of their own, each with its
//   own amount hours or days later, the fresh wallets withdrawn to from a listed exchange with the
//   same odd amount within minutes.
// - sweep-operator: wallets each funded on their own, that sweep their SOL days apart each to a fresh
//   deposit address of its own, which forwards it within hours to one collecting wallet of the
//   operator's (world.outsideTransfers): no destination in common, the collector one hop down.
// - layered-sweep-operator: the same, each deposit address forwarding to another fresh address of
//   the operator's, which forwards to the collector: the collector two hops down.
// - deposit-reuse-operator: wallets depositing SOL weeks apart into one deposit address of their
//   owner's account at the unlisted exchange (which the account's other wallets deposit into too, so
//   its history is longer than a fresh address's), passed on to the exchange's hot wallet.
// - fee-payer-operator: wallets each funded on their own, none sending SOL to another, every trade of
//   theirs signed and paid for by one fee payer of the operator's (outside the group): nothing in
//   common but who paid their fees (engine 2.8.0).
// - sponsoring-member-operator: the same, the fee payer being one of the operator's analysed wallets,
//   which trades on its own besides.
// - crowd-copier: a leader and followers of a crowd that buys the same launches within half an hour
//   of each: the followers buy them at scattered times like everyone and besides copy half of the
//   leader's launch buys 20 s late (their sales 40 s late: the buy's delay again), so the median
//   lag of their matches is the crowd's, off the copies (engine 2.9.0).
// - nft-operator: wallets each funded and trading on their own that each hand a pass NFT they minted
//   to one of them (the vault), days apart: nothing but the NFTs in common (engine 2.18.0).
// - nft-wash: wallets each funded and trading on their own that wash-trade NFTs of one collection
//   (minted to one of them) among themselves through a marketplace (Magic Eden or Tensor sales),
//   hours to days apart at high, similar prices: each NFT around the ring back to its first seller,
//   one back and forth between two of them; no SOL between them but through the market's escrows.
// - nft-ring: wallets each funded and trading on their own that pass one NFT once around their ring
//   through markets, each sale a day or more after the one before, back to the first: each wallet
//   sells to one of the others once, and nothing else is in common (engine 2.20.0's round trips).
// Unrelated decoys (ground-truth `decoys`):
// - unlisted-exchange: wallets first funded within the hour by one exchange hot wallet that is on no
//   list (a `service`: thousands of transactions an hour on chain), each with its own amount;
// - dust-spray: wallets whose first inbound SOL is the same dust from one sprayer at the same
//   second, before their own funding (on chain the sprayer shows only these sprays);
// - exchange-hop: wallets each first funded by a fresh wallet of their own that the unlisted
//   exchange funded: their chains meet at a service, which is no one's funder.
// - paid-hop: a wallet that paid someone's wallet (funded before by its owner) that later first
//   funded another stranger: the payer sent to the payee's first funder, but funded neither;
// - old-exchange-funders: strangers each first funded by a long-lived wallet of their own (a few dozen
//   transactions), those wallets withdrawn to from a listed exchange with the same odd amount within
//   minutes, months before: the same amount one hop up, but nothing fresh about it.
// - exchange-deposit: strangers each sweeping to a deposit address of its own at an exchange, which
//   forwards to the exchange's hot wallet (the listed one, the unlisted busy one, or a small one on no
//   list whose history is long but slow: neither a service nor a wallet of one owner), every other
//   one through a forwarding address of the exchange's besides: the shape of the sweep-operators, at
//   an exchange.
// - shared-payee: strangers paying one person's wallet days apart, which passes all of it on to its
//   owner's other wallet, cashes out at the listed exchange and pays others, or cashes out all it
//   received at once days later: no deposit address.
// - gasless-relayer: strangers trading at random times, about half of their trades through a gasless
//   app whose relayer (a busy service on chain) signs and pays the fee.
// - launch-crowd: strangers of the crowd-copier's crowd, buying the same launches at scattered times.
// - launch-traders: strangers whose trading is mostly a stream of fresh launches (pump.fun's crowds),
//   each bought within half an hour of its first buy and sold within the hour: any two match on most
//   launches both traded, within timing's window (engine 2.10.0).
// - nft-spray: strangers each sent an NFT of one collection within minutes by a sprayer that sends
//   thousands an hour (a service on chain).
// - nft-stakers: strangers each staking an NFT they minted into one staking program's vault (a
//   program's address, off the curve) within hours.
// - nft-collectors: strangers buying and selling NFTs of one popular collection around its floor
//   with many outside wallets, and by chance a few arm's-length sales among them (at most one between
//   any two, one way; one NFT resold on, A to B, days later B to C; none back to a wallet that sold it).
// The NFT market cases (nft-wash, nft-collectors, nft-ring) come only whole and with
// `nftMarketIndependents` independents left after them, so a world of 152 wallets or fewer is the one
// engine 2.18.0 was measured on; at 172 wallets every case appears whole (at 165 to 171, all but nft-ring).
// Everyone else is independent, funded by a wallet of its own.
import { KNOWN_ADDRESSES } from '../domain/detection/funding';
import { programDerivedAddress } from './keys';
import type { Funding, GenerateOptions, GeneratorKit, Trade, Wallet } from './generator-kit';
import type { GroundTruth, NFT_MARKETS, OutsideTransfer, Service } from './world';

/** The knobs of the adversarial cases, in one place. */
export const ADVERSARIAL_CASES = {
  /** the operator's wallets: this share of the world, at least 10 */
  operatorShare: 0.25,
  operatorMinWallets: 10,
  /** its fundings spread over this many seconds, and the share of its wallets that sweep back */
  operatorFundingSpreadSeconds: 3600,
  operatorSweepShare: 0.6,
  withdrawalWallets: 5,
  unlistedWithdrawalWallets: 4,
  /** the withdrawals' spread (seconds) */
  withdrawalSpreadSeconds: 300,
  copyFollowers: 2,
  /** followers copy this share of the leader's buys, at this lag (seconds, ± 1 s) */
  copyShare: 0.25,
  copyLagSeconds: 15,
  /** own plays of each chain member, as a multiple of the plays per wallet */
  copyOwnPlays: 3,
  unlistedExchangeWallets: 4,
  /** wallets funded through a fresh wallet each by one operator, its fundings of the hops spread over this many seconds */
  hopOperatorWallets: 5,
  hopFundingSpreadSeconds: 4 * 86_400,
  /** the relay operator's wallets, its trading wallet among them */
  relayOperatorWallets: 5,
  /** wallets funded through fresh wallets that one withdrawal page of a listed exchange funded */
  exchangeHopWithdrawalWallets: 4,
  /** strangers whose own long-lived funders that exchange withdrew one amount to, months before */
  oldExchangeFunderWallets: 3,
  /** those funders' transactions besides (payments to others over the months) */
  oldFunderPayments: 30,
  /** strangers funded through a fresh wallet each by the unlisted exchange */
  exchangeHopWallets: 4,
  unlistedExchangeSpreadSeconds: 3600,
  dustWallets: 4,
  dustSol: '0.001',
  /** wallets sweeping through fresh deposit addresses of their own to one collector, their sweeps spread over this many seconds */
  sweepOperatorWallets: 5,
  sweepSpreadSeconds: 6 * 86_400,
  /** wallets sweeping each through two fresh addresses of their own in a row to one collector */
  layeredSweepWallets: 4,
  /** wallets depositing weeks apart into one deposit address of their owner's exchange account… */
  depositReuseWallets: 4,
  depositReuseSpreadSeconds: 30 * 86_400,
  /** …which the account's other wallets (not analysed) deposit into too: a history longer than a fresh address's */
  depositReuseOtherDeposits: 12,
  /**
   * strangers paying one person's wallet, days apart, two by two: one passing all on to its owner's
   * wallet, one cashing out at an exchange and paying others, one cashing out once at an exchange
   */
  sharedPayeeWallets: 6,
  /** strangers sweeping to deposit addresses of their own at an exchange */
  exchangeDepositWallets: 4,
  /** a small exchange's hot wallet on no list: too slow for a service, too long a history for one owner's */
  smallExchangeTransactionsPerHour: 20,
  /** the services' rates on chain (getSignaturesForAddress) */
  serviceTransactionsPerHour: 3_000,
  /** wallets whose every trade one fee payer of the operator's (outside the group) paid */
  feePayerOperatorWallets: 5,
  /** wallets whose trades one of them paid the fees of (that one among them) */
  sponsoringMemberWallets: 4,
  /** strangers who trade through a gasless app about this share of the time */
  gaslessRelayerWallets: 6,
  gaslessShare: 0.5,
  /** launches a crowd trades: each wallet of it buys about `crowdShare` of them within `crowdSpreadSeconds` of the launch */
  crowdLaunches: 16,
  crowdShare: 0.7,
  crowdSpreadSeconds: 1800,
  /** the crowd copier's followers, and the share of the leader's launch buys each copies at `crowdCopyLagSeconds` (± 1 s) */
  crowdCopyFollowers: 2,
  crowdCopyShare: 0.5,
  crowdCopyLagSeconds: 20,
  /** strangers of the same crowd */
  launchCrowdWallets: 4,
  /**
   * strangers trading mostly a stream of fresh launches, as pump.fun's crowds do: each buys about
   * `launchTraderShare` of `launchTraderLaunches` within `crowdSpreadSeconds` of the launch and
   * sells within the hour, besides `launchTraderOwnPlays` plays of its own
   */
  launchTraderWallets: 10,
  launchTraderLaunches: 16,
  launchTraderShare: 0.8,
  launchTraderOwnPlays: 4,
  /** an operator's wallets passing NFTs (passes of one collection) to one of them, days apart: nothing else in common */
  nftOperatorWallets: 4,
  /** strangers each sent an NFT of one collection by a busy sprayer (a service on chain), within this many seconds */
  nftSprayWallets: 4,
  nftSpraySpreadSeconds: 600,
  /** strangers each staking an NFT they minted into one staking program's vault (a program's address), within this many seconds */
  nftStakerWallets: 4,
  nftStakeSpreadSeconds: 6 * 3600,
  /**
   * an operator's wallets wash-trading NFTs of one collection through a market: `nftWashNfts` NFTs
   * each around the ring, one more back and forth between two of them, sales `nftWashGapSeconds`
   * apart at prices within 10 % of one drawn in `nftWashPriceSol`
   */
  nftWashWallets: 4,
  nftWashNfts: 2,
  nftWashGapSeconds: [2 * 3600, 3 * 86_400],
  nftWashPriceSol: [20, 60],
  /**
   * strangers each buying `nftCollectorRoundTrips` NFTs of one popular collection from outside wallets
   * and selling them on to others, at prices in `nftFloorSol`; besides, an NFT passed from the first to
   * the second and days later to the third of them, and two more sold from one of them to another
   * (at least 6 of them)
   */
  nftCollectorWallets: 6,
  nftCollectorRoundTrips: 3,
  nftFloorSol: [1, 5],
  /** an operator's wallets passing one NFT once around their ring through markets, sales `nftRingGapSeconds` apart */
  nftRingWallets: 5,
  nftRingGapSeconds: [86_400, 3 * 86_400],
  /** independents the NFT market cases leave after them at least (else they do not come) */
  nftMarketIndependents: 4,
} as const;

/** A listed exchange hot wallet (known-addresses.json): the withdrawals' sender. */
const LISTED_EXCHANGE = [...KNOWN_ADDRESSES.values()].find((k) => k.kind === 'exchange')!.address;

export function generateAdversarialWallets(kit: GeneratorKit, options: GenerateOptions): { wallets: Wallet[]; truth: GroundTruth; services: Service[]; outsideTransfers: OutsideTransfer[] } {
  const { rng, logUniform, addr, keyAddr, start, span, priced, ui, freshToken, makePlays, tradesFor, noise, playsPerWallet: P, noiseCount } = kit;
  const A = ADVERSARIAL_CASES;
  const W = options.wallets;
  const wallets: Wallet[] = [];
  const truth: GroundTruth = { clusters: [], clusterKinds: [], independent: [], distractors: [], largeWallets: [], decoys: [], fundingSources: [] };
  let remaining = W;
  const ownPlays = (count = P, weight = logUniform(0.2, 5)): Trade[] => tradesFor(makePlays(count, priced), () => 0, weight);
  const addWallet = (label: string, trades: Trade[], funding?: Funding & { amount?: string }, transfers: Wallet['transfers'] = []): string => {
    // a key of its own: it signs its transactions (engine 2.8.0 reads a fee another paid only for a wallet on the curve)
    const address = keyAddr('wallet', String(wallets.length));
    const n = noise(address, noiseCount, funding);
    if (funding?.amount !== undefined) n.transfers[0] = { ...n.transfers[0], amount: funding.amount };
    wallets.push({ address, label, solBalance: Number(logUniform(0.5, 80).toFixed(4)), trades: [...trades, ...n.trades], transfers: [...n.transfers, ...transfers] });
    remaining -= 1;
    return address;
  };
  const services: Service[] = [];
  const outsideTransfers: OutsideTransfer[] = [];
  /** an odd amount of SOL (4 decimals, never whole hundredths), as an exchange's withdrawal page sends */
  const oddAmount = (): string => {
    const tenThousandths = Math.floor(logUniform(1, 20) * 1e4) + 1;
    return ((tenThousandths % 100 === 0 ? tenThousandths + 1 : tenThousandths) / 1e4).toFixed(4);
  };
  /** the listed exchange's withdrawal of `amount` to an address outside the world, within a page's spread after `pageTs`; returns when */
  const withdrawTo = (to: string, amount: string, pageTs: number): number => {
    const ts = pageTs + Math.floor(rng() * A.withdrawalSpreadSeconds);
    outsideTransfers.push({ from: LISTED_EXCHANGE, to, sol: amount, ts });
    return ts;
  };
  /** wallets each funded by a fresh wallet (a hop) that `root` funded first, `hopLabel` naming the hops */
  const throughHops = (label: string, count: number, root: string, spreadSeconds: number): string[] => {
    const base = start - Math.floor(logUniform(5 * 86_400, 20 * 86_400));
    return Array.from({ length: Math.min(remaining, count) }, (_, m) => {
      const hop = addr('hop', label, String(m));
      const hopTs = base + Math.floor(rng() * spreadSeconds);
      outsideTransfers.push({ from: root, to: hop, sol: ui(logUniform(1, 20), 9), ts: hopTs });
      return addWallet(`${label} ${m + 1}`, ownPlays(), { counterparty: hop, ts: hopTs + Math.floor(logUniform(600, 12 * 3600)), amount: ui(logUniform(0.5, 8), 9) });
    });
  };
  const hot = addr('unlisted-exchange');
  services.push({ address: hot, label: 'unlisted exchange hot wallet', transactionsPerHour: A.serviceTransactionsPerHour });

  // the operator: its own funding wallet, a dozen wallets or more, each trading on its own
  const operatorSize = Math.min(remaining, Math.max(A.operatorMinWallets, Math.round(W * A.operatorShare)));
  if (operatorSize >= 2) {
    const funder = addr('operator-funder');
    const fundTs = start - Math.floor(logUniform(3600, 10 * 86_400));
    const members = Array.from({ length: operatorSize }, (_, m) => {
      const sweep = rng() < A.operatorSweepShare ? [{ ts: start + Math.floor(rng() * 40 * 86_400), direction: 'out' as const, mint: 'SOL', amount: ui(logUniform(0.5, 10), 9), counterparty: funder }] : [];
      return addWallet(`large operator (wallet ${m + 1})`, ownPlays(), { counterparty: funder, ts: fundTs + Math.floor(rng() * A.operatorFundingSpreadSeconds), amount: ui(logUniform(0.5, 8), 9) }, sweep);
    });
    truth.clusters.push(members);
    truth.clusterKinds!.push('large-operator');
    truth.fundingSources!.push({ address: funder, kind: 'operator-funder', funded: members });
  }

  // withdrawals from a listed exchange, then from the unlisted one, each group of one odd amount, minutes apart
  for (const [kind, exchange, size] of [['exchange-withdrawal', LISTED_EXCHANGE, A.withdrawalWallets], ['unlisted-withdrawal', hot, A.unlistedWithdrawalWallets]] as const) {
    if (remaining < 2) break;
    const amount = oddAmount();
    const ts = start - Math.floor(logUniform(3600, 10 * 86_400));
    const members = Array.from({ length: Math.min(remaining, size) }, (_, m) =>
      addWallet(`${kind} (wallet ${m + 1}, ${amount} SOL)`, ownPlays(), { counterparty: exchange, ts: ts + Math.floor(rng() * A.withdrawalSpreadSeconds), amount }),
    );
    truth.clusters.push(members);
    truth.clusterKinds!.push(kind);
  }

  // a copy chain diluted by its own trades
  if (remaining >= 2) {
    const leaderPlays = makePlays(P * 2, priced);
    const leaderTrades = tradesFor(leaderPlays, () => 0, logUniform(0.5, 3));
    const members = [addWallet('diluted copy chain (leader)', [...leaderTrades, ...ownPlays(P * A.copyOwnPlays)])];
    for (let m = 0; m < A.copyFollowers && remaining > 0; m++) {
      const copied = leaderPlays.filter(() => rng() < A.copyShare);
      const trades = tradesFor(copied, () => A.copyLagSeconds + Math.round(rng() * 2 - 1), logUniform(0.3, 3));
      members.push(addWallet(`diluted copy chain (follower ${m + 1}, ~${A.copyLagSeconds} s)`, [...trades, ...ownPlays(P * A.copyOwnPlays)]));
    }
    truth.clusters.push(members);
    truth.clusterKinds!.push('diluted-copy-chain');
  }

  // an operator that funds each wallet through a fresh wallet of its own, days apart
  if (remaining >= 2) {
    const root = addr('hop-operator');
    const members = throughHops('hop-funded operator (wallet)', A.hopOperatorWallets, root, A.hopFundingSpreadSeconds);
    truth.clusters.push(members);
    truth.clusterKinds!.push('hop-funded-operator');
    truth.fundingSources!.push({ address: root, kind: 'hop-operator', funded: members });
  }

  // strangers withdrawing from one unlisted exchange within the hour
  if (remaining >= 2) {
    const ts = start - Math.floor(logUniform(3600, 10 * 86_400));
    const members = Array.from({ length: Math.min(remaining, A.unlistedExchangeWallets) }, (_, m) =>
      addWallet(`unlisted exchange's customer ${m + 1}`, ownPlays(), { counterparty: hot, ts: ts + Math.floor(rng() * A.unlistedExchangeSpreadSeconds), amount: ui(logUniform(0.5, 30), 9) }),
    );
    truth.independent!.push(...members);
    truth.decoys!.push({ kind: 'unlisted-exchange', members, funder: hot });
  }

  // strangers each funding their wallet from a fresh wallet they withdrew to from the unlisted exchange
  if (remaining >= 2) {
    const members = throughHops("exchange-hop stranger", A.exchangeHopWallets, hot, A.hopFundingSpreadSeconds);
    truth.independent!.push(...members);
    truth.decoys!.push({ kind: 'exchange-hop', members, funder: hot });
  }

  // the same dust to strangers at the same second, before their own fundings
  if (remaining >= 2) {
    // not a service: on chain it shows only these few sprays, a short history (dedicated), so what
    // keeps its wallets apart is that dust is no one's funding
    const sprayer = addr('dust-sprayer');
    const ts = start - 30 * 86_400;
    const members = Array.from({ length: Math.min(remaining, A.dustWallets) }, (_, m) =>
      addWallet(`dust-sprayed stranger ${m + 1}`, ownPlays(), undefined, [{ ts, direction: 'in', mint: 'SOL', amount: A.dustSol, counterparty: sprayer }]),
    );
    truth.independent!.push(...members);
    truth.decoys!.push({ kind: 'dust-spray', members, funder: sprayer });
  }

  // an operator's trading wallet that funds its other wallets through fresh wallets, days apart (after
  // the cases above, so that a world of 40 wallets is the one engine 2.3.0 was measured on)
  if (remaining >= 2) {
    const base = start - Math.floor(logUniform(5 * 86_400, 20 * 86_400));
    const plan = Array.from({ length: Math.min(remaining, A.relayOperatorWallets) - 1 }, (_, m) => ({
      hops: m === 0 ? [addr('relay-hop', String(m)), addr('relay-hop', String(m), 'second')] : [addr('relay-hop', String(m))],
      ts: base + Math.floor(rng() * A.hopFundingSpreadSeconds),
    }));
    const main = addWallet(
      'relay operator (trading wallet)',
      ownPlays(),
      { counterparty: addr('relay-operator-funder'), ts: base - 86_400 },
      plan.map((p) => ({ ts: p.ts, direction: 'out' as const, mint: 'SOL', amount: ui(logUniform(1, 20), 9), counterparty: p.hops[0] })),
    );
    const members = [main];
    for (const [m, p] of plan.entries()) {
      let ts = p.ts;
      for (let h = 1; h < p.hops.length; h++) {
        ts += Math.floor(logUniform(600, 12 * 3600));
        outsideTransfers.push({ from: p.hops[h - 1], to: p.hops[h], sol: ui(logUniform(1, 10), 9), ts });
      }
      members.push(addWallet(`relay operator (wallet ${m + 1}, ${p.hops.length} fresh wallet${p.hops.length > 1 ? 's' : ''} between)`, ownPlays(), { counterparty: p.hops[p.hops.length - 1], ts: ts + Math.floor(logUniform(600, 12 * 3600)), amount: ui(logUniform(0.5, 8), 9) }));
    }
    truth.clusters.push(members);
    truth.clusterKinds!.push('relay-operator');
  }

  // an operator withdrawing one odd amount from a listed exchange to fresh wallets, minutes apart,
  // which fund its wallets each with its own amount later
  if (remaining >= 2) {
    const amount = oddAmount();
    const ts = start - Math.floor(logUniform(5 * 86_400, 20 * 86_400));
    const members = Array.from({ length: Math.min(remaining, A.exchangeHopWithdrawalWallets) }, (_, m) => {
      const hop = addr('withdrawal-hop', String(m));
      const hopTs = withdrawTo(hop, amount, ts);
      // the fresh wallet passes on most of what it received
      return addWallet(`exchange-hop withdrawal (wallet ${m + 1}, ${amount} SOL to its fresh funder)`, ownPlays(), { counterparty: hop, ts: hopTs + Math.floor(logUniform(3600, 3 * 86_400)), amount: ui(Number(amount) * (0.3 + 0.6 * rng()), 9) });
    });
    truth.clusters.push(members);
    truth.clusterKinds!.push('exchange-hop-withdrawal');
  }

  // a payer and a payee: the payer paid a wallet its owner had funded, which then first funded the payee
  if (remaining >= 2) {
    const hop = addr('paid-hop');
    const ts = start - Math.floor(logUniform(5 * 86_400, 20 * 86_400));
    outsideTransfers.push({ from: addr('paid-hop-owner'), to: hop, sol: ui(logUniform(1, 20), 9), ts });
    const payer = addWallet('paid-hop payer', ownPlays(), undefined, [{ ts: ts + Math.floor(logUniform(600, 86_400)), direction: 'out', mint: 'SOL', amount: ui(logUniform(0.5, 5), 9), counterparty: hop }]);
    const payee = addWallet('paid-hop payee', ownPlays(), { counterparty: hop, ts: ts + 2 * 86_400, amount: ui(logUniform(0.5, 8), 9) });
    truth.independent!.push(payer, payee);
    truth.decoys!.push({ kind: 'paid-hop', members: [payer, payee], funder: hop });
  }

  // strangers whose long-lived funders were withdrawn to alike from a listed exchange, months before
  if (remaining >= 2) {
    const amount = oddAmount();
    const ts = start - Math.floor(logUniform(120 * 86_400, 300 * 86_400));
    const members = Array.from({ length: Math.min(remaining, A.oldExchangeFunderWallets) }, (_, m) => {
      const funder = addr('old-funder', String(m));
      const fundedTs = withdrawTo(funder, amount, ts);
      for (let k = 0; k < A.oldFunderPayments; k++) outsideTransfers.push({ from: funder, to: addr('old-funder-payee', String(m), String(k)), sol: ui(logUniform(0.01, 0.05), 9), ts: fundedTs + 86_400 + Math.floor(rng() * 90 * 86_400) });
      return addWallet(`old exchange-funded funder's stranger ${m + 1}`, ownPlays(), { counterparty: funder, ts: start - Math.floor(logUniform(3600, 10 * 86_400)), amount: ui(Number(amount) * (0.1 + 0.3 * rng()), 9) });
    });
    truth.independent!.push(...members);
    truth.decoys!.push({ kind: 'old-exchange-funders', members, funder: LISTED_EXCHANGE });
  }

  /**
   * wallets each sweeping a large amount of SOL to a fresh deposit address of its own, which forwards
   * most of it to `collector` within hours, or (`hops` 2) to another fresh address of its own that
   * forwards it on within hours; the sweeps spread over `spreadSeconds`
   */
  const throughDeposits = (label: string, count: number, collector: (m: number) => string, spreadSeconds: number, hops: (m: number) => number = () => 1): string[] => {
    const base = start + Math.floor(logUniform(86_400, 10 * 86_400));
    return Array.from({ length: Math.min(remaining, count) }, (_, m) => {
      const ts = base + Math.floor(rng() * spreadSeconds);
      const sol = logUniform(20, 80);
      const path = Array.from({ length: hops(m) }, (_, h) => addr('deposit', label, String(m), ...(h === 0 ? [] : [String(h)])));
      let at = ts;
      path.forEach((from, h) => {
        at += Math.floor(logUniform(300, 6 * 3600));
        outsideTransfers.push({ from, to: path[h + 1] ?? collector(m), sol: ui(sol * 0.995 ** (h + 1), 9), ts: at });
      });
      return addWallet(`${label} ${m + 1}`, ownPlays(), undefined, [{ ts, direction: 'out', mint: 'SOL', amount: ui(sol, 9), counterparty: path[0] }]);
    });
  };

  // an operator collecting from its wallets through fresh deposit addresses of its own, days apart
  if (remaining >= 2) {
    const collector = addr('sweep-collector');
    const members = throughDeposits('sweep operator (wallet)', A.sweepOperatorWallets, () => collector, A.sweepSpreadSeconds);
    truth.clusters.push(members);
    truth.clusterKinds!.push('sweep-operator');
  }

  // an operator collecting from its wallets through two fresh addresses of its own in a row, days apart
  if (remaining >= 2) {
    const collector = addr('layered-sweep-collector');
    const members = throughDeposits('layered sweep operator (wallet)', A.layeredSweepWallets, () => collector, A.sweepSpreadSeconds, () => 2);
    truth.clusters.push(members);
    truth.clusterKinds!.push('layered-sweep-operator');
  }

  // strangers each depositing at an exchange through a deposit address of its own (every other one
  // through the exchange's forwarding address besides)
  if (remaining >= 2) {
    const small = addr('small-exchange');
    services.push({ address: small, label: 'small exchange hot wallet', transactionsPerHour: A.smallExchangeTransactionsPerHour });
    const members = throughDeposits('exchange depositor', A.exchangeDepositWallets, (m) => [LISTED_EXCHANGE, hot, small][m % 3], A.sweepSpreadSeconds, (m) => 1 + (m % 2));
    truth.independent!.push(...members);
    truth.decoys!.push({ kind: 'exchange-deposit', members, funder: hot });
  }

  // an operator depositing from each of its wallets, weeks apart, into its exchange account's one deposit address
  if (remaining >= 2) {
    const deposit = addr('account-deposit');
    const depositAt = (sol: number, ts: number) => outsideTransfers.push({ from: deposit, to: hot, sol: ui(sol * 0.999, 9), ts: ts + Math.floor(logUniform(60, 3600)) });
    const base = start + Math.floor(logUniform(86_400, 10 * 86_400));
    const members = Array.from({ length: Math.min(remaining, A.depositReuseWallets) }, (_, m) => {
      const ts = base + Math.floor(rng() * A.depositReuseSpreadSeconds);
      const sol = logUniform(5, 50);
      depositAt(sol, ts);
      return addWallet(`deposit-reuse operator (wallet ${m + 1})`, ownPlays(), undefined, [{ ts, direction: 'out', mint: 'SOL', amount: ui(sol, 9), counterparty: deposit }]);
    });
    for (let k = 0; k < A.depositReuseOtherDeposits; k++) {
      const ts = base - 60 * 86_400 + Math.floor(rng() * 90 * 86_400);
      const sol = logUniform(1, 20);
      outsideTransfers.push({ from: addr('account-depositor', String(k % 3)), to: deposit, sol: ui(sol, 9), ts });
      depositAt(sol, ts);
    }
    truth.clusters.push(members);
    truth.clusterKinds!.push('deposit-reuse-operator');
  }

  // strangers paying one person's wallet days apart: one that passes all of it on to its owner's
  // other wallet, one that cashes out at an exchange and pays others too, one that cashes out all it
  // received at once, days after: none is an exchange's deposit address
  if (remaining >= 2) {
    const owner = addr('payee-owner');
    const payees = [addr('payee', 'pass-on'), addr('payee', 'cash-out'), addr('payee', 'cash-out-once')];
    const base = start + Math.floor(logUniform(86_400, 10 * 86_400));
    let unpaid = 0;
    const members = Array.from({ length: Math.min(remaining, A.sharedPayeeWallets) }, (_, m) => {
      const kind = m % 3;
      const ts = base + m * 2 * 86_400 + Math.floor(rng() * 86_400);
      const sol = logUniform(2, 20);
      if (kind === 0) outsideTransfers.push({ from: payees[0], to: owner, sol: ui(sol * 0.99, 9), ts: ts + Math.floor(logUniform(600, 6 * 3600)) });
      if (kind === 1) {
        outsideTransfers.push({ from: payees[1], to: LISTED_EXCHANGE, sol: ui(sol * 0.9, 9), ts: ts + Math.floor(logUniform(600, 6 * 3600)) });
        outsideTransfers.push({ from: payees[1], to: addr('payee', 'paid', String(m)), sol: ui(logUniform(0.5, 2), 9), ts: ts + 86_400 });
      }
      if (kind === 2) {
        unpaid += sol;
        // after its second payment: all of it at once, two days later
        if (m >= 3) outsideTransfers.push({ from: payees[2], to: LISTED_EXCHANGE, sol: ui(unpaid * 0.99, 9), ts: ts + 2 * 86_400 });
      }
      return addWallet(`shared payee's payer ${m + 1}`, ownPlays(), undefined, [{ ts, direction: 'out', mint: 'SOL', amount: ui(sol, 9), counterparty: payees[kind] }]);
    });
    truth.independent!.push(...members);
    truth.decoys!.push({ kind: 'shared-payee', members, funder: payees[0] });
  }

  /** `address` (a wallet just added) with `payer` as the fee payer of each of its trades that `pick` picks */
  const feesPaidBy = (address: string, payer: string, pick: () => boolean = () => true): string => {
    const w = wallets.find((x) => x.address === address)!;
    w.trades = w.trades!.map((t) => (pick() ? { ...t, feePayer: payer } : t));
    return address;
  };

  // an operator paying every trade's fee of its wallets from one fee payer of its own, its wallets funded each on their own
  if (remaining >= 2) {
    const payer = keyAddr('fee-payer-operator');
    const members = Array.from({ length: Math.min(remaining, A.feePayerOperatorWallets) }, (_, m) => feesPaidBy(addWallet(`fee-payer operator (wallet ${m + 1})`, ownPlays()), payer));
    truth.clusters.push(members);
    truth.clusterKinds!.push('fee-payer-operator');
  }

  // an operator whose trading wallet pays the fees of its other wallets' trades
  if (remaining >= 2) {
    const main = addWallet('sponsoring member operator (its fee payer, trading on its own)', ownPlays());
    const others = Array.from({ length: Math.min(remaining, A.sponsoringMemberWallets - 1) }, (_, m) => feesPaidBy(addWallet(`sponsoring member operator (wallet ${m + 1}, its fees paid by the first)`, ownPlays()), main));
    truth.clusters.push([main, ...others]);
    truth.clusterKinds!.push('sponsoring-member-operator');
  }

  // strangers trading through a gasless app about half the time: its relayer signs and pays those trades
  if (remaining >= 2) {
    const relayer = keyAddr('gasless-relayer');
    services.push({ address: relayer, label: 'gasless relayer', transactionsPerHour: A.serviceTransactionsPerHour });
    const members = Array.from({ length: Math.min(remaining, A.gaslessRelayerWallets) }, (_, m) => feesPaidBy(addWallet(`gasless app user ${m + 1}`, ownPlays()), relayer, () => rng() < A.gaslessShare));
    truth.independent!.push(...members);
    truth.decoys!.push({ kind: 'gasless-relayer', members, funder: relayer });
  }

  // a crowd buying the same launches within half an hour of each, a copier of one of them among it
  if (remaining >= 2) {
    const launches = Array.from({ length: A.crowdLaunches }, () => ({ mint: priced[Math.floor(rng() * priced.length)].mint, ts: start + Math.floor(rng() * (span - 86_400)) }));
    const crowdPlays = () =>
      makePlays(A.crowdLaunches, priced).flatMap((play, k) => (rng() < A.crowdShare ? [{ ...play, mint: launches[k].mint, ts: launches[k].ts + Math.floor(rng() * A.crowdSpreadSeconds) }] : []));
    const leaderPlays = crowdPlays();
    const members = [addWallet('crowd copier (leader)', [...tradesFor(leaderPlays, () => 0, logUniform(0.5, 3)), ...ownPlays()])];
    for (let m = 0; m < A.crowdCopyFollowers && remaining > 0; m++) {
      const copied = leaderPlays.filter(() => rng() < A.crowdCopyShare);
      const trades = [...tradesFor(crowdPlays(), () => 0, logUniform(0.3, 3)), ...tradesFor(copied, () => A.crowdCopyLagSeconds + Math.round(rng() * 2 - 1), logUniform(0.3, 3)), ...ownPlays()];
      members.push(addWallet(`crowd copier (follower ${m + 1}, ~${A.crowdCopyLagSeconds} s on half the leader's launch buys)`, trades));
    }
    truth.clusters.push(members);
    truth.clusterKinds!.push('crowd-copier');
    if (remaining >= 2) {
      const strangers = Array.from({ length: Math.min(remaining, A.launchCrowdWallets) }, (_, m) => addWallet(`launch crowd stranger ${m + 1}`, [...tradesFor(crowdPlays(), () => 0, logUniform(0.3, 3)), ...ownPlays()]));
      truth.independent!.push(...strangers);
      truth.decoys!.push({ kind: 'launch-crowd', members: strangers });
    }
  }

  // launch traders: strangers whose trading is mostly fresh launches, each bought within half an hour
  // of its first buy and sold within the hour: any two match on most launches both traded
  if (remaining >= 2) {
    const launches = Array.from({ length: A.launchTraderLaunches }, (_, k) => ({ mint: freshToken('launch-trader', k).mint, ts: start + Math.floor(rng() * (span - 86_400)) }));
    const members = Array.from({ length: Math.min(remaining, A.launchTraderWallets) }, (_, m) => {
      const plays = makePlays(A.launchTraderLaunches, priced).flatMap((play, k) =>
        rng() < A.launchTraderShare ? [{ ...play, mint: launches[k].mint, ts: launches[k].ts + Math.floor(rng() * A.crowdSpreadSeconds), holdSeconds: Math.floor(logUniform(300, 3600)), quote: 'SOL' as const, source: 'PUMP_FUN' as const }] : [],
      );
      return addWallet(`launch trader ${m + 1}`, [...tradesFor(plays, () => 0, logUniform(0.3, 3)), ...ownPlays(A.launchTraderOwnPlays)]);
    });
    truth.independent!.push(...members);
    truth.decoys!.push({ kind: 'launch-traders', members });
  }

  /** an NFT of a collection nobody trades (no market), added to the world's tokens */
  const nft = (collection: string, k: number): string => {
    const mint = addr(`${collection}-nft`, String(k));
    kit.tokens.push({ mint, symbol: `${collection.slice(0, 4).toUpperCase()}#${k + 1}`, name: `${collection} #${k + 1}`, decimals: 0, program: 'spl-token', standard: 'NonFungible', pools: [] });
    return mint;
  };

  // an operator whose wallets each mint a pass NFT and, days later, hand it to the first of them (its
  // vault), which trades on its own besides: no SOL between them, no funder, no trade in common
  // (transfer extraction 6: before, an NFT handed over counted as a trade and linked no one)
  if (remaining >= 2) {
    const vault = addWallet('NFT operator (its vault, collecting the passes)', ownPlays());
    const members = [vault];
    for (let m = 0; m < A.nftOperatorWallets - 1 && remaining > 0; m++) {
      const mint = nft('operator-pass', m);
      const minted = start + Math.floor(rng() * (span / 2));
      const handed = minted + Math.floor(logUniform(86_400, 10 * 86_400));
      const member = addWallet(`NFT operator (wallet ${m + 1}, hands its pass to the vault)`, ownPlays(), undefined, [
        { ts: minted, direction: 'in', mint, amount: '1', kind: 'airdrop' },
        { ts: handed, direction: 'out', mint, amount: '1', counterparty: vault },
      ]);
      wallets.find((w) => w.address === vault)!.transfers!.push({ ts: handed, direction: 'in', mint, amount: '1', counterparty: member });
      members.push(member);
    }
    truth.clusters.push(members);
    truth.clusterKinds!.push('nft-operator');
  }

  // strangers each sent an NFT of one collection within minutes by a sprayer that sends thousands an
  // hour (a busy service on chain): a common sender, as the dust sprayer's, that links no one
  if (remaining >= 2) {
    const sprayer = keyAddr('nft-sprayer');
    services.push({ address: sprayer, label: 'NFT sprayer', transactionsPerHour: A.serviceTransactionsPerHour });
    const ts = start + Math.floor(rng() * (span - 86_400));
    const members = Array.from({ length: Math.min(remaining, A.nftSprayWallets) }, (_, m) =>
      addWallet(`NFT-sprayed stranger ${m + 1}`, ownPlays(), undefined, [{ ts: ts + Math.floor(rng() * A.nftSpraySpreadSeconds), direction: 'in', mint: nft('spray', m), amount: '1', counterparty: sprayer }]),
    );
    truth.independent!.push(...members);
    truth.decoys!.push({ kind: 'nft-spray', members, funder: sprayer });
  }

  // strangers each staking an NFT they minted into one staking program's vault within hours: a
  // program's address (off the curve), whose transfers are its program's business, not a wallet's
  if (remaining >= 2) {
    const vault = programDerivedAddress('generated', String(options.seed), 'nft-staking-vault');
    const ts = start + Math.floor(rng() * (span - 86_400));
    const members = Array.from({ length: Math.min(remaining, A.nftStakerWallets) }, (_, m) => {
      const mint = nft('staked', m);
      return addWallet(`NFT staker ${m + 1}`, ownPlays(), undefined, [
        { ts: ts - Math.floor(logUniform(86_400, 10 * 86_400)), direction: 'in', mint, amount: '1', kind: 'airdrop' },
        { ts: ts + Math.floor(rng() * A.nftStakeSpreadSeconds), direction: 'out', mint, amount: '1', counterparty: vault },
      ]);
    });
    truth.independent!.push(...members);
    truth.decoys!.push({ kind: 'nft-stakers', members, funder: vault });
  }

  /** an NFT sale through a market at `ts`, in the lists of the seller and the buyer that are world wallets */
  const nftSale = (mint: string, seller: string, buyer: string, ts: number, price: number, market: (typeof NFT_MARKETS)[number]): void => {
    const sale = { ts, mint, amount: '1', kind: 'nft-sale' as const, price: ui(price, 9), market };
    wallets.find((w) => w.address === seller)?.transfers!.push({ ...sale, direction: 'out', counterparty: buyer });
    wallets.find((w) => w.address === buyer)?.transfers!.push({ ...sale, direction: 'in', counterparty: seller });
  };
  const market = (): (typeof NFT_MARKETS)[number] => (rng() < 0.5 ? 'MAGIC_EDEN' : 'TENSOR');

  // an operator wash-trading NFTs of one collection among its wallets through a market, hours to days
  // apart at high and similar prices: each NFT minted to the first, around the ring back to it, one
  // more back and forth between the first two; each wallet funded and trading on its own
  if (remaining >= A.nftWashWallets + A.nftMarketIndependents) {
    const members = Array.from({ length: A.nftWashWallets }, (_, m) => addWallet(`NFT wash ring (wallet ${m + 1})`, ownPlays()));
    const venue = market();
    const price = logUniform(...A.nftWashPriceSol);
    const minted = start + Math.floor(rng() * (span / 3));
    let ts = minted;
    for (let k = 0; k <= A.nftWashNfts; k++) {
      const mint = nft('wash-club', k);
      wallets.find((w) => w.address === members[0])!.transfers!.push({ ts: minted + k * 60, direction: 'in', mint, amount: '1', kind: 'airdrop' });
      const path = k < A.nftWashNfts ? [...members, members[0]] : [members[0], members[1], members[0]];
      for (let h = 1; h < path.length; h++) {
        ts += Math.floor(logUniform(...A.nftWashGapSeconds));
        nftSale(mint, path[h - 1], path[h], ts, price * (0.9 + 0.2 * rng()), venue);
      }
    }
    truth.clusters.push(members);
    truth.clusterKinds!.push('nft-wash');
  }

  // strangers trading NFTs of one popular collection around its floor with outside wallets, and a few
  // arm's-length sales among them: the first to the second, resold days later to the third; the
  // fourth to the fifth; the sixth to the first (at most one sale between two of them, none back)
  if (remaining >= A.nftCollectorWallets + A.nftMarketIndependents) {
    const members = Array.from({ length: A.nftCollectorWallets }, (_, m) => addWallet(`NFT collector ${m + 1}`, ownPlays()));
    let nfts = 0;
    let outsiders = 0;
    const outsider = () => keyAddr('nft-market-trader', String(outsiders++));
    const floor = () => logUniform(...A.nftFloorSol);
    const hold = () => Math.floor(logUniform(3600, 10 * 86_400));
    /** an NFT bought from an outside wallet and passed along `path` (the collectors), then sold to another outside wallet */
    const passAlong = (path: string[], ts: number, gap: () => number): void => {
      const mint = nft('floor-apes', nfts++);
      const owners = [outsider(), ...path, outsider()];
      for (let h = 1; h < owners.length; h++) {
        nftSale(mint, owners[h - 1], owners[h], ts, floor(), market());
        ts += gap();
      }
    };
    for (const m of members) for (let k = 0; k < A.nftCollectorRoundTrips; k++) passAlong([m], start + Math.floor(rng() * (span - 10 * 86_400)), hold);
    const [first, second, third, fourth, fifth, sixth] = members;
    passAlong([first, second, third], start + Math.floor(rng() * (span / 2)), () => Math.floor(logUniform(2 * 86_400, 7 * 86_400)));
    passAlong([fourth, fifth], start + Math.floor(rng() * (span - 10 * 86_400)), hold);
    passAlong([sixth, first], start + Math.floor(rng() * (span - 10 * 86_400)), hold);
    truth.independent!.push(...members);
    truth.decoys!.push({ kind: 'nft-collectors', members });
  }

  // an operator passing one NFT once around its wallets through markets, a day or more between sales,
  // back to the first: each pair of neighbours trades once, as two collectors might
  if (remaining >= A.nftRingWallets + A.nftMarketIndependents) {
    const members = Array.from({ length: A.nftRingWallets }, (_, m) => addWallet(`NFT ring (wallet ${m + 1})`, ownPlays()));
    const mint = nft('ring-pass', 0);
    let ts = start + Math.floor(rng() * (span / 2));
    wallets.find((w) => w.address === members[0])!.transfers!.push({ ts, direction: 'in', mint, amount: '1', kind: 'airdrop' });
    const price = logUniform(...A.nftFloorSol);
    const path = [...members, members[0]];
    for (let h = 1; h < path.length; h++) {
      ts += Math.floor(logUniform(...A.nftRingGapSeconds));
      nftSale(mint, path[h - 1], path[h], ts, price * (0.9 + 0.2 * rng()), market());
    }
    truth.clusters.push(members);
    truth.clusterKinds!.push('nft-ring');
  }

  while (remaining > 0) truth.independent!.push(addWallet('independent', ownPlays()));
  // the unlisted exchange first funded its customers and one group's withdrawals
  const fundedByHot = wallets.filter((w) => (w.transfers ?? []).some((t) => t.counterparty === hot && t.direction === 'in')).map((w) => w.address);
  if (fundedByHot.length > 0) truth.fundingSources!.push({ address: hot, kind: 'exchange-hot-wallet', funded: fundedByHot });
  return { wallets, truth, services, outsideTransfers };
}
