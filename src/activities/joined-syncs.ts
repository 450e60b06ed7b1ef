// Whether the `wallet-sync:<address>` workflows an analysis joined still run (the analysis's poll of
// the syncs it did not start itself).
import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import pLimit from 'p-limit';
import { walletSyncWorkflowId } from '../workflows/contract';

/** describes at once: a group of 1,000 wallets may have joined hundreds of syncs */
const DESCRIBES_AT_ONCE = 8;

/**
 * Each wallet's sync workflow: running or not (one Temporal has no record of is not). Any other
 * failure to answer (Temporal unavailable, overloaded, a deadline) fails the read, to be retried:
 * taken as "not running", it would have the analysis count a sync still under way as finished, and
 * compute with part of the wallet's history labelled synced.
 */
export async function joinedSyncsRunning(client: Client, wallets: readonly string[]): Promise<Map<string, boolean>> {
  const limit = pLimit(DESCRIBES_AT_ONCE);
  const running = await Promise.all(
    wallets.map((wallet) =>
      limit(async () => {
        try {
          return (await client.workflow.getHandle(walletSyncWorkflowId(wallet)).describe()).status.name === 'RUNNING';
        } catch (err) {
          if (err instanceof WorkflowNotFoundError) return false;
          throw err;
        }
      }),
    ),
  );
  return new Map(wallets.map((w, i) => [w, running[i]]));
}
