// The command line: `show <id> --pair <A> <B>` reads the analysis id and both wallets wherever the
// option stands, and refuses a missing wallet or id before calling the API.
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { ApiError } from '../../../src/cli/api-client';
import { main } from '../../../src/cli/main';

// nothing listens on port 9: a command that gets as far as calling the API fails with ApiError
const api = ['--api', 'http://127.0.0.1:9'];

describe('wallet-similarity show --pair', () => {
  beforeEach(() => jest.spyOn(process.stderr, 'write').mockImplementation(() => true));
  afterEach(() => jest.restoreAllMocks());

  it.each([
    ['after the id', ['show', 'an-id', '--pair', 'AAAA', 'BBBB']],
    ['before the id', ['show', '--pair', 'AAAA', 'BBBB', 'an-id']],
    ['as A,B', ['show', 'an-id', '--pair=AAAA,BBBB']],
  ])('accepts the pair %s and asks the API for the analysis', async (_name, argv) => {
    const err = await main([...argv, ...api]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as Error).message).toMatch(/^cannot reach the API at http:\/\/127\.0\.0\.1:9/);
  });

  it.each([
    [['show', 'an-id', '--pair', 'AAAA'], /--pair needs two wallets/],
    [['show', '--pair', 'AAAA', 'BBBB'], /show --pair needs one analysis id and two wallets/],
    [['show', 'an-id', '--pair=AAAA,BBBB,CCCC'], /--pair takes two wallets/],
  ])('refuses %j with a usage error', async (argv, message) => {
    await expect(main([...argv, ...api])).rejects.toThrow(message);
  });
});

describe('wallet-similarity: arguments and answers it cannot use', () => {
  it.each([
    [['pairs', 'an-id', '--top', '5', '--window', '3'], /^pairs does not take --top \(an option of analyze, show, wallet, and watch\), --window \(an option of analyze and watch\)$/],
    [['analyze', 'A', 'B', '--min-score', '0.5'], /^analyze does not take --min-score \(an option of pairs\)$/],
    [['show', 'an-id', '--all'], /^show does not take --all \(an option of pairs\)$/],
    [['analyze', 'A', 'B', '--window', '3651'], /^--window must be a whole number of days from 1 to 3650, got '3651'$/],
    [['changes'], /^changes needs one analysis id: changes <analysis-id> \[--since <analysis-id>\]$/],
    [['changes', 'an-id', 'other-id', '--since', 'x'], /^changes needs one analysis id/],
    [['changes', 'an-id', '--since', 'x', '--limit', '1001'], /^--limit must be at most 1000, got '1001'$/],
    [['pairs', 'an-id', '--since', 'x'], /^pairs does not take --since \(an option of changes\)$/],
    [['watch'], /^watch needs one of add, list, show, run, set, secret or stop$/],
    [['watch', 'remove', 'an-id'], /^watch needs one of add, list, show, run, set, secret or stop, not 'remove'$/],
    [['watch', 'set', 'an-id'], /^watch set needs --every, --notify, --notify-on or --no-notify: what to change$/],
    [['watch', 'set', 'an-id', '--notify-on', 'every-run', '--no-notify'], /^watch set takes --notify <url> and --notify-on, or --no-notify, not both$/],
    [['watch', 'set', '--every', '60'], /^watch set needs one watch id: watch set <watch-id> \[--every minutes\] \[--notify url\] \[--notify-on when\] \[--no-notify\]$/],
    [['watch', 'add', 'A', 'B', '--no-notify'], /^--no-notify is an option of watch set$/],
    [['watch', 'secret', 'an-id', '--keep-previous-hours', 'a-day'], /^--keep-previous-hours must be a whole number of at least 0, got 'a-day'$/],
    [['watch', 'add', 'A'], /^watch add needs at least two wallet addresses, or --token <mint>$/],
    [['watch', 'add', 'A', 'B', '--every', '0'], /^--every must be a whole number of at least 1, got '0'$/],
    [['watch', 'add', 'A', 'B', '--notify-on', 'every-run'], /^--notify-on needs --notify <url>$/],
    [['watch', 'add', 'A', 'B', '--notify', 'https://hooks.example.com/x', '--notify-on', 'weekly'], /^--notify-on takes changes or every-run, not 'weekly'$/],
    [['watch', 'add', 'A', 'B', '--token', 'M'], /^watch add takes wallet addresses or --token <mint>, not both$/],
    [['watch', 'show'], /^watch show needs one watch id: watch show <watch-id>$/],
    [['watch', 'stop', 'a', 'b'], /^watch stop needs one watch id: watch stop <watch-id>$/],
    [['watch', 'list', 'x'], /^watch list takes no argument$/],
    [['watch', 'show', 'an-id', '--limit', '3'], /^watch does not take --limit \(an option of pairs and changes\)$/],
    [['analyze', 'A', 'B', '--every', '60'], /^analyze does not take --every \(an option of watch\)$/],
  ])('refuses %j before calling the API (an option of another command is named, not silently ignored)', async (argv, message) => {
    await expect(main([...argv, ...api])).rejects.toMatchObject({ name: 'UsageError', message: expect.stringMatching(message) });
  });

  it('says that an address without its scheme needs one', async () => {
    await expect(main(['show', 'an-id', '--api', '127.0.0.1:3999'])).rejects.toThrow("the API address '127.0.0.1:3999' is not a URL: give it with its scheme, e.g. --api http://127.0.0.1:3000");
  });

  it('names an answer that is not JSON (another server, a proxy page) in one line', async () => {
    const server = createServer((_req, res) => {
      res.writeHead(502, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!DOCTYPE html><html><body>Bad gateway</body></html>');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const err = await main(['show', 'an-id', '--api', url]).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ApiError);
      expect((err as Error).message).toBe(`${url} answered GET /v1/analyses/an-id with 502 text/html, not JSON: is --api the wallet-similarity API?`);
    } finally {
      server.close();
    }
  });
});

describe('wallet-similarity with a command it does not know', () => {
  // names an object has from its prototype: `in` found them, and their options were read off a function
  it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty'])("answers '%s' as an unknown command (a usage error, exit 2)", async (command) => {
    await expect(main([command, 'an-id', '--all', '--api', 'http://127.0.0.1:9'])).rejects.toMatchObject({ name: 'UsageError', message: `unknown command '${command}'` });
  });
});

describe('wallet-similarity as a process', () => {
  const entry = path.join(__dirname, '../../../src/cli/main.ts');
  const run = (argv: string[], readAfterMs = 0) =>
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

  it('writes all of a long --json output to a slow reader before it exits (process.exit dropped all but the first 64 KiB)', async () => {
    const pairs = Array.from({ length: 2_000 }, (_, i) => ({ rank: i + 1, walletA: `A${i}`, walletB: `B${i}`, padding: 'x'.repeat(200) }));
    const server = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      if (req.url?.includes('/pairs')) res.end(JSON.stringify({ pairs, nextCursor: null, matched: pairs.length, pairCount: pairs.length }));
      else res.end(JSON.stringify({ analysisId: 'an-id', status: 'completed', wallets: [] }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const { code, stdout } = await run(['pairs', 'an-id', '--json', '--all', '--api', url], 1_500);
      const lines = stdout.trim().split('\n');
      expect(Buffer.byteLength(stdout)).toBeGreaterThan(400_000);
      expect(lines).toHaveLength(2_000);
      expect(JSON.parse(lines[1_999])).toMatchObject({ rank: 2_000 });
      expect(code).toBe(0);
    } finally {
      server.close();
    }
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

  it('answers an argument parseArgs refuses as a usage error: one line, exit 2', async () => {
    const { code, stderr } = await run(['analyze', '--top']);
    expect(code).toBe(2);
    expect(stderr.split('\n')[0]).toMatch(/^error: Option '--top <value>' argument missing/);
    expect(stderr).toContain('usage:');
  });

  it('prints --help on stdout, exit 0', async () => {
    const { code, stdout } = await run(['--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^usage:/);
  });
});
