// A request's abort signal ends its wait for a connection slot too, not only its budget wait and
// its time on the wire: a caller with a deadline (the similarity step's counterparty reads) is not
// held behind other callers' slow requests.
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ProviderHttp } from '../../../src/providers/http';

let server: Server;
let url: string;
const held: ServerResponse[] = [];
let seen = 0;
beforeAll(async () => {
  server = createServer((_req, res) => {
    seen++;
    held.push(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

it('rejects with the abort reason while the request still waits for a slot, and never sends it', async () => {
  const http = new ProviderHttp({ provider: 'solana-rpc', baseUrl: url, timeouts: { connections: 1 } });
  const settled: string[] = [];
  const first = http.send({ method: 'GET', path: '/slow', operation: 'slow' }).then(() => settled.push('first'));
  while (seen === 0) await new Promise((r) => setTimeout(r, 10));
  const cancel = new AbortController();
  const second = http.send({ method: 'GET', path: '/queued', operation: 'queued', signal: cancel.signal });
  cancel.abort(new Error('deadline'));
  await expect(second).rejects.toThrow('deadline');
  settled.push('second');
  // the slot was held all along: the first answers only now
  for (const res of held.splice(0)) res.end('[]');
  await first;
  expect(settled).toEqual(['second', 'first']);
  await new Promise((r) => setTimeout(r, 50));
  expect(seen).toBe(1); // the aborted request never went out
  await http.close();
});
