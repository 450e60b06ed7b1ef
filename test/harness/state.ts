// What global setup started, kept for global teardown (both run in jest's main process).
import type { RunningDevServer } from '../../src/temporal/dev-server';

export interface HarnessState {
  server: RunningDevServer;
  databaseUrl: string;
  redisUrl: string;
  redisPrefix: string;
  tmp: string;
}

const KEY = Symbol.for('wallet-similarity.harness');
type Holder = { [KEY]?: HarnessState };

export const harnessState = {
  set(state: HarnessState): void {
    (globalThis as Holder)[KEY] = state;
  },
  get(): HarnessState | undefined {
    return (globalThis as Holder)[KEY];
  },
};
