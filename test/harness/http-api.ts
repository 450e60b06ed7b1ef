// The HTTP API over a test stack, listening on a free port, and the CLI's client pointed at it:
// hooks for useSimulatedStack, so that a test file that goes through the API does not build and
// close the server itself.
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app';
import { ApiClient } from '../../src/cli/api-client';
import type { StackHooks, TestStack } from './stack';

export interface ServedApi {
  /** afterOpen starts the server, beforeClose closes it: spread into useSimulatedStack's hooks */
  hooks: Required<Pick<StackHooks, 'afterOpen' | 'beforeClose'>>;
  /** the CLI's client of the server (once the stack is open) */
  readonly api: ApiClient;
}

/** `stack` is read when the stack is open (the hooks run then). */
export function servedApi(stack: () => TestStack): ServedApi {
  let app: FastifyInstance | undefined;
  let api: ApiClient | undefined;
  const opened = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the API is served once the stack is open');
    return value;
  };
  return {
    hooks: {
      afterOpen: async () => {
        const s = stack();
        app = await buildApp({ config: s.config, temporal: s.client, pool: s.pool, redis: s.redis }, { eventPollIntervalMs: 200 });
        await app.listen({ host: '127.0.0.1', port: 0 });
        api = new ApiClient(`http://127.0.0.1:${(app.server.address() as AddressInfo).port}`);
      },
      beforeClose: async () => {
        await app?.close();
      },
    },
    get api() {
      return opened(api);
    },
  };
}
