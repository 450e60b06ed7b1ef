// `POST /v1/analyses?wait=<seconds>`: the start carries an update (Update-with-Start) that waits in
// the workflow for the analysis to finish; 200 with the finished analysis when it does within the
// wait, else 202 as without it. Real API (app.inject), Temporal, PostgreSQL, Redis and simulator.
import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/api/app';
import { generateWorld } from '../../src/simulator';
import { analysisWorkflowId } from '../../src/workflows/contract';
import { until } from '../harness/processes';
import { useSimulatedStack } from '../harness/stack';

const world = generateWorld({ seed: 419, wallets: 5, txPerWallet: 20, largeWallet: false });
const wallets = (world.wallets as Array<{ address: string }>).map((w) => w.address).sort();
const [A, B, C, D, E] = wallets;

describe('POST /v1/analyses?wait= answers with the result when it is ready', () => {
  let app: FastifyInstance;
  const opened = useSimulatedStack(
    { world },
    {},
    {
      afterOpen: async () => {
        app = await buildApp({ config: opened.stack.config, temporal: opened.stack.client, pool: opened.stack.pool, redis: opened.stack.redis }, { eventPollIntervalMs: 200 });
      },
      beforeClose: async () => {
        for await (const wf of opened.stack.client.workflow.list({ query: 'ExecutionStatus = "Running"' })) {
          await opened.stack.client.workflow.getHandle(wf.workflowId).terminate('test cleanup').catch(() => undefined);
        }
        await app?.close();
      },
    },
  );

  const post = (query: string, payload: object, headers: Record<string, string> = {}) => app.inject({ method: 'POST', url: `/v1/analyses${query}`, payload, headers });
  const eventTypes = async (analysisId: string): Promise<string[]> => {
    const history = await opened.stack.client.workflow.getHandle(analysisWorkflowId(analysisId)).fetchHistory();
    return (history.events ?? []).map((e) => temporal.api.enums.v1.EventType[e.eventType ?? 0]);
  };
  const problemType = (res: LightMyRequestResponse) => (res.json() as { type: string }).type.split(':').pop();

  it('rejects a wait outside 0–60 whole seconds with a problem and starts nothing', async () => {
    for (const q of ['?wait=61', '?wait=-1', '?wait=1.5', '?wait=soon']) {
      const res = await post(q, { wallets: [A, B] });
      expect(res.statusCode).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(problemType(res)).toBe('validation');
    }
    expect(Number((await opened.stack.client.workflow.count()).count)).toBe(0);
  });

  it('answers 200 with the completed analysis when it finishes within the wait, through one Update-with-Start', async () => {
    await opened.stack.withWorkers(async () => {
      const res = await post('?wait=60', { wallets: [A, B, C] });
      expect(res.statusCode).toBe(200);
      const view = res.json() as { analysisId: string; status: string; result: { pairs: unknown[] } | null };
      expect(view.status).toBe('completed');
      expect(view.result?.pairs).toHaveLength(3);
      expect(res.headers.location).toBe(`/v1/analyses/${view.analysisId}`);
      // the wait is an update delivered with the start, not a poll of the API or of the workflow
      const types = await eventTypes(view.analysisId);
      expect(types.filter((t) => /UPDATE_ACCEPTED/.test(t))).toHaveLength(1);
      expect(types.filter((t) => /UPDATE_COMPLETED/.test(t))).toHaveLength(1);

      // the same request again with its Idempotency-Key after it finished: the same result at once
      const key = `wait-${view.analysisId}`;
      const first = await post('?wait=60', { wallets: [A, B, C] }, { 'idempotency-key': key });
      expect(first.statusCode).toBe(200);
      const again = await post('?wait=5', { wallets: [A, B, C] }, { 'idempotency-key': key });
      expect(again.statusCode).toBe(200);
      expect(again.json()).toMatchObject({ analysisId: (first.json() as { analysisId: string }).analysisId, status: 'completed' });
    });
  });

  it('a replay of a finished analysis starts nothing, also once Temporal has let its closed workflow go', async () => {
    const { client, namespace } = opened.stack;
    const gone = async (analysisId: string) => {
      const workflowId = analysisWorkflowId(analysisId);
      // what the namespace's retention does to a closed workflow
      await client.workflowService.deleteWorkflowExecution({ namespace, workflowExecution: { workflowId } });
      await until(`${workflowId} deleted`, () => client.workflow.getHandle(workflowId).describe().then(() => undefined, (err: unknown) => (err instanceof WorkflowNotFoundError ? true : undefined)));
    };
    const completedKey = `gone-${randomUUID()}`;
    const failedKey = `gone-${randomUUID()}`;
    const { completed, failed } = await opened.stack.withWorkers(async () => ({
      completed: (await post('?wait=60', { wallets: [A, E] }, { 'idempotency-key': completedKey })).json() as { analysisId: string; status: string; result: unknown },
      // never synced and sync skipped: it fails at once
      failed: (await post('?wait=30', { wallets: [D, E], sync: 'skip' }, { 'idempotency-key': failedKey })).json() as { analysisId: string; status: string },
    }));
    expect([completed.status, failed.status]).toEqual(['completed', 'failed']);
    await gone(completed.analysisId);
    await gone(failed.analysisId);
    // no worker runs meanwhile: a workflow started again would stay listed as running
    for (const [key, body, view] of [[completedKey, { wallets: [A, E] }, completed], [failedKey, { wallets: [D, E], sync: 'skip' }, failed]] as const) {
      const replayed = await post('', body, { 'idempotency-key': key });
      expect(replayed.statusCode).toBe(202);
      expect(replayed.json()).toMatchObject({ analysisId: view.analysisId, status: view.status, idempotentReplay: true });
      const waited = await post('?wait=5', body, { 'idempotency-key': key });
      expect(waited.statusCode).toBe(200);
      expect(waited.json()).toMatchObject({ analysisId: view.analysisId, status: view.status });
      await expect(client.workflow.getHandle(analysisWorkflowId(view.analysisId)).describe()).rejects.toThrow(WorkflowNotFoundError);
    }
    expect((await post('?wait=5', { wallets: [A, E] }, { 'idempotency-key': completedKey })).json()).toMatchObject({ result: completed.result });

    // a row left saying running by a workflow that ended and is gone (never reconciled since): the
    // replay reconciles it, and starts nothing
    const leftKey = `gone-${randomUUID()}`;
    const left = (await opened.stack.withWorkers(async () => post('?wait=60', { wallets: [B, C] }, { 'idempotency-key': leftKey }))).json() as { analysisId: string; status: string };
    expect(left.status).toBe('completed');
    await gone(left.analysisId);
    await opened.stack.pool.query(`UPDATE analyses SET status = 'running', completed_at = NULL, created_at = now() - interval '10 minutes' WHERE id = $1`, [left.analysisId]);
    const replayedLeft = await post('', { wallets: [B, C] }, { 'idempotency-key': leftKey });
    expect(replayedLeft.json()).toMatchObject({ analysisId: left.analysisId, status: 'failed', idempotentReplay: true });
    await expect(client.workflow.getHandle(analysisWorkflowId(left.analysisId)).describe()).rejects.toThrow(WorkflowNotFoundError);
  });

  it('answers 200 with a failed analysis that failed within the wait', async () => {
    await opened.stack.withWorkers(async () => {
      // D and E were never synced and sync is skipped: the analysis fails at once
      const res = await post('?wait=30', { wallets: [D, E], sync: 'skip' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ status: 'failed' });
      expect((res.json() as { error: string }).error).toMatch(/no stored history and sync mode is skip/);
    });
  });

  it('answers 202 when the analysis is still running at the end of the wait, and it then completes', async () => {
    opened.sim.configure({ latencyMs: { 'helius:history': 1_500 } }); // a sync that takes several seconds
    try {
      await opened.stack.withWorkers(async () => {
        const res = await post('?wait=1', { wallets: [D, E], sync: 'force' });
        expect(res.statusCode).toBe(202);
        const started = res.json() as { analysisId: string; status: string };
        expect(started.status).toBe('running');
        const summary = await opened.stack.client.workflow.getHandle(analysisWorkflowId(started.analysisId)).result();
        expect(summary).toMatchObject({ status: 'completed', walletCount: 2 });
      });
    } finally {
      opened.sim.reset({ knobs: true });
    }
  });
});
