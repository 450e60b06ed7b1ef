// One Temporal connection per process, with a message a user can act on when it is not there.
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { ServiceUnavailableError, describeFailure } from '../errors';

function unreachable(address: string, err: unknown): ServiceUnavailableError {
  return new ServiceUnavailableError(
    'Temporal',
    `cannot reach Temporal at ${address} (${describeFailure(err)}): run 'npm run dev' to start the dev server, or set TEMPORAL_ADDRESS to a running server`,
  );
}

export async function connectClient(address: string, namespace: string): Promise<Client> {
  try {
    const connection = await Connection.connect({ address, connectTimeout: 5_000 });
    await connection.workflowService.getSystemInfo({});
    return new Client({ connection, namespace });
  } catch (err) {
    throw unreachable(address, err);
  }
}

export async function connectWorkerConnection(address: string): Promise<NativeConnection> {
  try {
    return await NativeConnection.connect({ address });
  } catch (err) {
    throw unreachable(address, err);
  }
}
