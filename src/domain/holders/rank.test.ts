import { createHash } from 'node:crypto';
import bs58 from 'bs58';
import { OWNERS_PER_TURN, OwnerTally, TALLY_LARGEST_KEPT, exclusionOf, leaveOutServices, rankedOwners, selectFromTallyYielding, selectTopHolders, selectTopHoldersYielding, withLargestAccounts, type HolderAccount } from './rank';
import { isOnCurve } from './on-curve';

// Real mainnet addresses: ordinary wallets (on the curve) and program-derived ones (off it).
const WALLET_A = 'GdNh12yVy5Lsew9WXVCV5ErgK5SpmsBJkcti5jVtPB7o';
const WALLET_B = '86xCnPeV69n6t3DnyGvkKobf9FdN2H9oiVDdaMpo2MMY';
const RAYDIUM_AUTHORITY = '5Q544fKrFoe6tsEbD7S8EmxGTJYAKtTVhAW5Q5pge4j1';
const CPMM_AUTHORITY = 'GpMZbSM2GgvTKHJirzeGfMFoaZ8UR2X7F4v8vHTvxFbL';
const INCINERATOR = '1nc1nerator11111111111111111111111111111111';
const BINANCE = '5tzFkiKscXHK5ZXCGbXZxdw7gTjjD1mBwuoFbhUvuAi9';

const acct = (owner: string, amount: bigint, n = 0): HolderAccount => ({ address: `${owner}-${n}`, owner, amount });

describe('isOnCurve', () => {
  it('is true for keypair wallets and false for PDAs and non-keys', () => {
    expect([WALLET_A, WALLET_B, BINANCE].map(isOnCurve)).toEqual([true, true, true]);
    expect([RAYDIUM_AUTHORITY, CPMM_AUTHORITY, INCINERATOR].map(isOnCurve)).toEqual([false, false, false]);
    expect(isOnCurve('not base58 0OIl')).toBe(false);
    expect(isOnCurve('1111')).toBe(false);
  });
});

describe('exclusionOf', () => {
  it('names the list entry first, then the curve test', () => {
    expect(exclusionOf(INCINERATOR)).toEqual({ reason: 'burn', label: 'Solana incinerator (sdk incinerator::id)' });
    expect(exclusionOf(RAYDIUM_AUTHORITY)).toEqual({ reason: 'amm', label: 'Raydium AMM v4 authority' });
    expect(exclusionOf(BINANCE)).toEqual({ reason: 'exchange', label: 'Binance hot wallet 2' });
    expect(exclusionOf('11111111111111111111111111111111')).toMatchObject({ reason: 'burn' });
    expect(exclusionOf(CPMM_AUTHORITY, new Map())).toEqual({ reason: 'off-curve' });
    expect(exclusionOf(WALLET_A)).toBeNull();
  });
});

describe('selectTopHolders', () => {
  const isWallet = (o: string) => !o.startsWith('pda');

  it('sums accounts per owner, ranks by amount (ties by address) and keeps the top N eligible owners', () => {
    const result = selectTopHolders(
      [acct('w3', 50n), acct('w1', 60n), acct('w2', 40n, 0), acct('w2', 30n, 1), acct('w4', 50n), acct('w5', 0n), acct('w6', 1n)],
      { top: 3, isWallet, known: new Map() },
    );
    expect(result.holders).toEqual([
      { owner: 'w2', amount: '70', accounts: 2 },
      { owner: 'w1', amount: '60', accounts: 1 },
      { owner: 'w3', amount: '50', accounts: 1 },
    ]);
    expect(result).toMatchObject({ ownersSeen: 5, eligible: 5, accountsSeen: 6, excluded: [] });
  });

  it('counts an account listed on two pages once, as its last listing has it (offset paging over accounts that change)', () => {
    const acc = (address: string, owner: string, amount: bigint) => ({ address, owner, amount });
    // page 1: acc1 (w1 150), acc2 (w2 80); page 2 lists acc2 again (the set shifted), then acc3 (w2 30), acc2 moved to 85
    const result = selectTopHolders([acc('acc1', 'w1', 150n), acc('acc2', 'w2', 80n), acc('acc2', 'w2', 80n), acc('acc3', 'w2', 30n), acc('acc2', 'w2', 85n)], {
      top: 1,
      isWallet,
      known: new Map(),
    });
    expect(result.holders).toEqual([{ owner: 'w1', amount: '150', accounts: 1 }]);
    expect(result).toMatchObject({ ownersSeen: 2, eligible: 2, accountsSeen: 3, repeatedListings: 2 });
    // an account that changed owner between its listings counts for its last owner only
    const moved = selectTopHolders([acc('acc9', 'w8', 100n), acc('acc9', 'w9', 100n)], { top: 2, isWallet, known: new Map() });
    expect(moved.holders).toEqual([{ owner: 'w9', amount: '100', accounts: 1 }]);
  });

  it('drops burn, AMM, exchange and off-curve owners, counts them by reason and lists the largest', () => {
    const result = selectTopHolders(
      [acct(RAYDIUM_AUTHORITY, 1000n), acct('pda-vault', 900n), acct(INCINERATOR, 800n), acct(BINANCE, 700n), acct(WALLET_A, 10n), acct(WALLET_B, 20n), acct('pda-small', 1n)],
      { top: 5, isWallet: (o) => !o.startsWith('pda') && isOnCurve(o), excludedListed: 3 },
    );
    expect(result.holders.map((h) => h.owner)).toEqual([WALLET_B, WALLET_A]);
    expect(result.excludedCounts).toEqual({ burn: 1, amm: 1, exchange: 1, 'off-curve': 2, service: 0 });
    expect(result.excluded).toEqual([
      { owner: RAYDIUM_AUTHORITY, amount: '1000', accounts: 1, reason: 'amm', label: 'Raydium AMM v4 authority' },
      { owner: 'pda-vault', amount: '900', accounts: 1, reason: 'off-curve' },
      { owner: INCINERATOR, amount: '800', accounts: 1, reason: 'burn', label: 'Solana incinerator (sdk incinerator::id)' },
    ]);
    expect(result.eligible).toBe(2);
  });

  it('ranks amounts beyond 2^53 exactly', () => {
    const big = 2n ** 60n;
    const result = selectTopHolders([acct('w1', big + 1n), acct('w2', big)], { top: 1, isWallet, known: new Map() });
    expect(result.holders).toEqual([{ owner: 'w1', amount: (big + 1n).toString(), accounts: 1 }]);
  });
});

describe('selectTopHoldersYielding', () => {
  it('selects as selectTopHolders does, letting the event loop turn between slices of owners', async () => {
    // 2,600 owners: every third off the curve by the test's own isWallet
    const accounts = Array.from({ length: 2_600 }, (_, i) => acct(`owner-${String(i).padStart(5, '0')}`, BigInt(1_000_000 - i * 7)));
    const isWallet = (owner: string) => Number(owner.slice(6)) % 3 !== 0;
    let turns = 0;
    const yielded = await selectTopHoldersYielding(accounts, { top: 100, isWallet }, async () => void (turns += 1));
    expect(yielded).toEqual(selectTopHolders(accounts, { top: 100, isWallet }));
    expect(yielded).toMatchObject({ ownersSeen: 2_600, eligible: 1_733, excludedCounts: { 'off-curve': 867 } });
    expect(turns).toBe(Math.floor((2_600 - 1) / OWNERS_PER_TURN));
    // with the default turn, a timer due meanwhile fires before the selection ends
    let fired = false;
    setTimeout(() => void (fired = true), 0);
    const many = Array.from({ length: 3 * OWNERS_PER_TURN }, (_, i) => acct(`wallet-${i}`, BigInt(i + 1)));
    await selectTopHoldersYielding(many, { top: 2, isWallet: () => { const t = Date.now(); while (Date.now() - t < 1); return true; } });
    expect(fired).toBe(true);
  });
});

describe('withLargestAccounts', () => {
  it("adds the largest accounts the pages did not list, and gives one they listed the amount read later, once", () => {
    const pages: HolderAccount[] = [
      { address: 'acc1', owner: 'o1', amount: 5n },
      { address: 'acc2', owner: 'o2', amount: 7n },
    ];
    const largest: HolderAccount[] = [
      { address: 'acc9', owner: 'o9', amount: 900n },
      { address: 'acc1', owner: 'o1', amount: 771n },
    ];
    expect(withLargestAccounts(pages, largest)).toEqual({
      accounts: [
        { address: 'acc1', owner: 'o1', amount: 771n },
        { address: 'acc2', owner: 'o2', amount: 7n },
        { address: 'acc9', owner: 'o9', amount: 900n },
      ],
      added: 1,
    });
    expect(pages[0].amount).toBe(5n);
    expect(withLargestAccounts(pages, [])).toEqual({ accounts: pages, added: 0 });
  });

  it('credits a listed account to the owner read later: its owner changed between the page and the read', () => {
    const pages: HolderAccount[] = [{ address: 'acc1', owner: 'old-owner', amount: 5n }];
    const { accounts } = withLargestAccounts(pages, [{ address: 'acc1', owner: 'new-owner', amount: 500n }]);
    expect(accounts).toEqual([{ address: 'acc1', owner: 'new-owner', amount: 500n }]);
  });
});

describe('leaveOutServices', () => {
  it('leaves out the candidates that are busy services, lists them by amount among the excluded, and lets the next ones in', () => {
    const accounts: HolderAccount[] = ['w1', 'svc', 'w2', 'w3', 'w4'].map((owner, i) => ({ address: `acc-${owner}`, owner, amount: BigInt(1000 - i * 100) }));
    const candidates = selectTopHolders(accounts, { top: 4, isWallet: () => true, known: new Map() });
    const picked = leaveOutServices(candidates, 3, (owner) => owner === 'svc');
    expect(picked.holders.map((h) => h.owner)).toEqual(['w1', 'w2', 'w3']);
    expect(picked.excluded).toEqual([{ owner: 'svc', amount: '900', accounts: 1, reason: 'service' }]);
    expect(picked).toMatchObject({ eligible: 4, excludedCounts: { service: 1 } });
    // none: the top of the candidates, as they were
    expect(leaveOutServices(candidates, 3, () => false).holders.map((h) => h.owner)).toEqual(['w1', 'svc', 'w2']);
  });
});

describe('OwnerTally', () => {
  const isWallet = (o: string) => !o.startsWith('pda');
  const noTurn = async () => undefined;
  /** a distinct base58 address per label (the tally reads addresses' bytes to note listings) */
  const address = (label: string) => bs58.encode(createHash('sha256').update(label).digest());
  const listing = (label: string, owner: string, amount: bigint): HolderAccount => ({ address: address(label), owner, amount });

  it('ranks the accounts it was given as selectTopHolders ranks them, without keeping them', async () => {
    const accounts = [acct('w3', 50n), acct('w1', 60n), acct('w2', 40n, 0), acct('w2', 30n, 1), acct('w4', 50n), acct('w5', 0n), acct('pda1', 99n), acct('w6', 1n)];
    const tally = new OwnerTally();
    for (const a of accounts) tally.add(a);
    const fromTally = await selectFromTallyYielding(rankedOwners(tally), { top: 3, isWallet, known: new Map() }, noTurn);
    expect(fromTally.holders).toEqual([
      { owner: 'w2', amount: '70', accounts: 2 },
      { owner: 'w1', amount: '60', accounts: 1 },
      { owner: 'w3', amount: '50', accounts: 1 },
    ]);
    // the empty account is no holding: not an account seen, its owner not an owner
    expect(fromTally).toMatchObject({ accountsSeen: 7, ownersSeen: 6, ownersTested: 6, eligible: 5, excludedCounts: { 'off-curve': 1 }, repeatedListings: 0 });
    expect(tally.emptyAccounts).toBe(1);
  });

  it('tests the largest owners only, up to maxOwnersTested, and counts those', async () => {
    const tally = new OwnerTally();
    for (let i = 0; i < 10; i++) tally.add(acct(i % 2 === 0 ? `w${i}` : `pda${i}`, BigInt(100 - i)));
    let tested = 0;
    const picked = await selectFromTallyYielding(rankedOwners(tally), { top: 2, isWallet: (o) => (tested++, isWallet(o)), known: new Map(), maxOwnersTested: 4 }, noTurn);
    expect(tested).toBe(4);
    expect(picked).toMatchObject({ ownersSeen: 10, ownersTested: 4, eligible: 2, excludedCounts: { 'off-curve': 2 } });
    expect(picked.holders.map((h) => h.owner)).toEqual(['w0', 'w2']);
  });

  it("past a capped scan, adds the mint's largest accounts it did not list and gives the ones it kept the amount read now, once", async () => {
    const tally = new OwnerTally({ trackListings: true });
    tally.add(listing('acc1', 'o1', 5n));
    tally.add(listing('acc2', 'o2', 7n));
    tally.add(listing('acc3', 'o1', 3n));
    const added = tally.withLargest([
      listing('acc9', 'o9', 900n),
      // listed, since moved to another owner with more
      listing('acc1', 'o3', 771n),
    ]);
    expect(added).toBe(1);
    const picked = await selectFromTallyYielding(rankedOwners(tally), { top: 5, isWallet: () => true, known: new Map() }, noTurn);
    expect(picked.holders).toEqual([
      { owner: 'o9', amount: '900', accounts: 1 },
      { owner: 'o3', amount: '771', accounts: 1 },
      { owner: 'o2', amount: '7', accounts: 1 },
      { owner: 'o1', amount: '3', accounts: 1 },
    ]);
    expect(picked).toMatchObject({ accountsSeen: 4, ownersSeen: 4 });
  });

  it('tells a largest account it listed from one it did not by its address, whatever their amounts: none counted twice, none lost', () => {
    const tally = new OwnerTally({ trackListings: true });
    for (let i = 0; i < TALLY_LARGEST_KEPT + 10; i++) tally.add(listing(`acc${i}`, `o${i}`, BigInt(1_000 + i)));
    tally.add(listing('emptied', 'o-empty', 0n));
    // acc0 (1,000) is past the kept ones: read now at 999, or grown to 1,000,000 during the scan, it was listed
    expect(tally.withLargest([listing('acc0', 'o0', 999n), listing('acc1', 'o1', 1_000_000n)])).toBe(0);
    expect(tally.owners.get('o1')).toEqual({ owner: 'o1', raw: 1_001n, accounts: 1 });
    // an account listed at zero is listed too
    expect(tally.withLargest([listing('emptied', 'o-empty', 5_000n)])).toBe(0);
    // never listed, however small: past the pages (an amount equal to the smallest kept is not taken for a listing)
    expect(tally.withLargest([listing('accX', 'oX', 5_000n), listing('accY', 'oY', 1_010n)])).toBe(2);
    // a kept one read at a new amount and owner replaces its listing
    expect(tally.withLargest([listing(`acc${TALLY_LARGEST_KEPT + 9}`, 'o-new', 4_000n)])).toBe(0);
    expect(tally.owners.get(`o${TALLY_LARGEST_KEPT + 9}`)).toBeUndefined();
    expect(tally.owners.get('o-new')).toEqual({ owner: 'o-new', raw: 4_000n, accounts: 1 });
    expect([tally.accountsSeen, tally.emptyAccounts]).toEqual([TALLY_LARGEST_KEPT + 12, 1]);
    expect(() => new OwnerTally().withLargest([])).toThrow(/trackListings/);
  });

  it('counts listings repeated or out of address order (a key-paged scan has none)', () => {
    const ordered = Array.from({ length: 50 }, (_, i) => address(`a${i}`)).sort((x, y) => Buffer.compare(Buffer.from(bs58.decode(x)), Buffer.from(bs58.decode(y))));
    const clean = new OwnerTally({ trackListings: true });
    for (const a of ordered) clean.add({ address: a, owner: 'o', amount: 1n });
    expect([clean.repeatedListings(), clean.unorderedListings]).toEqual([0, 0]);
    const relisted = new OwnerTally({ trackListings: true });
    // a cursor that came back: the last 10 listed again
    for (const a of [...ordered, ...ordered.slice(40)]) relisted.add({ address: a, owner: 'o', amount: 1n });
    expect([relisted.repeatedListings(), relisted.unorderedListings]).toEqual([10, 1]);
  });
});
