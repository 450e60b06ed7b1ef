// No analysis stays `running` when its workflow is gone: an analysis workflow terminated behind the
// API's back (the temporal CLI) is reported `terminated` with the reason by GET, the database row is
// repaired, the list shows it, and the event stream ends with that status. A row whose workflow
// Temporal does not know is reported `failed` with a reason (a watch run's, once its run has closed).
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app';
import { ApiClient, type SseEvent } from '../../src/cli/api-client';
import { generateWorld } from '../../src/simulator';
import { getAnalysis, insertAnalysis } from '../../src/store/analyses';
import { resolveTemporalCli } from '../../src/temporal/dev-server';
import { beginWatchRun } from '../../src/store/watch-runs';
import { insertWatch } from '../../src/store/watches';
import { analysisWorkflowId, enrichmentWorkflowId, walletSyncWorkflowId, watchRunKey, watchScheduleId } from '../../src/workflows/contract';
import { analysisRequest } from '../harness/analyses';
import { testEnv } from '../harness/env';
import { useSimulatedStack } from '../harness/stack';
import { until } from '../harness/processes';

const run = promisify(execFile);
const world = generateWorld({ seed: 97, wallets: 4, txPerWallet: 30, largeWallet: false });
const wallets = (world.wallets as Array<{ address: string }>).map((w) => w.address).sort();

describe('an analysis whose workflow closed behind the API’s back', () => {
  const opened = useSimulatedStack({ world });
  let app: FastifyInstance;
  let api: ApiClient;

  beforeAll(async () => {
    app = await buildApp({ config: opened.stack.config, temporal: opened.stack.client, pool: opened.stack.pool, redis: opened.stack.redis }, { eventPollIntervalMs: 200 });
    await app.listen({ host: '127.0.0.1', port: 0 });
    api = new ApiClient(`http://127.0.0.1:${(app.server.address() as AddressInfo).port}`);
  });
  afterAll(async () => {
    await app?.close();
  });

  it('is reported terminated with the reason by GET, repaired in the database and listed so, and its event stream ends', async () => {
    const { stack, sim } = opened;
    sim.configure({ latencyMs: { 'helius:history': 1_500 } }); // syncs that take a while
    const reason = `test ${randomUUID()}: terminated behind the API's back`;
    const { analysisId, events } = await stack.withWorkers(async () => {
      const started = await api.startAnalysis({ wallets, sync: 'force' });
      const seen: SseEvent[] = [];
      const stream = (async () => {
        for await (const e of api.events(started.analysisId)) seen.push(e);
      })();
      // the analysis is under way: its syncs are running
      await until('a running sync', async () => ((await api.getAnalysis(started.analysisId)).progress?.phase === 'syncing' ? true : undefined));
      const cli = await resolveTemporalCli();
      await run(cli, ['workflow', 'terminate', '--workflow-id', started.workflowId, '--reason', reason, '--address', testEnv().temporalAddress, '--namespace', stack.namespace]);
      await stream; // the server ends the stream by itself
      return { analysisId: started.analysisId, events: seen };
    });
    // the abandoned syncs go on without workers; end them so that they leave nothing behind
    for (const w of wallets) await stack.client.workflow.getHandle(walletSyncWorkflowId(w)).terminate('test cleanup').catch(() => undefined);

    const names = events.map((e) => e.event);
    expect(names.slice(-2)).toEqual(['completed', 'end']);
    const completed = events.find((e) => e.event === 'completed')?.data as { status: string; error: string };
    expect(completed.status).toBe('terminated');
    expect(completed.error).toContain(reason);

    const view = await api.getAnalysis(analysisId);
    expect(view.status).toBe('terminated');
    expect(view.error).toContain(reason);
    expect(view.error).toContain('terminated in Temporal');
    expect(view.progress).toBeNull();

    const row = await getAnalysis(stack.pool, analysisId);
    expect(row?.status).toBe('terminated');
    expect(row?.error).toContain(reason);
    expect(row?.completedAt).not.toBeNull();

    const listed = (await (await fetch(`${api.baseUrl}/v1/analyses?wallet=${wallets[0]}`)).json()) as { analyses: Array<{ analysisId: string; status: string; error: string | null }> };
    expect(listed.analyses.find((a) => a.analysisId === analysisId)).toMatchObject({ status: 'terminated' });
  });

  it('a row left running by a terminated workflow is repaired by the list route as well, and left out of a list of the running ones', async () => {
    const { stack } = opened;
    const id = randomUUID();
    const workflowId = analysisWorkflowId(id);
    // a workflow that never runs (no workers): started, then terminated behind the API's back
    await insertAnalysis(stack.pool, { id, workflowId, requestId: null, wallets, params: {} });
    await stack.client.workflow.start('similarityAnalysisWorkflow', { taskQueue: 'no-workers-here', workflowId, args: [{}] });
    await stack.client.workflow.getHandle(workflowId).terminate('stopped by an operator');
    // a list of the running ones repairs it, and leaves it out: it is not running
    const running = (await (await fetch(`${api.baseUrl}/v1/analyses?wallet=${wallets[1]}&status=running&limit=100`)).json()) as { analyses: Array<{ analysisId: string; status: string }> };
    expect(running.analyses.map((a) => a.analysisId)).not.toContain(id);
    expect(running.analyses.every((a) => a.status === 'running')).toBe(true);
    expect((await getAnalysis(stack.pool, id))?.status).toBe('terminated');
    const res = await fetch(`${api.baseUrl}/v1/analyses?wallet=${wallets[1]}&limit=100`);
    const listed = (await res.json()) as { analyses: Array<{ analysisId: string; status: string; error: string | null }> };
    expect(listed.analyses.find((a) => a.analysisId === id)).toMatchObject({ status: 'terminated' });
    // its reason, and not who terminated it (the client's identity: pid@host)
    expect(listed.analyses.find((a) => a.analysisId === id)?.error).toBe(`the workflow ${workflowId} was terminated in Temporal: stopped by an operator`);
    expect((await getAnalysis(stack.pool, id))?.status).toBe('terminated');
  });

  it('DELETE and proceed of an analysis terminated behind the API\'s back answer 409, and a replay of its POST says terminated', async () => {
    const { stack } = opened;
    const key = `reconcile-${randomUUID()}`;
    const post = () =>
      fetch(`${api.baseUrl}/v1/analyses`, { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': key }, body: JSON.stringify({ wallets, sync: 'skip' }) });
    const first = await post();
    expect(first.status).toBe(202);
    const { analysisId, workflowId } = (await first.json()) as { analysisId: string; workflowId: string };
    // no workers: the workflow waits until it is terminated behind the API's back (the row still says running)
    await stack.client.workflow.getHandle(workflowId).terminate('stopped by an operator');
    expect((await getAnalysis(stack.pool, analysisId))?.status).toBe('running');

    for (const [method, path] of [['DELETE', `/v1/analyses/${analysisId}`], ['POST', `/v1/analyses/${analysisId}/proceed`]] as const) {
      const res = await fetch(`${api.baseUrl}${path}`, { method });
      expect(res.status).toBe(409);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      const problem = (await res.json()) as { type: string; detail: string };
      expect(problem.type).toBe('urn:wallet-similarity:problem:not-running');
      expect(problem.detail).toContain(`analysis ${analysisId} is terminated`);
    }
    expect((await getAnalysis(stack.pool, analysisId))?.status).toBe('terminated');

    const replay = await post();
    expect(replay.status).toBe(202);
    expect(await replay.json()).toMatchObject({ analysisId, idempotentReplay: true, status: 'terminated' });
  });

  it('POST with ?wait= answers 200 with the analysis terminated during the wait, not 202 running', async () => {
    const { stack } = opened;
    const key = `wait-${randomUUID()}`;
    const answer = fetch(`${api.baseUrl}/v1/analyses?wait=30`, { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': key }, body: JSON.stringify({ wallets, sync: 'skip' }) });
    // no workers: the analysis waits (so does the update that waits for it) until it is terminated
    const row = await until('the analysis row', async () => (await stack.pool.query<{ id: string; workflow_id: string }>('SELECT id, workflow_id FROM analyses WHERE idempotency_key = $1', [key])).rows[0]);
    await until('its workflow started', async () => ((await stack.client.workflow.getHandle(row.workflow_id).describe().catch(() => null)) ? true : undefined));
    await stack.client.workflow.getHandle(row.workflow_id).terminate('stopped during the wait');
    const res = await answer;
    expect(res.status).toBe(200);
    const view = (await res.json()) as { analysisId: string; status: string; error: string };
    expect(view).toMatchObject({ analysisId: row.id, status: 'terminated' });
    expect(view.error).toContain('stopped during the wait');
  });

  it('a completed analysis whose enrichment ended without recording it (terminated, or never started) is reported with its enrichment failed, and its event stream ends', async () => {
    const { stack } = opened;
    /** a completed analysis whose enrichment says `status` */
    const completed = async (status: 'running' | 'not_started') => {
      const id = randomUUID();
      await insertAnalysis(stack.pool, { id, workflowId: analysisWorkflowId(id), requestId: null, wallets, params: {} });
      await stack.pool.query(
        `UPDATE analyses SET status = 'completed', completed_at = now(), summary = '{"pairCount": 0}', result = '{"tokenUniverse": [], "pairs": []}',
                enrichment_status = $2, enrichment_workflow_id = $3 WHERE id = $1`,
        [id, status, status === 'running' ? enrichmentWorkflowId(id) : null],
      );
      return id;
    };
    const enrichmentOf = async (id: string) => (await api.getAnalysis(id)).enrichment?.status;

    // its enrichment workflow runs: left as it is
    const running = await completed('running');
    const child = await stack.client.workflow.start('tokenEnrichmentWorkflow', { taskQueue: 'no-worker-polls-this', workflowId: enrichmentWorkflowId(running), args: [{ analysisId: running, reason: 'analysis' }] });
    expect(await enrichmentOf(running)).toBe('running');
    // terminated behind the API's back: repaired, and the stream ends after the enrichment event
    await child.terminate('test: enrichment terminated');
    const events: SseEvent[] = [];
    for await (const e of api.events(running)) events.push(e);
    expect(events.map((e) => e.event)).toEqual(['completed', 'enrichment', 'end']);
    expect(events[1].data).toMatchObject({ status: 'failed' });
    expect(await enrichmentOf(running)).toBe('failed');
    expect((await getAnalysis(stack.pool, running))?.enrichmentStatus).toBe('failed');

    // never started: not while the analysis's workflow may still start it, then failed
    const notStarted = await completed('not_started');
    const parent = await stack.client.workflow.start('similarityAnalysisWorkflow', { taskQueue: 'no-worker-polls-this', workflowId: analysisWorkflowId(notStarted), args: [{ analysisId: notStarted, wallets }] });
    expect(await enrichmentOf(notStarted)).toBe('not_started');
    await parent.terminate('test: the analysis workflow ended before its enrichment');
    expect(await enrichmentOf(notStarted)).toBe('failed');
  });

  it('a running row whose workflow Temporal does not know is reported failed with a reason, but not while it may still be starting', async () => {
    const { stack } = opened;
    const fresh = randomUUID();
    await insertAnalysis(stack.pool, { id: fresh, workflowId: analysisWorkflowId(fresh), requestId: null, wallets, params: {} });
    // just written: the API starts its workflow right after the insert, so it is not missing yet
    expect((await api.getAnalysis(fresh)).status).toBe('running');

    const old = randomUUID();
    await insertAnalysis(stack.pool, { id: old, workflowId: analysisWorkflowId(old), requestId: null, wallets, params: {} });
    await stack.pool.query(`UPDATE analyses SET created_at = now() - interval '1 hour' WHERE id = $1`, [old]);
    const view = await api.getAnalysis(old);
    expect(view.status).toBe('failed');
    expect(view.error).toContain(`Temporal has no workflow ${analysisWorkflowId(old)}`);
    expect((await getAnalysis(stack.pool, old))?.status).toBe('failed');
  });

  it("a watch run's analysis that its run has not started yet stays running while the run is open, however long, and is failed once the run has closed", async () => {
    const { stack } = opened;
    const watchId = randomUUID();
    await insertWatch(stack.pool, { id: watchId, ownerKeyId: null, request: analysisRequest({ wallets, sync: 'auto' }), everyMinutes: 60, fairnessKey: null, namespace: stack.namespace }, 1_000);
    // the run, named as its schedule names it, on a queue no worker polls: it never starts its analysis
    const runWorkflowId = `${watchScheduleId(watchId)}-2026-12-08T00:00:00Z`;
    const runHandle = await stack.client.workflow.start('watchRunWorkflow', { taskQueue: 'no-workers-here', workflowId: runWorkflowId, args: [{ watchId }] });
    const analysisId = randomUUID();
    expect(await beginWatchRun(stack.pool, watchId, watchRunKey(runWorkflowId, runHandle.firstExecutionRunId), analysisId, analysisWorkflowId(analysisId))).not.toBeNull();
    await stack.pool.query(`UPDATE analyses SET created_at = now() - interval '1 hour' WHERE id = $1`, [analysisId]);
    expect((await api.getAnalysis(analysisId)).status).toBe('running');
    const listed = (await (await fetch(`${api.baseUrl}/v1/analyses?wallet=${wallets[2]}&status=running&limit=100`)).json()) as { analyses: Array<{ analysisId: string }> };
    expect(listed.analyses.map((a) => a.analysisId)).toContain(analysisId);
    expect((await getAnalysis(stack.pool, analysisId))?.status).toBe('running');

    await runHandle.terminate('test: the run is gone');
    const view = await api.getAnalysis(analysisId);
    expect(view.status).toBe('failed');
    expect(view.error).toContain(`Temporal has no workflow ${analysisWorkflowId(analysisId)}`);
  });
});
