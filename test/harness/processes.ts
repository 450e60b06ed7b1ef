// Separate worker processes (`src/worker.ts`) that join a test stack, as a deployment with several
// worker hosts would: for crash and cross-process tests.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import type { TestStack } from './stack';

const ROOT = path.resolve(__dirname, '..', '..');

/** A worker process; what it printed is kept (`output`) to explain a failed start. */
export function startWorkerProcess(env: Record<string, string>): ChildProcess & { output: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/worker.ts'], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (d: Buffer) => {
    output = (output + d.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return Object.assign(child, { output: () => output });
}

/** Polls `probe` every 100 ms until it returns a value; throws "timed out waiting for <what>". */
async function poll<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Waits until `check` is true; an error from `check` fails the wait at once. */
export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  await poll(what, async () => ((await check()) ? true : undefined), timeoutMs);
}

/** Waits until `probe` returns a value and returns it; an error from `probe` counts as "not yet". */
export function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  return poll(what, () => probe().catch(() => undefined), timeoutMs);
}

/**
 * The stack's workflow count once Temporal's visibility store lists at least `expected` (it lists a
 * start a moment after it): a count above `expected` is returned at once, for the caller's check to fail.
 */
export function workflowCountReaching(stack: TestStack, expected: number, timeoutMs = 20_000, query?: string): Promise<number> {
  return until(
    `${expected} workflows listed`,
    async () => {
      const count = Number((await stack.client.workflow.count(query)).count);
      return count >= expected ? count : undefined;
    },
    timeoutMs,
  );
}

/** Identities of the workers polling an activity task queue of the stack's namespace. */
export async function activityPollers(stack: TestStack, taskQueue: string): Promise<string[]> {
  const r = await stack.client.workflowService.describeTaskQueue({
    namespace: stack.namespace,
    taskQueue: { name: taskQueue },
    taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
  });
  return [...new Set((r.pollers ?? []).map((p) => p.identity ?? ''))].sort();
}
