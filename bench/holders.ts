// npm run bench:holders [-- --holders 300000 --top 1000]
// A token's holder scan over the simulator (in this process, no latency, no rate limit): the
// generator's holder token with --holders owners, scanned as resolveTokenHolders scans it, by Helius's
// getProgramAccountsV2 (10,000 accounts a page, summed per owner as they come; its cap 50 pages) and
// by DAS getTokenAccounts (1,000 a page, kept whole; its cap 100 pages), each past its cap with the
// mint's 20 largest accounts. Prints one JSON line: per scan, its requests, accounts read, whether it
// read them all, its wall time and the selection's, the heap the scan holds when its pages are read
// (after a GC: the heap with it less the heap without it), and how many of the true top N eligible holders (ranked over every account of the
// world) its top N has. Figures only: nothing is asserted.
import { parseArgs } from 'node:util';
import { MAX_HOLDER_PAGES, MAX_PROGRAM_ACCOUNT_PAGES } from '../src/activities/holders';
import { OwnerTally, rankedOwners, selectFromTallyYielding, selectTopHolders, selectTopHoldersYielding, withLargestAccounts, type HolderAccount, type HolderSelection } from '../src/domain/holders/rank';
import { HeliusDasClient } from '../src/providers';
import { generateWorld, startSimulator } from '../src/simulator';
import { ActionableError, exitWithOneLine } from '../src/errors';

const USAGE = 'usage: node --expose-gc --import tsx bench/holders.ts [--holders 300000] [--top 1000] (npm run bench:holders -- ...)';

function heapMb(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { holders: { type: 'string', default: '300000' }, top: { type: 'string', default: '1000' } } });
  if (!/^\d+$/.test(values.holders) || !/^\d+$/.test(values.top)) throw new ActionableError(`--holders and --top are integers (got ${values.holders} and ${values.top}); ${USAGE}`);
  const holders = Number(values.holders);
  const top = Number(values.top);
  if (!Number.isInteger(holders) || holders < 100 || !Number.isInteger(top) || top < 2) throw new ActionableError(`--holders (100 or more) and --top (2 or more) are integers (got ${values.holders} and ${values.top}); ${USAGE}`);
  if ((globalThis as { gc?: unknown }).gc === undefined) throw new ActionableError(`run with --expose-gc (the heap is read after a GC): ${USAGE}`);
  const made = Date.now();
  const world = generateWorld({ seed: 91, wallets: 2, txPerWallet: 2, largeWallet: false, holderToken: { holders, wallets: 20 } });
  const mint = world.groundTruth!.holderToken!.mint;
  const sim = await startSimulator({ world, port: 0 });
  try {
    const all = sim.world.mintAccounts(mint);
    const truth = selectTopHolders(all.map((a) => ({ address: a.pubkey, owner: a.owner, amount: a.raw })), { top });
    const truthSet = new Set(truth.holders.map((h) => h.owner));
    const generatedMs = Date.now() - made;
    const client = new HeliusDasClient({ url: sim.url, apiKey: 'bench' });
    const found = (s: HolderSelection) => s.holders.filter((h) => truthSet.has(h.owner)).length;

    // getProgramAccountsV2: the accounts summed per owner as they come
    let started = Date.now();
    let tally: OwnerTally | null = new OwnerTally({ trackListings: true });
    const v2 = await client.scanProgramAccounts(mint, { maxPages: MAX_PROGRAM_ACCOUNT_PAGES, onAccount: (a) => tally!.add(a) });
    if (!v2.complete) tally.withLargest(await client.getLargestTokenAccounts(mint));
    const v2ScanMs = Date.now() - started;
    const v2AccountsRead = tally.accountsSeen;
    // the heap the scan holds: with its tally, less without it
    const v2Held = heapMb();
    started = Date.now();
    const v2Selection = await selectFromTallyYielding(rankedOwners(tally), { top });
    const v2SelectMs = Date.now() - started;
    tally = null;
    const v2HeapMb = v2Held - heapMb();

    // DAS pages: the accounts kept to the scan's end
    started = Date.now();
    const das = await client.getTokenAccounts(mint, { maxPages: MAX_HOLDER_PAGES });
    let accounts: HolderAccount[] | null = das.complete ? das.accounts : withLargestAccounts(das.accounts, await client.getLargestTokenAccounts(mint)).accounts;
    das.accounts = [];
    const dasScanMs = Date.now() - started;
    const dasAccountsRead = accounts.length;
    const dasHeld = heapMb();
    started = Date.now();
    const dasSelection = await selectTopHoldersYielding(accounts, { top });
    const dasSelectMs = Date.now() - started;
    accounts = null;
    const dasHeapMb = dasHeld - heapMb();

    const round = (x: number) => Math.round(x * 10) / 10;
    console.log(
      JSON.stringify({
        holders,
        accounts: all.length,
        top,
        generatedMs,
        programAccountsV2: { requests: v2.pages + 1 + (v2.complete ? 0 : 2), accountsRead: v2AccountsRead, complete: v2.complete, scanMs: v2ScanMs, selectMs: v2SelectMs, heapHeldMb: round(v2HeapMb), ownersTested: v2Selection.ownersTested, trueTopFound: found(v2Selection) },
        dasPages: { requests: das.pages + (das.complete ? 0 : 2), accountsRead: dasAccountsRead, complete: das.complete, scanMs: dasScanMs, selectMs: dasSelectMs, heapHeldMb: round(dasHeapMb), ownersTested: dasSelection.ownersTested, trueTopFound: found(dasSelection) },
        rssMb: Math.round(process.memoryUsage().rss / 2 ** 20),
      }),
    );
    await client.close();
  } finally {
    await sim.close();
  }
}

main().catch(exitWithOneLine);
