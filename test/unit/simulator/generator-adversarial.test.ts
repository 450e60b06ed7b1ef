// The adversarial scenario of the generator: groups only the chain's word or a rare trace gives away,
// and strangers that look like them; the chain (the simulator's getSignaturesForAddress) tells the
// operator's funder from the services, as the similarity step reads it.
import { FUNDING_DEFAULTS, KNOWN_ADDRESSES, counterpartyActivityClass, fundingOriginOf, summariseSignatures } from '../../../src/domain/detection/funding';
import { generateWorld, parseWorld, SimWorld, type World } from '../../../src/simulator';
import { ADVERSARIAL_CASES } from '../../../src/simulator/generator-adversarial';
import { isOnCurve } from '../../../src/domain/holders/on-curve';
import { extractTransfers } from '../../../src/domain/detection/transfers';
import { extractLegs } from '../../../src/domain/swaps/extract';

type Wallet = World['wallets'][number];
const adversarial = (seed: number, wallets = 152) => parseWorld(generateWorld({ seed, wallets, txPerWallet: 40, scenario: 'adversarial', largeWallet: false }));
const worlds = [1, 2, 3].map((s) => adversarial(s));
const firstSolIn = (w: Wallet) => [...w.transfers].filter((t) => t.mint === 'SOL' && t.direction === 'in').sort((a, b) => a.ts - b.ts)[0];
const groupOf = (w: World, kind: string) => w.groundTruth!.clusters[w.groundTruth!.clusterKinds!.indexOf(kind)];
const decoyOf = (w: World, kind: string) => w.groundTruth!.decoys!.find((d) => d.kind === kind)!;
const walletsOf = (w: World, addresses: string[]) => addresses.map((a) => w.wallets.find((x) => x.address === a)!);
const activityOf = (w: World, address: string) => {
  const limit = FUNDING_DEFAULTS.activityPageLimit;
  return counterpartyActivityClass(summariseSignatures(new SimWorld(w).addressSignatures(address, limit).map((s) => ({ blockTime: s.ts })), limit));
};

/** The rendered transaction of a wallet's first event that `pick` takes. */
const firstTransaction = (sim: SimWorld, wallet: string, pick: (e: ReturnType<SimWorld['event']>) => boolean) => {
  const wi = sim.indexOf(wallet)!;
  const ei = Array.from({ length: sim.historyLength(wi) }, (_, i) => i).find((i) => pick(sim.event(wi, i)))!;
  return sim.transaction(wi, ei);
};

describe('generateWorld({ scenario: "adversarial" })', () => {
  it('is deterministic for a seed, and puts every wallet in exactly one role', () => {
    expect(generateWorld({ seed: 4, wallets: 40, txPerWallet: 20, scenario: 'adversarial' })).toEqual(generateWorld({ seed: 4, wallets: 40, txPerWallet: 20, scenario: 'adversarial' }));
    expect(worlds[0].name).toBe('generated-adversarial-seed-1');
    for (const w of [...worlds, adversarial(5, 14), adversarial(5, 3)]) {
      const t = w.groundTruth!;
      expect([...t.clusters.flat(), ...t.independent!].sort()).toEqual(w.wallets.map((x) => x.address).sort());
    }
    expect(worlds[0].groundTruth!.clusterKinds).toEqual(['large-operator', 'exchange-withdrawal', 'unlisted-withdrawal', 'diluted-copy-chain', 'hop-funded-operator', 'relay-operator', 'exchange-hop-withdrawal', 'sweep-operator', 'layered-sweep-operator', 'deposit-reuse-operator', 'fee-payer-operator', 'sponsoring-member-operator', 'crowd-copier', 'nft-operator']);
    expect(worlds[0].groundTruth!.decoys!.map((d) => d.kind)).toEqual(['unlisted-exchange', 'exchange-hop', 'dust-spray', 'paid-hop', 'old-exchange-funders', 'exchange-deposit', 'shared-payee', 'gasless-relayer', 'launch-crowd', 'launch-traders', 'nft-spray', 'nft-stakers']);
  });

  it('sweeps an operator\'s wallets days apart each through a fresh deposit address of its own (another operator\'s through two in a row) to one collector, and strangers\' through deposit addresses to an exchange', () => {
    for (const w of worlds) {
      const sim = new SimWorld(w);
      const sweepOf = (address: string) => {
        const out = w.wallets.find((x) => x.address === address)!.transfers.filter((t) => t.mint === 'SOL' && t.direction === 'out' && t.counterparty !== undefined);
        // the sweep is the wallet's largest SOL out
        return out.sort((x, y) => Number(y.amount) - Number(x.amount))[0];
      };
      const forwardOf = (deposit: string) => w.outsideTransfers!.filter((t) => t.from === deposit);
      const operator = groupOf(w, 'sweep-operator');
      expect(operator).toHaveLength(ADVERSARIAL_CASES.sweepOperatorWallets);
      const collectors = new Set<string>();
      const times: number[] = [];
      for (const address of operator) {
        const sweep = sweepOf(address);
        const deposit = sweep.counterparty!;
        // a fresh address: the wallet's sweep, then its forwarding, nothing else; first funded by the wallet
        expect(sim.addressSignatures(deposit, 1000)).toHaveLength(2);
        const [forward] = forwardOf(deposit);
        expect(forward.ts).toBeGreaterThan(sweep.ts);
        expect(forward.ts - sweep.ts).toBeLessThanOrEqual(6 * 3600);
        collectors.add(forward.to);
        times.push(sweep.ts);
        const oldest = sim.addressSignatures(deposit, 1000).slice(-1).map((x) => sim.transactionBySignature(x.signature)!);
        expect(fundingOriginOf(deposit, oldest)?.funder).toBe(address);
      }
      // one collector, a wallet of one owner; the sweeps spread over days
      expect(collectors.size).toBe(1);
      expect(activityOf(w, [...collectors][0])).toBe('dedicated');
      expect(Math.max(...times) - Math.min(...times)).toBeGreaterThan(86_400);
      const depositors = decoyOf(w, 'exchange-deposit').members;
      expect(depositors).toHaveLength(ADVERSARIAL_CASES.exchangeDepositWallets);
      /** the fresh addresses a wallet's sweep went through, and where the last forwarded it */
      const pathOf = (address: string): { via: string[]; to: string } => {
        const via = [sweepOf(address).counterparty!];
        for (;;) {
          const [forward] = forwardOf(via[via.length - 1]);
          if (forwardOf(forward.to).length === 0 || sim.addressSignatures(forward.to, 1000).length > 2) return { via, to: forward.to };
          via.push(forward.to);
        }
      };
      for (const address of depositors) {
        const { to } = pathOf(address);
        // at the listed exchange (weight 0), the unlisted busy one (a service) or the small one (a long history: ordinary)
        expect(KNOWN_ADDRESSES.has(to) || activityOf(w, to) !== 'dedicated').toBe(true);
      }
      const exchanges = depositors.map((address) => pathOf(address).to);
      expect(exchanges.map((x) => (KNOWN_ADDRESSES.has(x) ? 'listed' : activityOf(w, x)))).toEqual(['listed', 'service', 'ordinary', 'listed']);
      // every other depositor through a forwarding address of the exchange's besides
      expect(depositors.map((address) => pathOf(address).via.length)).toEqual([1, 2, 1, 2]);

      // the layered operator: each wallet through two fresh addresses of its own in a row, the second
      // first funded by the first, to one collector
      const layered = groupOf(w, 'layered-sweep-operator');
      expect(layered).toHaveLength(ADVERSARIAL_CASES.layeredSweepWallets);
      const layeredCollectors = new Set<string>();
      const layeredTimes: number[] = [];
      for (const address of layered) {
        const { via, to } = pathOf(address);
        expect(via).toHaveLength(2);
        const [first, second] = via;
        expect(sim.addressSignatures(second, 1000)).toHaveLength(2);
        const oldest = (a: string) => sim.addressSignatures(a, 1000).slice(-1).map((x) => sim.transactionBySignature(x.signature)!);
        expect(fundingOriginOf(first, oldest(first))?.funder).toBe(address);
        expect(fundingOriginOf(second, oldest(second))?.funder).toBe(first);
        expect(forwardOf(second)[0].ts).toBeGreaterThan(forwardOf(first)[0].ts);
        layeredCollectors.add(to);
        layeredTimes.push(sweepOf(address).ts);
      }
      expect(layeredCollectors.size).toBe(1);
      expect(layeredCollectors.has([...collectors][0])).toBe(false);
      expect(activityOf(w, [...layeredCollectors][0])).toBe('dedicated');
      expect(Math.max(...layeredTimes) - Math.min(...layeredTimes)).toBeGreaterThan(86_400);
    }
  });

  it('pays every trade\'s fee of an operator\'s wallets from one fee payer (its own, or one of them), and half of strangers\' trades from a busy gasless relayer', () => {
    for (const w of worlds) {
      const sim = new SimWorld(w);
      const payersOf = (m: Wallet) => new Set(m.trades.map((t) => t.feePayer ?? m.address));
      const operator = walletsOf(w, groupOf(w, 'fee-payer-operator'));
      expect(operator).toHaveLength(ADVERSARIAL_CASES.feePayerOperatorWallets);
      const payers = new Set(operator.flatMap((m) => [...payersOf(m)]));
      expect(payers.size).toBe(1);
      const [payer] = payers;
      expect(w.wallets.some((x) => x.address === payer)).toBe(false);
      // nothing else in common: each funded on its own, no SOL between them
      expect(new Set(operator.map((m) => firstSolIn(m).counterparty)).size).toBe(operator.length);
      // on chain its history is these trades: a wallet of one owner
      expect(sim.addressSignatures(payer, 1000).length).toBe(operator.reduce((n, m) => n + m.trades.length, 0));
      expect(activityOf(w, payer)).toBe('dedicated');
      // the rendered trade names it as its fee payer, and it alone pays the fee
      const tx = firstTransaction(sim, operator[0].address, (e) => e.kind === 'trade');
      expect(tx.feePayer).toBe(payer);
      expect(tx.accountData[0]).toEqual({ account: payer, nativeBalanceChange: -tx.fee, tokenBalanceChanges: [] });

      const [main, ...others] = walletsOf(w, groupOf(w, 'sponsoring-member-operator'));
      expect(others).toHaveLength(ADVERSARIAL_CASES.sponsoringMemberWallets - 1);
      expect([...payersOf(main)]).toEqual([main.address]);
      for (const m of others) expect([...payersOf(m)]).toEqual([main.address]);

      // every wallet, its fee payer and the relayer are keys that sign (a program-derived address pays no fee and signs nothing)
      expect([...w.wallets.map((x) => x.address), payer].filter((a) => !isOnCurve(a))).toEqual([]);
      const users = walletsOf(w, decoyOf(w, 'gasless-relayer').members);
      const relayer = decoyOf(w, 'gasless-relayer').funder!;
      expect(activityOf(w, relayer)).toBe('service');
      const trades = users.flatMap((m) => m.trades);
      const share = trades.filter((t) => t.feePayer === relayer).length / trades.length;
      expect(share).toBeGreaterThan(0.35);
      expect(share).toBeLessThan(0.65);
      for (const m of users) expect([...payersOf(m)].every((p) => p === relayer || p === m.address)).toBe(true);
    }
  });

  it('deposits an operator\'s wallets weeks apart into one deposit address of its exchange account, and strangers\' payments into a person\'s wallets', () => {
    for (const w of worlds) {
      const sim = new SimWorld(w);
      const sent = (address: string) => w.wallets.find((x) => x.address === address)!.transfers.filter((t) => t.mint === 'SOL' && t.direction === 'out' && t.counterparty !== undefined).sort((x, y) => Number(y.amount) - Number(x.amount))[0];
      const members = groupOf(w, 'deposit-reuse-operator');
      expect(members).toHaveLength(ADVERSARIAL_CASES.depositReuseWallets);
      const deposits = new Set(members.map((m) => sent(m).counterparty!));
      expect(deposits.size).toBe(1);
      const [deposit] = deposits;
      // a history longer than a fresh address's (the account's other wallets deposit there too), a wallet of one owner's length
      const history = sim.addressSignatures(deposit, 1000);
      expect(history.length).toBeGreaterThan(FUNDING_DEFAULTS.freshMaxTransactions);
      expect(activityOf(w, deposit)).toBe('dedicated');
      // it passes everything on to the unlisted exchange's hot wallet, a busy service
      const out = w.outsideTransfers!.filter((t) => t.from === deposit);
      expect(out.length).toBe(members.length + ADVERSARIAL_CASES.depositReuseOtherDeposits);
      expect(new Set(out.map((t) => t.to)).size).toBe(1);
      expect(activityOf(w, out[0].to)).toBe('service');
      const times = members.map((m) => sent(m).ts);
      expect(Math.max(...times) - Math.min(...times)).toBeGreaterThan(7 * 86_400);
      // the payers of one person's wallet, two by two: to the owner's other wallet only; to the
      // exchange and others; to the exchange once, days after both payments
      const payers = decoyOf(w, 'shared-payee').members;
      expect(payers).toHaveLength(ADVERSARIAL_CASES.sharedPayeeWallets);
      const payees = [...new Set(payers.map((m) => sent(m).counterparty!))];
      expect(payees).toHaveLength(3);
      const outOf = (p: string) => w.outsideTransfers!.filter((t) => t.from === p);
      const recipients = payees.map((p) => [...new Set(outOf(p).map((t) => t.to))]);
      expect(recipients[0]).toHaveLength(1);
      expect(KNOWN_ADDRESSES.has(recipients[0][0])).toBe(false);
      expect(recipients[1].length).toBeGreaterThan(1);
      expect(recipients[1].some((r) => KNOWN_ADDRESSES.has(r))).toBe(true);
      expect(recipients[2]).toHaveLength(1);
      expect(KNOWN_ADDRESSES.has(recipients[2][0])).toBe(true);
      const [cashOut] = outOf(payees[2]);
      const paidIn = payers.filter((m) => sent(m).counterparty === payees[2]).map((m) => sent(m).ts);
      expect(cashOut.ts - Math.min(...paidIn)).toBeGreaterThan(86_400);
    }
  });

  it('funds an operator\'s wallets each through a fresh wallet it funded days apart, and strangers each through a fresh wallet the unlisted exchange funded', () => {
    for (const w of worlds) {
      const sim = new SimWorld(w);
      const limit = FUNDING_DEFAULTS.activityPageLimit;
      /** who funded an address, read as the similarity step reads it: its oldest transactions, parsed */
      const originOf = (address: string) => fundingOriginOf(address, sim.addressSignatures(address, limit).slice(-FUNDING_DEFAULTS.originSignatures).map((s) => sim.transactionBySignature(s.signature)!));
      const members = walletsOf(w, groupOf(w, 'hop-funded-operator'));
      expect(members).toHaveLength(ADVERSARIAL_CASES.hopOperatorWallets);
      const hops = members.map((m) => firstSolIn(m).counterparty!);
      expect(new Set(hops).size).toBe(members.length); // nothing in common one hop up
      const roots = hops.map((h) => {
        expect(activityOf(w, h)).toBe('dedicated');
        return originOf(h)!.funder;
      });
      expect(new Set(roots).size).toBe(1);
      expect(w.groundTruth!.fundingSources!.find((f) => f.kind === 'hop-operator')).toEqual({ address: roots[0], kind: 'hop-operator', funded: members.map((m) => m.address) });
      expect(activityOf(w, roots[0])).toBe('dedicated');
      const times = hops.map((h) => originOf(h)!.timestamp);
      expect(Math.max(...times) - Math.min(...times)).toBeGreaterThan(3600); // not one funding run
      for (const [i, m] of members.entries()) expect(firstSolIn(m).ts).toBeGreaterThan(times[i]);

      const strangers = decoyOf(w, 'exchange-hop');
      const theirHops = walletsOf(w, strangers.members).map((m) => firstSolIn(m).counterparty!);
      expect(new Set(theirHops).size).toBe(strangers.members.length);
      expect(new Set(theirHops.map((h) => originOf(h)!.funder))).toEqual(new Set([strangers.funder]));
      expect(activityOf(w, strangers.funder!)).toBe('service');
    }
  });

  it('funds a relay operator\'s wallets each through fresh wallets its trading wallet funded first, and a payee from a wallet a stranger only paid', () => {
    for (const w of worlds) {
      const sim = new SimWorld(w);
      const limit = FUNDING_DEFAULTS.activityPageLimit;
      const originOf = (address: string) => fundingOriginOf(address, sim.addressSignatures(address, limit).slice(-FUNDING_DEFAULTS.originSignatures).map((s) => sim.transactionBySignature(s.signature)!));
      const [main, ...members] = walletsOf(w, groupOf(w, 'relay-operator'));
      expect(members).toHaveLength(ADVERSARIAL_CASES.relayOperatorWallets - 1);
      const depths = members.map((m) => {
        // up the chain from the wallet's first funder until the trading wallet: every address between is fresh, none a world wallet
        let at = firstSolIn(m).counterparty!;
        for (let depth = 1; depth <= FUNDING_DEFAULTS.upstreamHops; depth++) {
          expect(activityOf(w, at)).toBe('dedicated');
          expect(w.wallets.some((x) => x.address === at)).toBe(false);
          at = originOf(at)!.funder;
          if (at === main.address) return depth;
        }
        throw new Error(`${m.address}'s chain does not reach the trading wallet`);
      });
      expect(depths.sort()).toEqual([1, 1, 1, 2]);
      // no transfer between any two of them
      const group = new Set([main.address, ...members.map((m) => m.address)]);
      for (const x of [main, ...members]) expect(x.transfers.some((t) => t.counterparty !== undefined && group.has(t.counterparty))).toBe(false);
      const sent = main.transfers.filter((t) => t.direction === 'out' && t.mint === 'SOL').map((t) => t.ts);
      expect(Math.max(...sent) - Math.min(...sent)).toBeGreaterThan(3600);

      // an exchange withdrew one odd amount to each wallet's fresh funder within minutes; the wallets got their own amounts later
      const withdrawn = walletsOf(w, groupOf(w, 'exchange-hop-withdrawal'));
      expect(withdrawn).toHaveLength(ADVERSARIAL_CASES.exchangeHopWithdrawalWallets);
      const origins = withdrawn.map((m) => {
        const hop = firstSolIn(m).counterparty!;
        expect(activityOf(w, hop)).toBe('dedicated');
        return originOf(hop)!;
      });
      expect(new Set(origins.map((o) => `${o.funder} ${o.amount}`)).size).toBe(1);
      expect(KNOWN_ADDRESSES.get(origins[0].funder)?.kind).toBe('exchange');
      expect(Math.max(...origins.map((o) => o.timestamp)) - Math.min(...origins.map((o) => o.timestamp))).toBeLessThanOrEqual(ADVERSARIAL_CASES.withdrawalSpreadSeconds);
      expect(new Set(withdrawn.map((m) => firstSolIn(m).amount)).size).toBe(withdrawn.length);
      for (const [i, m] of withdrawn.entries()) expect(Number(firstSolIn(m).amount)).toBeLessThan(Number(origins[i].amount));

      // strangers whose long-lived funders the exchange withdrew one amount to, months before
      const old = decoyOf(w, 'old-exchange-funders');
      const oldOrigins = walletsOf(w, old.members).map((m) => {
        const funder = firstSolIn(m).counterparty!;
        const page = sim.addressSignatures(funder, limit);
        expect(page.length).toBeGreaterThan(FUNDING_DEFAULTS.freshMaxTransactions);
        expect(activityOf(w, funder)).toBe('dedicated');
        const o = originOf(funder)!;
        expect(firstSolIn(m).ts - o.timestamp).toBeGreaterThan(FUNDING_DEFAULTS.freshMaxSeconds);
        return o;
      });
      expect(new Set(oldOrigins.map((o) => `${o.funder} ${o.amount}`))).toEqual(new Set([`${old.funder} ${oldOrigins[0].amount}`]));

      const paid = decoyOf(w, 'paid-hop');
      const [payer, payee] = walletsOf(w, paid.members);
      expect(firstSolIn(payee).counterparty).toBe(paid.funder);
      expect(payer.transfers.some((t) => t.direction === 'out' && t.counterparty === paid.funder && t.ts < firstSolIn(payee).ts)).toBe(true);
      expect(activityOf(w, paid.funder!)).toBe('dedicated');
      expect(originOf(paid.funder!)!.funder).not.toBe(payer.address);
    }
  });

  it('funds ten operator wallets or more within the hour from one wallet whose whole history on chain is theirs', () => {
    for (const w of worlds) {
      const members = walletsOf(w, groupOf(w, 'large-operator'));
      expect(members.length).toBeGreaterThanOrEqual(ADVERSARIAL_CASES.operatorMinWallets);
      const firsts = members.map(firstSolIn);
      expect(new Set(firsts.map((f) => f.counterparty)).size).toBe(1);
      expect(new Set(firsts.map((f) => f.amount)).size).toBe(members.length);
      expect(Math.max(...firsts.map((f) => f.ts)) - Math.min(...firsts.map((f) => f.ts))).toBeLessThan(ADVERSARIAL_CASES.operatorFundingSpreadSeconds);
      expect(activityOf(w, firsts[0].counterparty!)).toBe('dedicated');
    }
  });

  it('withdraws the same odd amount from a listed exchange within minutes, and funds strangers from an unlisted busy one', () => {
    for (const w of worlds) {
      const withdrawals = walletsOf(w, groupOf(w, 'exchange-withdrawal')).map(firstSolIn);
      expect(new Set(withdrawals.map((f) => f.amount)).size).toBe(1);
      expect(Number(withdrawals[0].amount) * 100 % 1).not.toBe(0); // not round
      expect(KNOWN_ADDRESSES.get(withdrawals[0].counterparty!)?.kind).toBe('exchange');
      expect(Math.max(...withdrawals.map((f) => f.ts)) - Math.min(...withdrawals.map((f) => f.ts))).toBeLessThanOrEqual(ADVERSARIAL_CASES.withdrawalSpreadSeconds);

      // and the same from the unlisted exchange whose customers are the decoys
      const unlisted = walletsOf(w, groupOf(w, 'unlisted-withdrawal')).map(firstSolIn);
      expect(new Set(unlisted.map((f) => `${f.counterparty} ${f.amount}`)).size).toBe(1);
      expect(unlisted[0].counterparty).toBe(decoyOf(w, 'unlisted-exchange').funder);

      const customers = decoyOf(w, 'unlisted-exchange');
      const firsts = walletsOf(w, customers.members).map(firstSolIn);
      expect(new Set(firsts.map((f) => f.counterparty))).toEqual(new Set([customers.funder]));
      expect(KNOWN_ADDRESSES.has(customers.funder!)).toBe(false);
      expect(activityOf(w, customers.funder!)).toBe('service');
    }
  });

  it('sprays the same dust on strangers at one second before their own fundings, and copies a quarter of a leader\'s buys 14 to 16 s late', () => {
    for (const w of worlds) {
      const sprayed = walletsOf(w, decoyOf(w, 'dust-spray').members);
      const dust = sprayed.map(firstSolIn);
      expect(new Set(dust.map((f) => `${f.counterparty} ${f.amount} ${f.ts}`)).size).toBe(1);
      expect(dust[0].amount).toBe(ADVERSARIAL_CASES.dustSol);
      for (const s of sprayed) expect(s.transfers.filter((t) => t.mint === 'SOL' && t.direction === 'in' && t.counterparty !== dust[0].counterparty).length).toBeGreaterThan(0);

      const [leader, ...followers] = walletsOf(w, groupOf(w, 'diluted-copy-chain'));
      const leaderBuys = leader.trades.filter((t) => t.side === 'buy');
      for (const f of followers) {
        const lags = f.trades.filter((t) => t.side === 'buy').flatMap((b) => leaderBuys.filter((l) => l.mint === b.mint && b.ts - l.ts >= 14 && b.ts - l.ts <= 16).map((l) => b.ts - l.ts));
        expect(lags.length).toBeGreaterThan(0);
        expect(lags.length).toBeLessThan(leaderBuys.length * 0.5);
        expect(f.trades.length).toBeGreaterThan(lags.length * 3);
      }
    }
  });

  it('puts a copier in a crowd: everyone buys the same launches within half an hour, the followers besides copy half the leader\'s launch buys 19 to 21 s late', () => {
    for (const w of worlds) {
      const [leader, ...followers] = walletsOf(w, groupOf(w, 'crowd-copier'));
      expect(followers).toHaveLength(ADVERSARIAL_CASES.crowdCopyFollowers);
      const strangers = walletsOf(w, decoyOf(w, 'launch-crowd').members);
      expect(strangers).toHaveLength(ADVERSARIAL_CASES.launchCrowdWallets);
      // the launches: tokens the leader buys that each stranger buys too, within half an hour of the leader's buy
      const leaderBuys = leader.trades.filter((t) => t.side === 'buy');
      const near = (x: Wallet, lo: number, hi: number) => leaderBuys.filter((l) => x.trades.some((t) => t.side === 'buy' && t.mint === l.mint && Math.abs(t.ts - l.ts) >= lo && Math.abs(t.ts - l.ts) <= hi));
      for (const s of strangers) expect(near(s, 0, ADVERSARIAL_CASES.crowdSpreadSeconds).length).toBeGreaterThanOrEqual(3);
      for (const f of followers) {
        const copies = f.trades.filter((t) => t.side === 'buy').flatMap((b) => leaderBuys.filter((l) => l.mint === b.mint && b.ts - l.ts >= 19 && b.ts - l.ts <= 21));
        expect(copies.length).toBeGreaterThan(0);
        // and buys of the same launches at scattered times, as the crowd does
        expect(near(f, 60, ADVERSARIAL_CASES.crowdSpreadSeconds).length).toBeGreaterThan(0);
        // nothing else in common with the leader: each funded on its own
        expect(firstSolIn(f).counterparty).not.toBe(firstSolIn(leader).counterparty);
      }
    }
  });

  it('makes launch traders: strangers trading mostly fresh launches, each bought within half an hour of its first buy and sold within the hour', () => {
    for (const w of worlds) {
      const traders = walletsOf(w, decoyOf(w, 'launch-traders').members);
      expect(traders).toHaveLength(ADVERSARIAL_CASES.launchTraderWallets);
      const ours = new Set(traders.map((t) => t.address));
      // the launches: fresh tokens of the world's, which only launch traders trade
      const launchMints = new Set(w.tokens.filter((t) => t.name.endsWith(' launch-trader')).map((t) => t.mint));
      expect(launchMints.size).toBe(ADVERSARIAL_CASES.launchTraderLaunches);
      for (const x of w.wallets) if (!ours.has(x.address)) expect(x.trades.some((y) => launchMints.has(y.mint))).toBe(false);
      const firstBuy = new Map<string, number>();
      for (const t of traders) for (const x of t.trades) if (x.side === 'buy' && launchMints.has(x.mint)) firstBuy.set(x.mint, Math.min(firstBuy.get(x.mint) ?? Infinity, x.ts));
      let crowded = 0;
      for (const m of launchMints) {
        const buyers = traders.filter((t) => t.trades.some((x) => x.mint === m && x.side === 'buy'));
        if (buyers.length > 6) crowded++;
        for (const t of buyers) {
          const buys = t.trades.filter((x) => x.mint === m && x.side === 'buy');
          for (const b of buys) expect(b.ts - firstBuy.get(m)!).toBeLessThanOrEqual(ADVERSARIAL_CASES.crowdSpreadSeconds);
          for (const x of t.trades.filter((y) => y.mint === m && y.side === 'sell')) expect(x.ts - buys[0].ts).toBeLessThanOrEqual(3600);
        }
      }
      // most launches draw a crowd of more than 6 of them, as timing's crowded launches need
      expect(crowded).toBeGreaterThan(launchMints.size / 2);
      // and the launches are most of each trader's trading
      for (const t of traders) expect(t.trades.filter((x) => launchMints.has(x.mint)).length).toBeGreaterThan(t.trades.length / 2);
    }
  });

  it("hands an NFT operator's passes to its vault days apart, rendered as NFT transfers between the two wallets; sprays strangers with NFTs from a busy service; strangers stake NFTs into a program's vault", () => {
    for (const w of worlds) {
      const sim = new SimWorld(w);
      const [vault, ...members] = walletsOf(w, groupOf(w, 'nft-operator'));
      expect(members).toHaveLength(ADVERSARIAL_CASES.nftOperatorWallets - 1);
      // nothing else in common: each funded on its own, no SOL between them
      expect(new Set([vault, ...members].map((m) => firstSolIn(m).counterparty)).size).toBe(members.length + 1);
      const handed: number[] = [];
      for (const m of members) {
        const outs = m.transfers.filter((t) => t.counterparty === vault.address);
        expect(outs).toHaveLength(1);
        const [out] = outs;
        expect(out).toMatchObject({ direction: 'out', amount: '1' });
        const token = w.tokens.find((t) => t.mint === out.mint)!;
        expect(token).toMatchObject({ decimals: 0, standard: 'NonFungible', pools: [] });
        // minted to the member first
        expect(m.transfers.some((t) => t.mint === out.mint && t.kind === 'airdrop' && t.ts < out.ts)).toBe(true);
        handed.push(out.ts);
        // the rendered hand-over: no legs (an NFT), one transfer of the NFT for each side
        const tx = firstTransaction(sim, m.address, (e) => e.kind === 'transfer' && e.transfer.counterparty === vault.address);
        expect(tx.tokenTransfers![0].tokenStandard).toBe('NonFungible');
        expect(extractLegs(tx, m.address, { solPriceUsd: 150 }).skipped).toBe('non-fungible');
        expect(extractTransfers(tx, m.address).map((t) => [t.direction, t.counterparty, t.asset, t.amount])).toEqual([['out', vault.address, out.mint, '1']]);
        expect(extractTransfers(tx, vault.address).map((t) => [t.direction, t.counterparty, t.asset, t.amount])).toEqual([['in', m.address, out.mint, '1']]);
      }
      // the vault's own list has each hand-over too
      expect(vault.transfers.filter((t) => members.some((m) => m.address === t.counterparty)).map((t) => t.ts).sort()).toEqual([...handed].sort());

      const spray = decoyOf(w, 'nft-spray');
      expect(spray.members).toHaveLength(ADVERSARIAL_CASES.nftSprayWallets);
      expect(activityOf(w, spray.funder!)).toBe('service');
      const times = walletsOf(w, spray.members).map((m) => m.transfers.find((t) => t.counterparty === spray.funder)!.ts);
      expect(Math.max(...times) - Math.min(...times)).toBeLessThanOrEqual(ADVERSARIAL_CASES.nftSpraySpreadSeconds);

      // stakers hand their NFTs to a program's vault (off the curve) within hours: read as no transfer
      const stakers = decoyOf(w, 'nft-stakers');
      expect(stakers.members).toHaveLength(ADVERSARIAL_CASES.nftStakerWallets);
      expect(isOnCurve(stakers.funder!)).toBe(false);
      const staked = walletsOf(w, stakers.members).map((m) => m.transfers.find((t) => t.counterparty === stakers.funder)!);
      expect(Math.max(...staked.map((t) => t.ts)) - Math.min(...staked.map((t) => t.ts))).toBeLessThanOrEqual(ADVERSARIAL_CASES.nftStakeSpreadSeconds);
      const staking = firstTransaction(sim, stakers.members[0], (e) => e.kind === 'transfer' && e.transfer.counterparty === stakers.funder);
      expect(extractTransfers(staking, stakers.members[0])).toEqual([]);
    }
  });
});

describe('generateWorld({ scenario: "adversarial" }): the NFT market cases', () => {
  // 165 wallets: every case whole (the NFT market cases too), 4 independents left
  const large = [1, 2, 3].map((s) => adversarial(s, 172));
  type Sale = { mint: string; seller: string; buyer: string; ts: number; price: number; market: string };
  /** every NFT sale the world's wallets list, once (both sides list a sale between two of them), oldest first */
  const salesOf = (w: World): Sale[] => {
    const seen = new Map<string, Sale>();
    for (const x of w.wallets) {
      for (const t of x.transfers.filter((y) => y.kind === 'nft-sale')) {
        const [seller, buyer] = t.direction === 'out' ? [x.address, t.counterparty!] : [t.counterparty!, x.address];
        seen.set(`${t.mint} ${t.ts} ${seller} ${buyer}`, { mint: t.mint, seller, buyer, ts: t.ts, price: Number(t.price), market: t.market! });
      }
    }
    return [...seen.values()].sort((a, b) => a.ts - b.ts);
  };
  /** the sales of each NFT, oldest first, the NFTs in the order of their first sale */
  const byMint = (sales: Sale[]): Map<string, Sale[]> => {
    const out = new Map<string, Sale[]>();
    for (const s of sales) out.set(s.mint, [...(out.get(s.mint) ?? []), s]);
    return out;
  };

  it('leaves a world of 152 wallets as it was (the NFT market cases need room for themselves and 4 independents), adds the wash operator and the collectors at 165, and the ring too at 172', () => {
    expect(worlds[0].groundTruth!.clusterKinds).not.toContain('nft-wash');
    expect(salesOf(worlds[0])).toEqual([]);
    const at165 = adversarial(1, 165).groundTruth!;
    expect(at165.clusterKinds!.slice(-2)).toEqual(['nft-operator', 'nft-wash']);
    expect(at165.decoys!.map((d) => d.kind).slice(-1)).toEqual(['nft-collectors']);
    for (const w of large) {
      expect(w.groundTruth!.clusterKinds!.slice(-3)).toEqual(['nft-operator', 'nft-wash', 'nft-ring']);
      expect(w.groundTruth!.decoys!.map((d) => d.kind).slice(-2)).toEqual(['nft-stakers', 'nft-collectors']);
      expect(w.wallets.filter((x) => x.label === 'independent')).toHaveLength(ADVERSARIAL_CASES.nftMarketIndependents);
      expect([...w.groundTruth!.clusters.flat(), ...w.groundTruth!.independent!].sort()).toEqual(w.wallets.map((x) => x.address).sort());
    }
  });

  it('wash-trades NFTs around an operator\'s ring back to their first seller, one back and forth, hours to days apart at high, similar prices: nothing else in common', () => {
    for (const w of large) {
      const sim = new SimWorld(w);
      const members = groupOf(w, 'nft-wash');
      expect(members).toHaveLength(ADVERSARIAL_CASES.nftWashWallets);
      const ring = new Set(members);
      const ms = walletsOf(w, members);
      // each funded on its own, no SOL between them, no fee payer of another
      expect(new Set(ms.map((m) => firstSolIn(m).counterparty)).size).toBe(members.length);
      for (const m of ms) {
        expect(m.transfers.filter((t) => t.mint === 'SOL' && ring.has(t.counterparty ?? ''))).toEqual([]);
        expect(m.trades.filter((t) => t.feePayer !== undefined)).toEqual([]);
      }
      const sales = salesOf(w).filter((s) => ring.has(s.seller) || ring.has(s.buyer));
      expect(sales.length).toBeGreaterThanOrEqual(6);
      expect(sales.length).toBeLessThanOrEqual(12);
      for (const s of sales) {
        // among themselves only, each NFT minted to the first of them before its first sale
        expect(ring.has(s.seller) && ring.has(s.buyer)).toBe(true);
        expect(s.price).toBeGreaterThanOrEqual(ADVERSARIAL_CASES.nftWashPriceSol[0] * 0.9);
        expect(s.price).toBeLessThanOrEqual(ADVERSARIAL_CASES.nftWashPriceSol[1] * 1.1);
      }
      const prices = sales.map((s) => s.price);
      expect(Math.max(...prices) / Math.min(...prices)).toBeLessThan(1.25);
      const nfts = [...byMint(sales)];
      expect(nfts).toHaveLength(ADVERSARIAL_CASES.nftWashNfts + 1);
      for (const [k, [mint, list]] of nfts.entries()) {
        // minted to the first of them, then back to its first seller: around the ring, or back and forth between two
        expect(ms[0].transfers.some((t) => t.mint === mint && t.kind === 'airdrop' && t.ts < list[0].ts)).toBe(true);
        const path = [list[0].seller, ...list.map((x) => x.buyer)];
        expect(path[path.length - 1]).toBe(path[0]);
        expect(path).toEqual(k < ADVERSARIAL_CASES.nftWashNfts ? [...members, members[0]] : [members[0], members[1], members[0]]);
        for (let h = 1; h < list.length; h++) {
          expect(list[h].ts - list[h - 1].ts).toBeGreaterThanOrEqual(ADVERSARIAL_CASES.nftWashGapSeconds[0]);
          expect(list[h].ts - list[h - 1].ts).toBeLessThanOrEqual(ADVERSARIAL_CASES.nftWashGapSeconds[1]);
        }
      }
      // one transaction each, the same signature in the seller's and the buyer's history
      for (const s of sales) {
        const signatureIn = (address: string) => {
          const h = sim.history(address)!;
          const k = Array.from({ length: h.length }, (_, i) => i).find((i) => {
            const e = sim.event(sim.indexOf(address)!, i);
            return e.kind === 'transfer' && e.transfer.kind === 'nft-sale' && e.transfer.mint === s.mint && e.ts === s.ts;
          })!;
          return h.signature(k);
        };
        const signature = signatureIn(s.seller);
        expect(signatureIn(s.buyer)).toBe(signature);
        expect(sim.transactionBySignature(signature)!.events.nft).toMatchObject({ seller: s.seller, buyer: s.buyer, source: s.market });
      }
    }
  });

  it('passes one NFT once around an operator\'s ring through markets, a day or more between sales, back to the first: each wallet sells once, to its neighbour', () => {
    for (const w of large) {
      const members = groupOf(w, 'nft-ring');
      expect(members).toHaveLength(ADVERSARIAL_CASES.nftRingWallets);
      const ring = new Set(members);
      const sales = salesOf(w).filter((s) => ring.has(s.seller) || ring.has(s.buyer));
      expect(sales.map((s) => [s.seller, s.buyer])).toEqual(members.map((m, i) => [m, members[(i + 1) % members.length]]));
      expect(new Set(sales.map((s) => s.mint)).size).toBe(1);
      for (let h = 1; h < sales.length; h++) {
        expect(sales[h].ts - sales[h - 1].ts).toBeGreaterThanOrEqual(ADVERSARIAL_CASES.nftRingGapSeconds[0]);
        expect(sales[h].ts - sales[h - 1].ts).toBeLessThanOrEqual(ADVERSARIAL_CASES.nftRingGapSeconds[1]);
      }
      // each funded on its own, no SOL between them
      const ms = walletsOf(w, members);
      expect(new Set(ms.map((m) => firstSolIn(m).counterparty)).size).toBe(members.length);
      for (const m of ms) expect(m.transfers.filter((t) => t.mint === 'SOL' && ring.has(t.counterparty ?? ''))).toEqual([]);
    }
  });

  it('makes NFT collectors: strangers trading one popular collection around its floor with outside wallets, at most one sale between any two of them, one NFT resold on, none coming back', () => {
    for (const w of large) {
      const members = decoyOf(w, 'nft-collectors').members;
      expect(members).toHaveLength(ADVERSARIAL_CASES.nftCollectorWallets);
      const ours = new Set(members);
      const sales = salesOf(w).filter((s) => ours.has(s.seller) || ours.has(s.buyer));
      for (const s of sales) {
        expect(s.price).toBeGreaterThanOrEqual(ADVERSARIAL_CASES.nftFloorSol[0]);
        expect(s.price).toBeLessThanOrEqual(ADVERSARIAL_CASES.nftFloorSol[1]);
      }
      // mostly with outside wallets, many of them
      const between = sales.filter((s) => ours.has(s.seller) && ours.has(s.buyer));
      const outside = new Set(sales.flatMap((s) => [s.seller, s.buyer]).filter((a) => !ours.has(a)));
      expect(outside.size).toBeGreaterThan(members.length * 3);
      expect(w.wallets.some((x) => outside.has(x.address))).toBe(false);
      // a few among them: at most one between any two, one way
      expect(between.length).toBeGreaterThanOrEqual(3);
      expect(between.length).toBeLessThan(sales.length / 4);
      const pairs = between.map((s) => [s.seller, s.buyer].sort().join(' '));
      expect(new Set(pairs).size).toBe(pairs.length);
      // no NFT comes back to a wallet that held it
      for (const list of byMint(sales).values()) {
        const owners = [list[0].seller, ...list.map((s) => s.buyer)];
        expect(new Set(owners).size).toBe(owners.length);
        for (let h = 1; h < list.length; h++) expect(list[h].seller).toBe(list[h - 1].buyer);
      }
      // one chain: A to B, days later B to C
      const chains = between.filter((s) => between.some((t) => t.mint === s.mint && t.seller === s.buyer && t.ts - s.ts >= 86_400));
      expect(chains).toHaveLength(1);
      // strangers: each funded on its own
      expect(new Set(walletsOf(w, members).map((m) => firstSolIn(m).counterparty)).size).toBe(members.length);
    }
  });
});
