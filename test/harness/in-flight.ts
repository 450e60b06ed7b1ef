// An activity cancelled while its provider request is on its way (the simulator holding the answer):
// what it ended with, and whether the simulator saw the request given up rather than answered.
import type { MockActivityEnvironment } from '@temporalio/testing';
import type { RequestLogEntry, SimulatorHandle } from '../../src/simulator';

const pause = () => new Promise((r) => setTimeout(r, 100));

export async function cancelInFlight(
  sim: SimulatorHandle,
  requests: (entry: RequestLogEntry) => boolean,
  env: MockActivityEnvironment,
  running: Promise<unknown>,
  /** how it is cancelled: as its workflow asks, by default */
  cancel: (env: MockActivityEnvironment) => void = (e) => e.cancel(),
): Promise<{ requestsWhenCancelled: number; outcome: unknown; abandoned: Array<boolean | undefined> }> {
  const mine = () => sim.requestLog.filter(requests);
  for (let i = 0; i < 50 && mine().length === 0; i++) await pause();
  const requestsWhenCancelled = mine().length;
  cancel(env);
  const outcome = await running.then(
    () => 'completed',
    (err: unknown) => err,
  );
  for (let i = 0; i < 50 && mine().some((r) => r.abandoned === undefined); i++) await pause();
  return { requestsWhenCancelled, outcome, abandoned: mine().map((r) => r.abandoned) };
}
