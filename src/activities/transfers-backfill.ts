// The backfill of plain transfers: wallets whose stored history was synced before transfers were
// kept (or under an older extraction) get them from their stored raw transactions. Run after each
// wallet sync (computeWalletAnalytics) and, for wallets no sync touched, before an analysis loads.
import type { Pool } from 'pg';
import { extractTransfersMany } from '../domain/detection/transfers';
import { TRANSFER_EXTRACTION_VERSION, deleteTransfers, insertTransfers, forEachStoredPage, withWalletTransfersLock } from '../store/wallet-transfers';
import { markTransfersExtracted, transfersExtractedVersion, walletsNeedingTransfers } from '../store/wallets';

/** Stored raw transactions read per backfill page: bounds the memory a backfill takes. */
export const BACKFILL_PAGE_SIZE = 200;

/**
 * Extracts the transfers of the wallets whose stored transactions predate the current transfer
 * extraction (synced before wallet_transfers existed, or under an older extraction version) from
 * their stored raw payloads, then marks them extracted. Each wallet in one transaction under its
 * transfer lock (two backfills of a wallet never interleave; an analysis never loads half of one),
 * read a page at a time (bounded memory). A sync storing pages meanwhile inserts the same rows:
 * both are idempotent. Returns how many wallets it extracted.
 */
export async function backfillTransfers(
  pool: Pool,
  wallets: string[],
  onPage: (progress: { wallet: string; transactions: number }) => void = () => undefined,
  pageSize = BACKFILL_PAGE_SIZE,
): Promise<number> {
  let extracted = 0;
  for (const { wallet } of await walletsNeedingTransfers(pool, wallets, TRANSFER_EXTRACTION_VERSION)) {
    const done = await withWalletTransfersLock(pool, wallet, async (db) => {
      const version = await transfersExtractedVersion(db, wallet);
      if (version >= TRANSFER_EXTRACTION_VERSION) return false; // another backfill did it meanwhile
      // rows of an older extraction may be numbered differently: extract them all again
      if (version > 0) await deleteTransfers(db, wallet);
      let transactions = 0;
      await forEachStoredPage(db, wallet, pageSize, async (page) => {
        await insertTransfers(db, wallet, extractTransfersMany(page, wallet));
        transactions += page.length;
        onPage({ wallet, transactions });
      });
      await markTransfersExtracted(db, wallet, TRANSFER_EXTRACTION_VERSION);
      return true;
    });
    if (done) extracted += 1;
  }
  return extracted;
}
