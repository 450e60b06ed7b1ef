// Request validation: one Ajv for bodies (strict: unknown fields and wrong types are errors, never
// silently removed or coerced) and one for querystrings and path params (strings coerced to the
// declared types, as URLs only carry strings). Solana addresses are checked as base58 here too.
// fastify's own Ajv 8 factory (the top-level `ajv` package is an older major used by eslint)
import { AjvCompiler } from '@fastify/ajv-compiler';
import type { FastifyInstance, FastifyRequest, FastifySchemaCompiler } from 'fastify';
import type { FastifyValidationResult } from 'fastify/types/schema';
import { isPublicKey } from '../providers/address';
import { ProblemError, type FieldError } from './problem';
import { SHARED_WALLETS_MAX } from './schemas/analyses';

// allErrors: every problem is reported at once; bodies are capped at 64 KiB and strings at 64
// characters, so exhaustive validation stays cheap.
const common = { allErrors: true, strict: false, useDefaults: true, removeAdditional: false } as const;
const factory = AjvCompiler();
const forBody = factory({}, { customOptions: { ...common, coerceTypes: false } });
const forParams = factory({}, { customOptions: { ...common, coerceTypes: 'array' } });

export const validatorCompiler: FastifySchemaCompiler<unknown> = (route) => (route.httpPart === 'body' ? forBody(route) : sentOnce(route.schema, decimalNumbers(route.schema, forParams(route))));

const DECIMAL = { integer: /^-?\d+$/, number: /^-?(?:\d+(?:\.\d*)?|\.\d+)$/ } as const;
type Validate = ((...args: unknown[]) => unknown) & { errors?: unknown[] | null; schemaEnv?: unknown };

type Properties = Record<string, { type?: unknown }>;
type PreCheckError = { instancePath: string; keyword: string; params: Record<string, unknown>; message: string };

/**
 * `validate` with `check` run first on the same data: its errors, when it finds any, are the answer
 * (Ajv's checks would only restate them less clearly).
 */
function checkedFirst(validate: FastifyValidationResult, check: (data: Record<string, unknown> | null) => PreCheckError[]): FastifyValidationResult {
  const inner = validate as unknown as Validate;
  const checked: Validate = (...args) => {
    const errors = check(args[0] as Record<string, unknown> | null);
    if (errors.length > 0) {
      checked.errors = errors;
      return false;
    }
    const valid = inner(...args);
    checked.errors = inner.errors;
    return valid;
  };
  checked.schemaEnv = inner.schemaEnv;
  return checked as unknown as FastifyValidationResult;
}

const propertiesOf = (schema: unknown): Properties => (schema as { properties?: Properties } | undefined)?.properties ?? {};

/**
 * Numbers in a URL are written in decimal: Ajv's coercion (`x == +x`) would also take '0x10' as
 * 16, '1e3' as 1000 and ' 5' as 5, so a typo'd or hex value would be acted on instead of refused.
 * Checks the top-level integer and number fields of a querystring or params schema before Ajv.
 */
function decimalNumbers(schema: unknown, validate: FastifyValidationResult): FastifyValidationResult {
  const numeric = Object.entries(propertiesOf(schema)).flatMap(([name, p]) => (p.type === 'integer' || p.type === 'number' ? [[name, p.type] as const] : []));
  if (numeric.length === 0) return validate;
  return checkedFirst(validate, (data) =>
    numeric.flatMap(([name, type]) => {
      const value = data?.[name];
      if (typeof value !== 'string' || DECIMAL[type].test(value)) return [];
      const example = type === 'integer' ? '20' : '0.5';
      return [{ instancePath: `/${name}`, keyword: 'decimal', params: { type }, message: `must be a${type === 'integer' ? 'n' : ''} ${type} written in decimal digits (e.g. ${example}), got '${value.slice(0, 40)}'` }];
    }),
  );
}

/**
 * A query parameter sent twice (`?limit=5&limit=6`) arrives as a list: Ajv would say it "must be
 * integer", which hides the mistake. No field of ours takes a list, so one sent more than once is
 * named as such, before the other checks (an unknown one is left to Ajv: its name is the mistake).
 */
function sentOnce(schema: unknown, validate: FastifyValidationResult): FastifyValidationResult {
  const properties = propertiesOf(schema);
  return checkedFirst(validate, (data) =>
    Object.entries(data ?? {})
      .filter(([name, value]) => Array.isArray(value) && properties[name] !== undefined && properties[name].type !== 'array')
      .map(([name, value]) => ({ instancePath: `/${name}`, keyword: 'sentOnce', params: {}, message: `was sent ${(value as unknown[]).length} times: send it once` })),
  );
}

/**
 * Every address must be base58 of 32 bytes and listed once; names each bad one. Both kinds of
 * problem are named in one answer (an invalid address is the problem's type then), so that a list
 * is fixed in one round.
 */
export function checkAddresses(field: string, addresses: readonly string[], where: 'body' | 'querystring' = 'body'): void {
  const invalid: FieldError[] = [];
  addresses.forEach((a, i) => {
    if (!isPublicKey(a)) invalid.push({ pointer: `/${where}/${field}/${i}`, detail: `not a valid Solana address (base58 of 32 bytes): '${a}'` });
  });
  const seen = new Map<string, number>();
  const duplicates: FieldError[] = [];
  addresses.forEach((a, i) => {
    const first = seen.get(a);
    if (first !== undefined) duplicates.push({ pointer: `/${where}/${field}/${i}`, detail: `'${a}' is already listed at position ${first}` });
    else seen.set(a, i);
  });
  const names = [...new Set(duplicates.map((d) => d.detail.split("'")[1]))].map((a) => `'${a}'`).join(', ');
  const listedTwice = `${field} lists ${names} more than once: list each address once`;
  if (invalid.length > 0) {
    const list = invalid.map((e) => e.detail.slice(e.detail.indexOf("'"))).join(', ');
    const what = invalid.length === 1 ? 'an address that is not a valid Solana public key' : `${invalid.length} addresses that are not valid Solana public keys`;
    const also = duplicates.length > 0 ? `; also, ${listedTwice}` : '';
    throw new ProblemError('invalidAddress', `${field} contains ${what} (base58 of 32 bytes): ${list}${also}`, [...invalid, ...duplicates]);
  }
  if (duplicates.length > 0) throw new ProblemError('duplicateAddresses', listedTwice, duplicates);
}

/**
 * GET /v1/analyses?wallets=&sharing=&minShared=: the wallets asked for (2 to SHARED_WALLETS_MAX
 * distinct addresses, comma-separated), checked; undefined when `wallets` is not asked for. The
 * list's other parameters are checked with them: at most one of `wallet`, `wallets` and `sharing`,
 * and `minShared` only with one of the last two.
 */
export function askedWallets(query: { wallet?: string; wallets?: string; sharing?: string; minShared?: number }): string[] | undefined {
  const given = (['wallet', 'wallets', 'sharing'] as const).filter((k) => query[k] !== undefined);
  if (given.length > 1) throw new ProblemError('validation', `${given.join(' and ')} ask for different lists: give one of them`, [{ pointer: `/querystring/${given[1]}`, detail: `not with ${given[0]}` }]);
  if (query.minShared !== undefined && query.wallets === undefined && query.sharing === undefined) {
    throw new ProblemError('validation', 'minShared goes with wallets or sharing: how many of the wallets a group must share', [{ pointer: '/querystring/minShared', detail: 'only with wallets or sharing' }]);
  }
  if (query.wallet !== undefined) checkAddress('wallet', query.wallet);
  if (query.wallets === undefined) return undefined;
  // an empty entry is kept, so that an error points at the position the caller wrote
  const wallets = query.wallets.split(',').map((w) => w.trim());
  if (wallets.length < 2 || wallets.length > SHARED_WALLETS_MAX) {
    throw new ProblemError('validation', `wallets takes 2 to ${SHARED_WALLETS_MAX} addresses, comma-separated; got ${wallets.length} (the wallets of an analysis, however many: sharing=<analysis id>)`, [
      { pointer: '/querystring/wallets', detail: `2 to ${SHARED_WALLETS_MAX} addresses` },
    ]);
  }
  checkAddresses('wallets', wallets, 'querystring');
  return wallets;
}

/** The wallets a listed group must share and how many of them (`minShared`, default half of them rounded up, at most all). */
export function sharedWallets(wallets: string[], minShared: number | undefined): { wallets: string[]; min: number } {
  const min = minShared ?? Math.ceil(wallets.length / 2);
  if (min > wallets.length) throw new ProblemError('validation', `minShared is ${min}, more than the ${wallets.length} wallets to share`, [{ pointer: '/querystring/minShared', detail: `at most ${wallets.length}` }]);
  return { wallets, min };
}

export function checkAddress(what: string, address: string): void {
  if (!isPublicKey(address)) throw new ProblemError('invalidAddress', `${what} is not a valid Solana address (base58 of 32 bytes): '${address}'`);
}

/** Keys that could change an object's prototype if code ever merged the body into an object. */
function forbiddenKey(holder: object, key: string): boolean {
  if (key === '__proto__') return true;
  const value = (holder as Record<string, unknown>)[key];
  return key === 'constructor' && value !== null && typeof value === 'object' && Object.prototype.hasOwnProperty.call(value, 'prototype');
}

/** The JSON pointer of the first forbidden key (walked without recursion: bodies may nest deeply), or null. */
function findForbiddenKey(root: unknown): { pointer: string; key: string } | null {
  const stack: Array<[unknown, string]> = [[root, '/body']];
  while (stack.length > 0) {
    const [value, pointer] = stack.pop() as [unknown, string];
    if (value === null || typeof value !== 'object') continue;
    for (const key of Object.keys(value)) {
      const at = `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      if (forbiddenKey(value, key)) return { pointer: at, key };
      stack.push([(value as Record<string, unknown>)[key], at]);
    }
  }
  return null;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Parses a JSON body, saying exactly what is wrong with one that is not plain UTF-8 JSON. */
export function parseJsonBody(request: FastifyRequest, body: Buffer): unknown {
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(request.headers['content-type'] ?? '')?.[1];
  if (charset && !/^utf-?8$/i.test(charset)) throw new ProblemError('unsupportedMediaType', `the body must be JSON in UTF-8 (got charset '${charset.slice(0, 40)}'): send content-type: application/json`);
  const encoding = request.headers['content-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') {
    throw new ProblemError('unsupportedMediaType', `compressed bodies are not accepted (content-encoding '${String(encoding).slice(0, 40)}'): send the JSON uncompressed`);
  }
  if (body.length === 0) throw new ProblemError('invalidJson', 'the body is empty: send a JSON object');
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    throw new ProblemError('invalidJson', 'the body is not valid UTF-8: send JSON encoded as UTF-8');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new ProblemError('invalidJson', `the body is not valid JSON (${(err as Error).message}): send a JSON object such as {"wallets": ["<address>", "<address>"]}`);
  }
  const forbidden = findForbiddenKey(parsed);
  if (forbidden) {
    const detail = `property '${forbidden.key}' is not allowed (at ${forbidden.pointer}): remove it`;
    throw new ProblemError('validation', detail, [{ pointer: forbidden.pointer, detail }]);
  }
  return parsed;
}

/** The route takes no body (proceed, DELETE, the GET routes): it has no body schema. */
const takesNoBody = (request: FastifyRequest): boolean => request.routeOptions.schema?.body === undefined;

/**
 * JSON bodies go through parseJsonBody instead of fastify's parser, whose errors say only "not valid
 * JSON". A route that takes no body accepts an empty one whatever its content type (many clients
 * send `content-type: application/json` with every request).
 */
export function installJsonParser(app: FastifyInstance): void {
  app.addHook('onRequest', async (request) => {
    const { headers } = request.raw;
    // no body (a Content-Length of 0, or neither it nor Transfer-Encoding): read as fastify reads one
    // sent without a content type, whatever parser its content type would pick
    const empty = (headers['content-length'] === undefined || headers['content-length'] === '0') && headers['transfer-encoding'] === undefined;
    if (empty && takesNoBody(request)) {
      delete headers['content-type'];
      delete headers['content-encoding'];
    }
  });
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    try {
      // an empty chunked body (its length not declared)
      if ((body as Buffer).length === 0 && takesNoBody(request)) return done(null, undefined);
      done(null, parseJsonBody(request, body as Buffer));
    } catch (err) {
      done(err as Error, undefined);
    }
  });
}
