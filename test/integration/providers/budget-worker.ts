// One worker process of the two-process budget test: `calls` getBalance requests through the
// SolanaRpcClient, sharing the Redis budget with every other process (or none with --no-budget).
import { Redis } from 'ioredis';
import { RedisRateBudget, SolanaRpcClient, perSecond, unlimitedBudget } from '../../../src/providers';

async function main(): Promise<void> {
  const [url, redisUrl, key, rps, calls, wallet, mode] = process.argv.slice(2);
  const redis = mode === 'no-budget' ? null : new Redis(redisUrl);
  const budget = redis ? new RedisRateBudget({ redis, key, spec: perSecond(Number(rps)) }) : unlimitedBudget;
  // warm up outside the budget (module loading, first connection) so a cold start does not delay
  // the first budgeted request past its slot; the simulator does not log /__sim paths
  const warmUp = new SolanaRpcClient({ url: `${url}/__sim/health`, apiKey: 'worker-key' });
  await warmUp.getBalance(wallet).catch(() => undefined);
  await warmUp.close();
  const rpc = new SolanaRpcClient({ url, apiKey: 'worker-key', budget });
  for (let i = 0; i < Number(calls); i++) await rpc.getBalance(wallet);
  await rpc.close();
  redis?.disconnect();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
