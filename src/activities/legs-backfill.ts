// The backfill of legs: wallets whose stored legs come from an older swap extraction
// (wallets.legs_extracted_version below LEG_EXTRACTION_VERSION) have their SOL-quoted legs extracted
// again from their stored raw transactions. Run before a synced wallet's analytics
// (computeWalletAnalytics) and, for wallets no sync touched, before an analysis loads.
import type { Pool } from 'pg';
import { extractMany } from '../domain';
import { LEG_EXTRACTION_VERSION, restoreExactLegs } from '../store/swap-legs';
import { forEachStoredPage, withWalletTransfersLock } from '../store/wallet-transfers';
import { legsExtractedVersion, markLegsExtracted, walletsNeedingLegs } from '../store/wallets';
import { BACKFILL_PAGE_SIZE } from './transfers-backfill';

/**
 * Extracts again the legs of the wallets whose stored legs predate the current swap extraction, a
 * page of stored transactions at a time (bounded memory), and stores anew those valued exactly in
 * SOL that changed (restoreExactLegs: a USDC leg's value depends on the SOL price of the day it was
 * stored, so it is left as it is), then marks the wallet extracted. Each wallet in one transaction
 * under its lock (two backfills never interleave; a reader sees its legs before or after one). A
 * page stored meanwhile inserts legs of today's extraction. Returns how many legs it rewrote.
 */
export async function backfillLegs(pool: Pool, wallets: string[], pageSize = BACKFILL_PAGE_SIZE): Promise<number> {
  let rewritten = 0;
  for (const wallet of await walletsNeedingLegs(pool, wallets, LEG_EXTRACTION_VERSION)) {
    rewritten += await withWalletTransfersLock(pool, wallet, async (db) => {
      if ((await legsExtractedVersion(db, wallet)) >= LEG_EXTRACTION_VERSION) return 0; // another backfill did it meanwhile
      let written = 0;
      await forEachStoredPage(db, wallet, pageSize, async (page) => {
        // the SOL price only converts USDC and USDT legs, which are not stored anew
        written += await restoreExactLegs(db, wallet, extractMany(page, wallet, { solPriceUsd: 0 }).legs);
      });
      await markLegsExtracted(db, wallet, LEG_EXTRACTION_VERSION);
      return written;
    });
  }
  return rewritten;
}
