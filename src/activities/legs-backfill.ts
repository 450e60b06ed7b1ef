// The backfill of legs: wallets whose stored legs come from an older swap extraction
// (wallets.legs_extracted_version below LEG_EXTRACTION_VERSION) have their SOL-quoted legs extracted
// again from their stored raw transactions. Run before a synced wallet's analytics
// (computeWalletAnalytics) and, for wallets no sync touched, before an analysis loads.
import type { Pool } from 'pg';
import { extractMany, legKey } from '../domain';
import { LEG_EXTRACTION_VERSION, removeStaleLegs, restoreLegs, withWalletLegsBackfillLock } from '../store/swap-legs';
import { pruneMintWallets } from '../store/mint-wallets';
import { forEachStoredPage } from '../store/wallet-transfers';
import { inClientTransaction } from '../store/db';
import { legsExtractedVersion, markLegsExtracted, walletsNeedingLegs } from '../store/wallets';
import { BACKFILL_PAGE_SIZE } from './transfers-backfill';

/**
 * Extracts again the legs of the wallets whose stored legs predate the current swap extraction, a
 * page of stored transactions at a time (bounded memory), and stores anew those that changed or are
 * new, whose value does not depend on the SOL price (restoreLegs: a USDC leg's value depends on the
 * SOL price of the day it was stored, so it is left as it is), removes those it no longer finds at all (a transaction an older
 * extraction read as a trade that is none; the wallet leaves the populations of mints it no longer
 * trades), then marks the wallet extracted. One backfill of a wallet at a
 * time (a session lock of its own); each page in a transaction of its own, as the page store writes
 * legs: the mints' population counters its legs lock are held for that page only, not across the
 * wallet's whole history (where other wallets' page stores, locking the same counters in another
 * order, deadlocked with it), and the wallet's row is not locked (a page store of the same wallet
 * updates it after inserting its legs: the two waited on each other). Every page's write is
 * idempotent, so a backfill cut short is finished by the next. A page stored meanwhile inserts legs
 * of today's extraction. Returns how many legs it rewrote or removed.
 */
export async function backfillLegs(pool: Pool, wallets: string[], options: { pageSize?: number; solPriceUsd?: number | (() => Promise<number | undefined>) } = {}): Promise<number> {
  const pageSize = options.pageSize ?? BACKFILL_PAGE_SIZE;
  let rewritten = 0;
  const needing = await walletsNeedingLegs(pool, wallets, LEG_EXTRACTION_VERSION);
  if (needing.length === 0) return 0;
  // asked for only when a wallet needs the backfill (the price of the wallet's sync, when there is one)
  const price = typeof options.solPriceUsd === 'function' ? ((await options.solPriceUsd()) ?? 0) : (options.solPriceUsd ?? 0);
  for (const wallet of needing) {
    rewritten += await withWalletLegsBackfillLock(pool, wallet, async (session) => {
      if ((await legsExtractedVersion(session, wallet)) >= LEG_EXTRACTION_VERSION) return 0; // another backfill did it meanwhile
      let written = 0;
      await forEachStoredPage(session, wallet, pageSize, async (page) => {
        // the SOL price only converts USDC and USDT legs, stored anew only over a leg an older
        // extraction quoted otherwise (without a price, unvalued): the price a sync values them at
        const legs = extractMany(page, wallet, { solPriceUsd: price }).legs;
        // (its own transaction on the session's connection: a second connection per page could wait on a pool the backfills hold)
        written += await inClientTransaction(session, async () => {
          // legs of a transaction the extraction no longer reads as they were stored (a trade that is none)
          const removed = await removeStaleLegs(session, wallet, page.map((t) => t.signature), legs.map(legKey));
          return removed + (await restoreLegs(session, wallet, legs));
        });
      });
      await pruneMintWallets(session, wallet);
      await markLegsExtracted(session, wallet, LEG_EXTRACTION_VERSION);
      return written;
    });
  }
  return rewritten;
}
