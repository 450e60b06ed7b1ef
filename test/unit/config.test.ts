import fs from 'node:fs';
import path from 'node:path';
import { CONFIG_VARIABLES, loadConfig } from '../../src/config';
import { ConfigError } from '../../src/errors';
import { devServerArgs } from '../../src/temporal/dev-server';

describe('configuration', () => {
  it('applies the documented defaults when nothing is set', () => {
    const config = loadConfig({});
    expect(config.DATABASE_URL).toBe('postgres://postgres@127.0.0.1:5432/wallet_similarity');
    expect(config.REDIS_URL).toBe('redis://127.0.0.1:6379');
    expect(config.TEMPORAL_ADDRESS).toBe('127.0.0.1:7233');
    expect(config.API_HOST).toBe('127.0.0.1');
    expect(config.API_PORT).toBe(3000);
    expect(config.API_KEYS).toEqual([]);
    expect(config.HELIUS_API_KEY).toBeUndefined();
  });

  it('names each invalid variable and what is wrong with it', () => {
    expect(() => loadConfig({ API_PORT: 'eighty', REDIS_URL: 'http://x' })).toThrow(ConfigError);
    try {
      loadConfig({ API_PORT: 'eighty', REDIS_URL: 'http://x' });
    } catch (err) {
      expect((err as Error).message).toMatch(/^invalid configuration: /);
      expect((err as Error).message).toContain("REDIS_URL must be a URL starting with redis:// or rediss:// (got 'http://x')");
      expect((err as Error).message).toContain("API_PORT Invalid input: expected number, received NaN (got 'eighty')");
    }
  });

  it('never echoes the value of a secret variable in an error', () => {
    let message = '';
    try {
      loadConfig({ HELIUS_API_KEY: 'supersecret-helius-key', API_KEYS: 'client-key-1', HELIUS_RPS: '-1' });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('HELIUS_RPS');
    expect(message).not.toContain('supersecret-helius-key');
    expect(message).not.toContain('client-key-1');
  });

  it("reads the similarity step's thread policy: 'auto' by default, or a whole number of threads", () => {
    expect(loadConfig({})).toMatchObject({ SIMILARITY_THREADS: 'auto', SIMILARITY_MIN_PAIRS_FOR_THREADS: 50_000 });
    expect(loadConfig({ SIMILARITY_THREADS: '1', SIMILARITY_MIN_PAIRS_FOR_THREADS: '1000' })).toMatchObject({
      SIMILARITY_THREADS: 1,
      SIMILARITY_MIN_PAIRS_FOR_THREADS: 1000,
    });
    for (const bad of ['0', '2.5', 'all']) {
      expect(() => loadConfig({ SIMILARITY_THREADS: bad })).toThrow(`SIMILARITY_THREADS must be 'auto' or a whole number ≥ 1 (got '${bad}')`);
    }
  });

  it("reads the similarity process's heap limit: 2,048 MB by default, a whole number of MB", () => {
    expect(loadConfig({}).SIMILARITY_HEAP_MB).toBe(2048);
    expect(loadConfig({ SIMILARITY_HEAP_MB: '1024' }).SIMILARITY_HEAP_MB).toBe(1024);
    for (const bad of ['0', '-5', '2.5', 'lots']) expect(() => loadConfig({ SIMILARITY_HEAP_MB: bad })).toThrow('SIMILARITY_HEAP_MB');
  });

  it('reads API_TRUST_PROXY as the proxies\' addresses and ranges; refuses true, a hop count and what is no address', () => {
    expect(loadConfig({}).API_TRUST_PROXY).toBeUndefined();
    expect(loadConfig({ API_TRUST_PROXY: ' ' }).API_TRUST_PROXY).toBeUndefined();
    expect(loadConfig({ API_TRUST_PROXY: '10.0.0.5, loopback,fd00::/8,2001:db8::1,172.16.0.0/12' }).API_TRUST_PROXY).toEqual(['10.0.0.5', 'loopback', 'fd00::/8', '2001:db8::1', '172.16.0.0/12']);
    for (const [bad, message] of [
      ['true', /API_TRUST_PROXY.*"true" is not accepted: give the proxies' addresses/],
      ['2', /API_TRUST_PROXY.*"2" is not accepted/],
      ['10.0.0.5,proxy.internal', /API_TRUST_PROXY.*entry 2 \("proxy.internal"\) is not an IP address, a CIDR range/],
      ['10.0.0.0/33', /entry 1 \("10.0.0.0\/33"\)/],
      ['0.0.0.0/0', /entry 1 \("0.0.0.0\/0"\) is wider than a \/8/],
      ['10.0.0.5,0.0.0.0/1,128.0.0.0/1', /entry 2 \("0.0.0.0\/1"\) is wider than a \/8/],
      ['::/0', /entry 1 \("::\/0"\) is wider than a \/32/],
      ['::ffff:0:0/96', /is wider than a \/104/],
      ['10', /"10" is not accepted/],
      ['0x0a000001', /entry 1 \("0x0a000001"\) is not an IP address/],
      ['10/8', /entry 1 \("10\/8"\) is not an IP address/],
      ['fe80::1%eth0', /entry 1 \("fe80::1%eth0"\) is not an IP address/],
    ] as const) {
      expect(() => loadConfig({ API_TRUST_PROXY: bad })).toThrow(ConfigError);
      expect(() => loadConfig({ API_TRUST_PROXY: bad })).toThrow(message);
    }
  });

  it('splits API_KEYS on commas; admin:<key> marks an admin key', () => {
    expect(loadConfig({ API_KEYS: ' a , b,,admin:c ' }).API_KEYS).toEqual([
      { key: 'a', admin: false },
      { key: 'b', admin: false },
      { key: 'c', admin: true },
    ]);
  });

  it.each([
    ['an unknown role', 'good-key,owner:other-key', /API_KEYS entry 2 has an unknown role before ':' \(the only role is admin/],
    ['admin: without a key', 'good-key,admin:', /API_KEYS entry 2 is 'admin:' without a key/],
    ['the same key twice', 'good-key,other-key,admin:good-key', /API_KEYS entries 1 and 3 are the same key/],
    ['a key with a space', 'good key', /API_KEYS entry 1 has a key with spaces/],
    ['a key with a colon after admin:', 'admin:good:key', /API_KEYS entry 1 has a key containing ':'/],
  ])('refuses API_KEYS with %s at start-up, without echoing any key', (_name, value, message) => {
    let error: Error | undefined;
    try {
      loadConfig({ API_KEYS: value });
    } catch (err) {
      error = err as Error;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error?.message).toMatch(message);
    for (const secret of ['good-key', 'other-key', 'good key']) expect(error?.message).not.toContain(secret);
  });
});

describe('docker-compose.yml stays consistent with the code', () => {
  const compose = fs.readFileSync(path.resolve(__dirname, '..', '..', 'docker-compose.yml'), 'utf8');

  it('sets only environment variables the configuration reads', () => {
    const envBlock = compose.slice(compose.indexOf('environment: &app-env'), compose.indexOf('volumes:', compose.indexOf('environment: &app-env')));
    const names = [...envBlock.matchAll(/^\s+([A-Z][A-Z0-9_]+):/gm)].map((m) => m[1]);
    expect(names.length).toBeGreaterThan(4);
    for (const name of names) expect(CONFIG_VARIABLES).toContain(name);
  });

  it('registers the same search attributes and dynamic config as the dev server and test harness', () => {
    const args = devServerArgs({ cliPath: 'temporal', ip: '127.0.0.1', port: 7233, headless: true, namespace: 'default' });
    const expected: string[] = [];
    for (let i = 0; i < args.length; i++) {
      if (args[i] === '--search-attribute' || args[i] === '--dynamic-config-value') expected.push(`${args[i]}=${args[i + 1]}`);
    }
    const inCompose = [...compose.matchAll(/- (--(?:search-attribute|dynamic-config-value)=\S+)/g)].map((m) => m[1]);
    expect(inCompose.sort()).toEqual(expected.sort());
  });
});

describe('group size and worker memory settings', () => {
  it('allows groups of up to 1,000 wallets, 1,000 by default', () => {
    expect(loadConfig({}).MAX_WALLETS_PER_ANALYSIS).toBe(1000);
    expect(loadConfig({ MAX_WALLETS_PER_ANALYSIS: '1000' }).MAX_WALLETS_PER_ANALYSIS).toBe(1000);
    expect(() => loadConfig({ MAX_WALLETS_PER_ANALYSIS: '1001' })).toThrow(/MAX_WALLETS_PER_ANALYSIS/);
  });

  it("keeps an API process's PostgreSQL connections few: 3 by default, at least 2 (the start sweep holds one while it reads on another)", () => {
    expect(loadConfig({}).API_DB_CONNECTIONS).toBe(3);
    expect(loadConfig({ API_DB_CONNECTIONS: '8' }).API_DB_CONNECTIONS).toBe(8);
    expect(() => loadConfig({ API_DB_CONNECTIONS: '1' })).toThrow(/API_DB_CONNECTIONS .*2/);
  });

  it('bounds the workflow cache and reuses one V8 context unless told otherwise', () => {
    expect(loadConfig({})).toMatchObject({ WORKFLOW_CACHE_SIZE: 1000, WORKFLOW_REUSE_V8_CONTEXT: true });
    expect(loadConfig({ WORKFLOW_CACHE_SIZE: '200', WORKFLOW_REUSE_V8_CONTEXT: 'false' })).toMatchObject({ WORKFLOW_CACHE_SIZE: 200, WORKFLOW_REUSE_V8_CONTEXT: false });
    expect(() => loadConfig({ WORKFLOW_CACHE_SIZE: '0' })).toThrow(/WORKFLOW_CACHE_SIZE/);
    expect(() => loadConfig({ WORKFLOW_REUSE_V8_CONTEXT: 'yes' })).toThrow(/WORKFLOW_REUSE_V8_CONTEXT/);
  });
});
