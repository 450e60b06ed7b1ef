// The backfill of plain transfers: wallets whose stored history was synced before transfers were
// kept (or under an older extraction) get them from their stored raw transactions. Run after each
// wallet sync (computeWalletAnalytics) and, for wallets no sync touched, before an analysis loads.
import type { Pool } from 'pg';
import { extractTransfersMany } from '../domain/detection/transfers';
import { TRANSFER_EXTRACTION_VERSION, deleteTransfers, insertTransfers, storedPayloadPage } from '../store/wallet-transfers';
import { markTransfersExtracted, walletsNeedingTransfers } from '../store/wallets';

/** Stored raw transactions read per backfill page: bounds the memory a backfill takes. */
export const BACKFILL_PAGE_SIZE = 200;

/**
 * Extracts the transfers of the wallets whose stored transactions predate the current transfer
 * extraction (synced before wallet_transfers existed, or under an older extraction version) from
 * their stored raw payloads, a page at a time, then marks them extracted. Idempotent: a retried
 * backfill stores nothing twice. Returns how many wallets it extracted.
 */
export async function backfillTransfers(
  pool: Pool,
  wallets: string[],
  onPage: (progress: { wallet: string; transactions: number }) => void = () => undefined,
  pageSize = BACKFILL_PAGE_SIZE,
): Promise<number> {
  const pending = await walletsNeedingTransfers(pool, wallets, TRANSFER_EXTRACTION_VERSION);
  for (const { wallet, version } of pending) {
    // rows of an older extraction may be numbered differently: extract them all again
    if (version > 0) await deleteTransfers(pool, wallet);
    let after: string | null = null;
    let transactions = 0;
    do {
      const page = await storedPayloadPage(pool, wallet, after, pageSize);
      await insertTransfers(pool, wallet, extractTransfersMany(page.transactions, wallet));
      transactions += page.transactions.length;
      after = page.nextAfter;
      onPage({ wallet, transactions });
    } while (after !== null);
    await markTransfersExtracted(pool, wallet, TRANSFER_EXTRACTION_VERSION);
  }
  return pending.length;
}
