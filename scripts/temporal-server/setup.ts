// The Node half of scripts/temporal-server.sh: what needs the project's own definitions.
//   tsx scripts/temporal-server/setup.ts dynamic-config <file>
//     writes the server's dynamic config: the dev server's switches (DEV_SERVER_DYNAMIC_CONFIG),
//     without its one-partition-per-task-queue setting (a cluster keeps the default of 4)
//   tsx scripts/temporal-server/setup.ts namespace <host:port> <namespace> <retention-hours>
//     waits for the frontend, registers the namespace when missing and our search attributes
//     (SEARCH_ATTRIBUTES of src/workflows/contract.ts), then waits until the frontend accepts a
//     visibility query over them (a new namespace and new attributes reach its caches in seconds)
import fs from 'node:fs';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { DEV_SERVER_DYNAMIC_CONFIG, ensureSearchAttributes, waitForTemporal } from '../../src/temporal/dev-server';
import { SEARCH_ATTRIBUTES } from '../../src/workflows/contract';
import { ActionableError, describeFailure, exitWithOneLine } from '../../src/errors';

/** Dev-server-only settings: one partition per task queue suits one dev server, not a cluster. */
const DEV_ONLY = new Set(['matching.numTaskqueueReadPartitions', 'matching.numTaskqueueWritePartitions']);

/** The dynamic config file (YAML) for the given key/value pairs, values typed as the server reads them. */
export function dynamicConfigYaml(values: Record<string, string>): string {
  const typed = (v: string): string => (v === 'true' || v === 'false' || /^-?\d+(\.\d+)?$/.test(v) ? v : JSON.stringify(v));
  const lines = ['# Written by scripts/temporal-server.sh from DEV_SERVER_DYNAMIC_CONFIG (src/temporal/dev-server.ts).'];
  for (const [key, value] of Object.entries(values)) {
    if (DEV_ONLY.has(key)) continue;
    lines.push(`${key}:`, `  - value: ${typed(value)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** A query naming every custom search attribute: the frontend refuses it until it knows them all. */
function probeQuery(): string {
  return Object.values(SEARCH_ATTRIBUTES)
    .map((key) => (key.type === 'INT' ? `${key.name} >= 0` : `${key.name} = "probe"`))
    .join(' AND ');
}

async function prepareNamespace(address: string, namespace: string, retentionHours: number): Promise<void> {
  await waitForTemporal(address, 120_000);
  const connection = await Connection.connect({ address });
  try {
    const service = connection.workflowService;
    try {
      await service.describeNamespace({ namespace });
    } catch {
      await service.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs(retentionHours * 3_600_000) });
      console.log(`registered namespace ${namespace} (retention ${retentionHours} h)`);
    }
    const deadline = Date.now() + 60_000;
    let lastError: unknown;
    let registered = false;
    while (Date.now() < deadline) {
      try {
        if (!registered) {
          await ensureSearchAttributes(connection, namespace);
          registered = true;
        }
        await service.listWorkflowExecutions({ namespace, query: probeQuery(), pageSize: 1 });
        console.log(`namespace ${namespace} ready with search attributes ${Object.values(SEARCH_ATTRIBUTES).map((k) => k.name).join(', ')}`);
        return;
      } catch (err) {
        lastError = err;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
    throw new ActionableError(`namespace ${namespace} on ${address} did not accept its search attributes within 60 s: ${describeFailure(lastError)}`);
  } finally {
    await connection.close();
  }
}

async function main(argv: string[]): Promise<void> {
  const [command, ...args] = argv;
  if (command === 'dynamic-config' && args.length === 1) {
    fs.writeFileSync(args[0], dynamicConfigYaml(DEV_SERVER_DYNAMIC_CONFIG));
    return;
  }
  if (command === 'namespace' && args.length === 3 && Number(args[2]) > 0) {
    await prepareNamespace(args[0], args[1], Number(args[2]));
    return;
  }
  throw new ActionableError('usage: setup.ts dynamic-config <file> | setup.ts namespace <host:port> <namespace> <retention-hours>');
}

if (require.main === module) main(process.argv.slice(2)).catch(exitWithOneLine);
