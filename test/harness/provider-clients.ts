// The providers' clients pointed at a test's simulator, made before its tests and closed after them.
import { HeliusClient, SolanaRpcClient } from '../../src/providers';

export interface ProviderClients {
  rpc: SolanaRpcClient;
  helius: HeliusClient;
}

/** Registers beforeAll/afterAll hooks; the clients are there from the first test on. */
export function useProviderClients(simulatorUrl: () => string): ProviderClients {
  const clients = {} as ProviderClients;
  beforeAll(() => {
    clients.rpc = new SolanaRpcClient({ url: simulatorUrl(), apiKey: 'k' });
    clients.helius = new HeliusClient({ baseUrl: simulatorUrl(), apiKey: 'k' });
  });
  afterAll(async () => {
    await clients.rpc?.close();
    await clients.helius?.close();
  });
  return clients;
}
