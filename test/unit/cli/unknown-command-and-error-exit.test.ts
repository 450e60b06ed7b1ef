// The command line's answers to a command it does not know, and its error path as a process: the
// one line of the error comes after every line already written, also to a slow reader.
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { main } from '../../../src/cli/main';

describe('wallet-similarity with a command it does not know', () => {
  // names an object has from its prototype: `in` found them, and their options were read off a function
  it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty'])("answers '%s' as an unknown command (a usage error, exit 2)", async (command) => {
    await expect(main([command, 'an-id', '--all', '--api', 'http://127.0.0.1:9'])).rejects.toMatchObject({ name: 'UsageError', message: `unknown command '${command}'` });
  });
});

describe('wallet-similarity as a process, when a command fails after writing', () => {
  const entry = path.join(__dirname, '../../../src/cli/main.ts');
  const run = (argv: string[], readAfterMs: number) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', entry, ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      // a reader slower than the CLI: nothing is read from the pipe (64 KiB) until then
      setTimeout(() => child.stdout.on('data', (d: Buffer) => (stdout += d.toString())), readAfterMs);
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });

  it('prints every NDJSON line of the pages read, then its one-line error, exit 1 (process.exit dropped all but the first 64 KiB)', async () => {
    const pairs = Array.from({ length: 2_000 }, (_, i) => ({ rank: i + 1, walletA: `A${i}`, walletB: `B${i}`, padding: 'x'.repeat(200) }));
    const server = createServer((req, res) => {
      if (req.url?.includes('cursor=')) {
        res.writeHead(503, { 'content-type': 'application/problem+json' });
        res.end(JSON.stringify({ title: 'Service Unavailable', status: 503, detail: 'PostgreSQL is not answering' }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      if (req.url?.includes('/pairs')) res.end(JSON.stringify({ pairs, nextCursor: '2000', matched: 4_000, pairCount: 4_000 }));
      else res.end(JSON.stringify({ analysisId: 'an-id', status: 'completed', wallets: [] }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const { code, stdout, stderr } = await run(['pairs', 'an-id', '--json', '--all', '--api', url], 1_500);
      const lines = stdout.trim().split('\n');
      expect(lines).toHaveLength(2_000);
      expect(JSON.parse(lines[1_999])).toMatchObject({ rank: 2_000 });
      expect(stderr).toBe('error: 503 Service Unavailable: PostgreSQL is not answering\n');
      expect(code).toBe(1);
    } finally {
      server.close();
    }
  });
});
