// Whether the sync workflows an analysis joined still run, asked of a real Temporal: a running one
// is running, one Temporal has no record of is not, and a Temporal that does not answer fails the
// read (to be retried) rather than passing a sync still under way for finished.
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { joinedSyncsRunning } from '../../src/activities/joined-syncs';
import { walletSyncWorkflowId } from '../../src/workflows/contract';
import { useTestStack } from '../harness/stack';

describe('joinedSyncsRunning', () => {
  const opened = useTestStack();

  it('running, finished and unknown syncs are told apart; a Temporal that does not answer fails the read', async () => {
    const { client } = opened.stack;
    const [runs, ended, unknown] = [0, 1, 2].map((k) => `JoinedSync${k}${randomUUID().replace(/-/g, '')}`.slice(0, 44));
    // no worker polls this queue: started, they stay running until terminated
    const start = (wallet: string) => client.workflow.start('walletSyncWorkflow', { taskQueue: `no-worker-${randomUUID()}`, workflowId: walletSyncWorkflowId(wallet), args: [{ wallet, sinceTimestamp: null }] });
    const running = await start(runs);
    await (await start(ended)).terminate('test: the sync ended');
    try {
      expect(await joinedSyncsRunning(client, [runs, ended, unknown])).toEqual(
        new Map([
          [runs, true],
          [ended, false],
          [unknown, false],
        ]),
      );
      // nothing listens on port 1: the read fails instead of saying "not running"
      const unreachable = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }), namespace: opened.stack.namespace });
      await expect(unreachable.withDeadline(Date.now() + 3_000, () => joinedSyncsRunning(unreachable, [runs]))).rejects.toThrow();
    } finally {
      await running.terminate('test over');
    }
  });
});
