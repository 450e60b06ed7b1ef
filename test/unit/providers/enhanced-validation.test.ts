// parseEnhancedTransaction (ajv's standalone code, generated from zod's JSON Schema of
// EnhancedTransactionSchema by `npm run validators`) must answer exactly as EnhancedTransactionSchema
// does: the same transactions accepted, with the same output, and the same ones rejected with the
// same field and reason. Checked on the real payloads, the wire-shape fixtures, simulator histories of
// both worlds, and every one-field corruption of a few of them (each field removed, or set to a value
// of each other JSON type). And the generated code is what the schema gives today.
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { EnhancedTransactionSchema, issuePath } from '../../../src/providers/schemas';
import { parseEnhancedTransaction } from '../../../src/providers/enhanced-validation';
import { SimWorld, generateWorld, parseWorld } from '../../../src/simulator';

const FIXTURES = join(__dirname, '../../fixtures');
const fromFile = (path: string): unknown[] => {
  const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
  return Array.isArray(parsed) ? parsed : [parsed];
};
const real = ['helius-enhanced-swap-failed-raydium.json', 'helius-enhanced-transfer-failed-insufficient-funds-for-rent.json', 'helius-webhook-enhanced-nft-sale-magic-eden.json']
  .flatMap((f) => fromFile(join(FIXTURES, 'real', f)));
const domain = readdirSync(join(FIXTURES, 'domain')).filter((f) => f.endsWith('.json')).flatMap((f) => fromFile(join(FIXTURES, 'domain', f)));
const simulated = (['classic', 'hard'] as const).flatMap((scenario) => {
  const world = new SimWorld(parseWorld(generateWorld({ seed: 77, wallets: 6, txPerWallet: 25, scenario, largeWallet: false })));
  return world.world.wallets.flatMap((_, w) => Array.from({ length: world.historyLength(w) }, (__, i) => world.transaction(w, i) as unknown));
});

/** Both validators on their own copy of `raw` (ours fills defaults in place). */
function both(raw: unknown) {
  const viaZod = EnhancedTransactionSchema.safeParse(structuredClone(raw));
  const viaAjv = parseEnhancedTransaction(structuredClone(raw));
  return { viaZod, viaAjv };
}

function expectSameAnswer(raw: unknown): boolean {
  const { viaZod, viaAjv } = both(raw);
  expect(viaAjv.success).toBe(viaZod.success);
  if (viaZod.success && viaAjv.success) expect(viaAjv.data).toStrictEqual(viaZod.data);
  if (!viaZod.success && !viaAjv.success) {
    expect(issuePath(viaAjv.error)).toBe(issuePath(viaZod.error));
    expect(viaAjv.error.issues[0]?.message).toBe(viaZod.error.issues[0]?.message);
  }
  return viaZod.success;
}

/** How often parseEnhancedTransaction fell back to zod over `list` (0: every one took the fast path). */
function zodCallsFor(list: readonly unknown[]): number {
  const spy = jest.spyOn(EnhancedTransactionSchema, 'safeParse');
  try {
    for (const raw of list) parseEnhancedTransaction(structuredClone(raw));
    return spy.mock.calls.length;
  } finally {
    spy.mockRestore();
  }
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
const OTHER_VALUES: Json[] = [null, true, 1.5, -3, 'x', '12', [], {}, [1], { a: 1 }];

/** Every path to a value inside `value` (object keys and array indexes), the root excluded. */
function paths(value: Json, prefix: Array<string | number> = []): Array<Array<string | number>> {
  if (value === null || typeof value !== 'object') return [];
  const entries: Array<[string | number, Json]> = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  return entries.flatMap(([k, v]) => [[...prefix, k], ...paths(v, [...prefix, k])]);
}

function mutated(base: Json, path: Array<string | number>, to: Json | undefined): Json {
  const copy = structuredClone(base);
  let parent = copy as Record<string | number, Json>;
  for (const k of path.slice(0, -1)) parent = parent[k] as Record<string | number, Json>;
  const last = path[path.length - 1];
  if (to === undefined) {
    if (Array.isArray(parent)) parent.splice(last as number, 1);
    else delete parent[last];
  } else parent[last] = to;
  return copy;
}

describe('parseEnhancedTransaction answers as EnhancedTransactionSchema', () => {
  it.each([
    ['real payloads', real],
    ['wire-shape fixtures', domain],
    ['simulated histories (classic and hard worlds)', simulated],
  ])('on %s', (_, list) => {
    expect(list.length).toBeGreaterThan(0);
    const accepted = list.filter((raw) => expectSameAnswer(raw));
    // these are valid transactions: both accept every one, ours without asking zod
    expect(accepted.length).toBe(list.length);
    expect(zodCallsFor(list)).toBe(0);
  });

  it('fills the same defaults and reads `events` as [] and null the same way', () => {
    const base = structuredClone(domain[0]) as Record<string, Json>;
    const variants: Json[] = [
      (({ description: _, ...rest }) => rest)(base),
      (({ events: _, ...rest }) => rest)(base),
      { ...base, events: [] },
      { ...base, events: null },
      { ...base, events: { swap: null } },
      { ...base, events: { nft: { seller: 'x' } } },
      { ...base, unknownTopLevel: { kept: [1, 2] } },
    ];
    const answers = variants.map((v) => expectSameAnswer(v));
    expect(answers).toEqual([true, true, true, true, false, true, true]);
    expect(zodCallsFor(variants.filter((_, i) => answers[i]))).toBe(0);
    const read = parseEnhancedTransaction(structuredClone(variants[0]));
    expect(read.success && read.data.description).toBe('');
  });

  it('on every one-field corruption of real, wire-shape and simulated transactions: removed, or set to each other JSON type', () => {
    const bases = [real[0], real[2], domain[0], domain[4], ...simulated.filter((t) => (t as { events?: { swap?: unknown } }).events?.swap !== undefined).slice(0, 2)] as Json[];
    let accepted = 0;
    let rejected = 0;
    for (const base of bases) {
      for (const path of paths(base)) {
        for (const to of [undefined, ...OTHER_VALUES]) {
          if (expectSameAnswer(mutated(base, path, to))) accepted += 1;
          else rejected += 1;
        }
      }
    }
    // the corruptions reach both answers many times (the check is not vacuous either way)
    expect(rejected).toBeGreaterThan(500);
    expect(accepted).toBeGreaterThan(500);
  });

  it('leaves what is not an object to zod, with its reason', () => {
    for (const raw of [null, 7, 'tx', [], [{}]]) expect(expectSameAnswer(raw)).toBe(false);
  });
});

describe('the generated validator', () => {
  it('is what EnhancedTransactionSchema gives today (npm run validators -- --check), and needs no ajv at run time', async () => {
    const root = join(__dirname, '../../..');
    const { stdout } = await promisify(execFile)(join(root, 'node_modules', '.bin', 'tsx'), ['scripts/validators.ts', '--check'], { cwd: root });
    expect(stdout).toContain('is current');
    const generated = readFileSync(join(root, 'src', 'providers', 'generated', 'enhanced-transaction-check.ts'), 'utf8');
    expect(generated).not.toMatch(/require\(|from ['"]ajv/);
  });
});
