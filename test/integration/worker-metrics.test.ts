import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { Redis } from 'ioredis';
import { freePort, stopProcess } from '../../src/temporal/dev-server';
import { useTestStack } from '../harness/stack';

const ROOT = path.resolve(__dirname, '..', '..');

describe('worker observability', () => {
  const opened = useTestStack();

  it("a worker started with TEMPORAL_METRICS_BIND serves the SDK runtime's metrics, its provider budgets', its analytics recomputes' and its event loop's for Prometheus", async () => {
    // a margin other worker processes learnt (docs/providers.md), reported before any request; none
    // learnt for the RPC budget. Under a key prefix of its own: this run's other tests' requests
    // move the margins of theirs (each reservation decays it) while this worker starts
    const prefix = `${opened.stack.processEnv.REDIS_KEY_PREFIX}metrics-${randomUUID()}:`;
    const redis = new Redis(opened.stack.processEnv.REDIS_URL, { keyPrefix: prefix });
    await redis.hset('budget:helius:margin', 'margin', '37.5');
    await redis.quit();
    const port = await freePort();
    const worker = spawn(process.execPath, ['--import', 'tsx', 'src/worker.ts'], {
      cwd: ROOT,
      env: { ...process.env, ...opened.stack.processEnv, REDIS_KEY_PREFIX: prefix, TEMPORAL_METRICS_BIND: `127.0.0.1:${port}` },
      stdio: 'ignore',
    });
    try {
      let body = '';
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline) {
        body = await fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.text(), () => '');
        if (body.includes('task_queue="analysis"') && body.includes('provider_budget_margin') && body.includes('worker_event_loop_delay_max')) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      expect(body).toMatch(/^temporal_\w+/m);
      expect(body).toContain('task_queue="analysis"');
      // each provider budget's margin (the learnt one where there is one) and its refusals, from 0
      expect(body).toMatch(/^provider_budget_margin\{budget="helius"\} 37\.5$/m);
      expect(body).toMatch(/^provider_budget_margin\{budget="rpc"\} 100$/m);
      for (const budget of ['helius', 'rpc', 'dexscreener']) {
        for (const counter of ['provider_rate_limited', 'provider_budget_slots_missed']) expect(body).toMatch(new RegExp(`^${counter}\\{budget="${budget}"\\} 0$`, 'm'));
      }
      // the wallet analytics it computed again, by trigger and outcome, from 0 (the count: this run's wallets of older engines, if any)
      for (const trigger of ['read', 'background']) {
        for (const outcome of ['refreshed', 'syncing', 'unchanged', 'failed']) {
          expect(body).toMatch(new RegExp(`^wallet_analytics_recomputed\\{(?=[^}]*trigger="${trigger}")(?=[^}]*outcome="${outcome}")[^}]*\\} \\d+$`, 'm'));
        }
      }
      // how long its event loop was held up: the longest of the last seconds, and the stalls past 1 s and 5 s from 0
      expect(body).toMatch(/^worker_event_loop_delay_max \d+(\.\d+)?$/m);
      for (const over of ['1s', '5s']) expect(body).toMatch(new RegExp(`^worker_event_loop_stalls\\{over="${over}"\\} \\d+$`, 'm'));
    } finally {
      await stopProcess(worker, 'SIGTERM', 15_000);
    }
  });
});
