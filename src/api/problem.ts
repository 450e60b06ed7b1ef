// RFC 9457 problem details: every error the API returns is application/problem+json with a type a
// client can branch on and a detail a user can act on.
import { describeFailure } from '../errors';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Pool } from 'pg';
import FindMyWay, { type HTTPMethod } from 'find-my-way';
import { isConnectionError, sqlState } from '../store/errors';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
/** Retry-After of every 503 answer. */
export const RETRY_AFTER_SECONDS = 5;


/** The problem types (docs/api.md lists them). */
export const PROBLEMS = {
  validation: { status: 400, title: 'The request is not valid' },
  invalidAddress: { status: 400, title: 'Not a valid Solana address' },
  duplicateAddresses: { status: 400, title: 'An address is listed more than once' },
  invalidJson: { status: 400, title: 'The body is not valid JSON' },
  invalidUrl: { status: 400, title: 'The URL is not valid' },
  malformedRequest: { status: 400, title: 'The HTTP request is malformed' },
  unauthorized: { status: 401, title: 'Missing or unknown API key' },
  notFound: { status: 404, title: 'Not found' },
  methodNotAllowed: { status: 405, title: 'Method not allowed' },
  requestTimeout: { status: 408, title: 'The request took too long to arrive' },
  notRunning: { status: 409, title: 'The analysis is not running' },
  otherNamespace: { status: 409, title: 'The analysis runs in another Temporal namespace' },
  analysisNotCompleted: { status: 409, title: 'The analysis has not completed' },
  enginesNotComparable: { status: 409, title: 'The analyses are not on the same scale' },
  watchLimit: { status: 409, title: 'Too many watched groups' },
  watchExists: { status: 409, title: 'The group is watched already' },
  watchRunning: { status: 409, title: 'A run of the watch is under way' },
  noWebhook: { status: 409, title: 'The watch has no webhook' },
  bodyTooLarge: { status: 413, title: 'The body is too large' },
  uriTooLong: { status: 414, title: 'A part of the URL is too long' },
  unsupportedMediaType: { status: 415, title: 'Unsupported content type' },
  idempotencyKeyReused: { status: 422, title: 'Idempotency-Key reused with a different body' },
  rateLimited: { status: 429, title: 'Too many requests' },
  headersTooLarge: { status: 431, title: 'The request headers are too large' },
  internal: { status: 500, title: 'Internal error' },
  temporalUnavailable: { status: 503, title: 'Temporal is not reachable' },
  databaseUnavailable: { status: 503, title: 'The database is not reachable' },
  databaseBusy: { status: 503, title: 'Every database connection of this server is in use' },
  databaseTimeout: { status: 503, title: 'The database did not answer in time' },
  labNotBuilt: { status: 503, title: 'The Lab is not built' },
} as const;
export type ProblemName = keyof typeof PROBLEMS;

const slug = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
export const problemType = (name: ProblemName): string => `urn:wallet-similarity:problem:${slug(name)}`;

export interface FieldError {
  /** JSON pointer into the request part, e.g. /body/wallets/2 */
  pointer: string;
  detail: string;
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  errors?: FieldError[];
}

/** Thrown by handlers; the error handler turns it into a problem response. */
export class ProblemError extends Error {
  override name = 'ProblemError';
  constructor(
    readonly problem: ProblemName,
    detail: string,
    readonly errors?: FieldError[],
    /** what failed underneath (a dependency's error, with its addresses): logged with the request, never answered */
    readonly logged?: unknown,
    /** the answer's Retry-After (a 429 that knows when to come back); a 503's is RETRY_AFTER_SECONDS */
    readonly retryAfterSeconds?: number,
  ) {
    super(detail);
  }
}

export const problemSchema = {
  type: 'object',
  properties: {
    type: { type: 'string', example: problemType('validation') },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    instance: { type: 'string' },
    errors: { type: 'array', items: { type: 'object', properties: { pointer: { type: 'string' }, detail: { type: 'string' } } } },
  },
  required: ['type', 'title', 'status', 'detail'],
} as const;

/** Response schemas for the error statuses a route can answer with. */
export function problemResponses(...statuses: number[]): Record<number, typeof problemSchema & { description: string }> {
  return Object.fromEntries(statuses.map((s) => [s, { description: 'Problem details (application/problem+json)', ...problemSchema }]));
}

export function sendProblem(reply: FastifyReply, request: FastifyRequest, name: ProblemName, detail: string, errors?: FieldError[], retryAfterSeconds?: number): FastifyReply {
  const { status, title } = PROBLEMS[name];
  const body: ProblemBody = { type: problemType(name), title, status, detail, instance: request.url.split('?')[0] };
  if (errors && errors.length > 0) body.errors = errors;
  // a dependency is away, or a limit says when: when to try again (clients and proxies honour it)
  if (retryAfterSeconds !== undefined) reply.header('retry-after', String(retryAfterSeconds));
  else if (status === 503) reply.header('retry-after', String(RETRY_AFTER_SECONDS));
  // serialize ourselves: the route's response schema for this status may be absent
  return reply.code(status).type(PROBLEM_CONTENT_TYPE).serializer(JSON.stringify).send(body);
}

interface AjvError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

/** One actionable sentence per schema violation. */
export function describeValidationError(part: string, e: AjvError): FieldError {
  const path = e.instancePath === '' ? part : `${part}${e.instancePath.replace(/\//g, '.')}`;
  const pointer = `/${part}${e.instancePath}`;
  const field = e.instancePath.split('/').pop() ?? '';
  switch (e.keyword) {
    case 'additionalProperties': {
      const name = e.params.additionalProperty as string;
      return { pointer: `${pointer}/${name}`, detail: `unknown field '${name}' in ${path}: remove it (see /docs for the accepted fields)` };
    }
    case 'required':
      return { pointer: `${pointer}/${e.params.missingProperty as string}`, detail: `${path} must have the field '${e.params.missingProperty as string}'` };
    case 'minItems':
      if (field === 'wallets' || field === 'mints') return { pointer, detail: `${path} must list at least ${e.params.limit as number} ${field === 'wallets' ? 'wallet addresses' : 'mint addresses'}` };
      return { pointer, detail: `${path} must have at least ${e.params.limit as number} items` };
    case 'maxItems':
      if (field === 'wallets') return { pointer, detail: `${path} lists more than ${e.params.limit as number} wallets, the maximum per request (MAX_WALLETS_PER_ANALYSIS): split the group` };
      return { pointer, detail: `${path} must have at most ${e.params.limit as number} items` };
    case 'type':
      return { pointer, detail: `${path} must be ${e.params.type as string}` };
    case 'enum':
      return { pointer, detail: `${path} must be one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` };
    default:
      return { pointer, detail: `${path} ${e.message ?? 'is invalid'}` };
  }
}

/**
 * Why a request found no connection in `pool` when it is not PostgreSQL's fault: pg-pool gave up
 * waiting (its connection timeout) while every client of the pool was checked out (requests, event
 * streams) or connecting. Null otherwise: then the timeout was a connection PostgreSQL did not
 * accept in time, which is an unreachable database.
 */
export function poolSaturation(pool: Pool, error: unknown): string | null {
  if ((error as { message?: unknown } | null)?.message !== 'timeout exceeded when trying to connect') return null;
  const max = pool.options.max ?? 10;
  // checked out, not merely counted: a client still connecting (PostgreSQL not answering) is no request's
  if (checkedOut(pool) < max) return null;
  return `all ${max} of this server's database connections were taken by requests under way, ${pool.waitingCount} more requests waiting`;
}

/** Clients of each pool checked out now (its 'acquire' and 'release' events, counted from watchCheckouts on). */
const checkouts = new WeakMap<Pool, { out: number }>();

function checkedOut(pool: Pool): number {
  return checkouts.get(pool)?.out ?? 0;
}

/** Counts `pool`'s checked-out clients (for poolSaturation); once per pool. */
export function watchCheckouts(pool: Pool): void {
  if (checkouts.has(pool) || typeof pool.on !== 'function') return;
  const count = { out: 0 };
  checkouts.set(pool, count);
  pool.on('acquire', () => void (count.out += 1));
  pool.on('release', () => void (count.out = Math.max(0, count.out - 1)));
}

/** SQLSTATEs of a text PostgreSQL cannot store: a NUL in text (22021), \u0000 in JSON (22P05). */
const UNSTORABLE_TEXT = new Set(['22021', '22P05']);

/** Maps every error fastify or a handler raises to a problem response (`pool`: the API's, to tell a busy pool from an unreachable database). */
export function installProblemHandlers(app: FastifyInstance, pool?: Pool): void {
  if (pool !== undefined) watchCheckouts(pool);
  app.setErrorHandler((error: FastifyError & { validation?: AjvError[]; validationContext?: string }, request, reply) => {
    if (error instanceof ProblemError) {
      if (error.logged !== undefined) request.log.warn({ err: describeFailure(error.logged) }, error.message);
      return sendProblem(reply, request, error.problem, error.message, error.errors, error.retryAfterSeconds);
    }
    if (error.validation) {
      const part = error.validationContext ?? 'body';
      const errors = error.validation.map((e) => describeValidationError(part, e));
      return sendProblem(reply, request, 'validation', errors.map((e) => e.detail).join('; '), errors);
    }
    switch (error.code) {
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return sendProblem(reply, request, 'bodyTooLarge', `the body is larger than ${app.initialConfig.bodyLimit} bytes: send fewer wallets per request`);
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return sendProblem(reply, request, 'unsupportedMediaType', `send the body as application/json (got '${request.headers['content-type'] ?? 'none'}')`);
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
        return sendProblem(reply, request, 'invalidJson', 'the body is empty: send a JSON object');
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
        return sendProblem(reply, request, 'invalidJson', `the body is not valid JSON: ${error.message}`);
      case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
        return sendProblem(reply, request, 'malformedRequest', 'the body is not as long as its Content-Length header says: send the exact byte count (HTTP clients set it for you)');
      case 'FST_ERR_ROUTE_MISSING_CONTENT_TYPE':
        return sendProblem(reply, request, 'unsupportedMediaType', 'the request has a body but no content-type: send it as application/json');
    }
    if (error.statusCode === 429) return sendProblem(reply, request, 'rateLimited', error.message);
    if (error instanceof SyntaxError && error.statusCode === 400) return sendProblem(reply, request, 'invalidJson', `the body is not valid JSON: ${error.message}`);
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) return sendProblem(reply, request, 'validation', error.message);
    const saturated = pool === undefined ? null : poolSaturation(pool, error);
    if (saturated !== null) {
      // PostgreSQL answers; this server's share of it is taken: transient too, but not an outage
      request.log.warn({ err: error, pool: { total: pool!.totalCount, idle: pool!.idleCount, waiting: pool!.waitingCount } }, 'database pool exhausted');
      return sendProblem(reply, request, 'databaseBusy', `the server is busy: ${saturated}; retry in ${RETRY_AFTER_SECONDS} seconds`);
    }
    if (isConnectionError(error)) {
      // PostgreSQL (or Redis) restarting or away: transient, say so and when to come back.
      request.log.warn({ err: error }, 'database unreachable');
      // (the reason, with host and port, goes to the log only)
      return sendProblem(reply, request, 'databaseUnavailable', `the database is not reachable right now: retry in ${RETRY_AFTER_SECONDS} seconds`);
    }
    if (UNSTORABLE_TEXT.has(sqlState(error) ?? '')) {
      // a text no check refused (each field's own check names it): nothing was stored, the statement failed whole
      request.log.warn({ err: describeFailure(error) }, 'a text the database cannot store');
      return sendProblem(reply, request, 'validation', 'a text in the request holds a character the database cannot store (a NUL, \\u0000): send it without');
    }
    request.log.error({ err: error }, 'request failed');
    return sendProblem(reply, request, 'internal', 'the server failed to answer; the error is logged with this request id: ' + request.id);
  });
  const allowedMethods = routeMethods(app);
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0];
    // a route of another method: 405 with the methods it has (RFC 9110 §15.5.6), not 404
    const allowed = allowedMethods(path);
    if (allowed.length > 0) {
      reply.header('allow', allowed.join(', '));
      return sendProblem(reply, request, 'methodNotAllowed', `${path} does not take ${request.method}: use ${allowed.length > 1 ? `${allowed.slice(0, -1).join(', ')} or ${allowed.at(-1)}` : allowed[0]} (see /docs for the API)`);
    }
    return sendProblem(reply, request, 'notFound', `no route ${request.method} ${path}: see /docs for the API`);
  });
}

/**
 * The methods that have a route for a request path, read from a router of every route's pattern
 * (find-my-way, fastify's own router, fed by the onRoute hook: call before any route is added).
 */
function routeMethods(app: FastifyInstance): (path: string) => string[] {
  const router = FindMyWay({ maxParamLength: MAX_PATH_SEGMENT });
  const methods = new Set<HTTPMethod>();
  const added = new Set<string>();
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat() as HTTPMethod[]) {
      const key = `${method} ${route.url}`;
      if (added.has(key)) continue;
      added.add(key);
      methods.add(method);
      router.on(method, route.url, () => undefined);
    }
  });
  return (path) => [...methods].filter((method) => router.find(method, path) !== null).sort();
}

// Errors fastify answers before routing or before HTTP parsing finishes (its own JSON otherwise).

/** The longest path segment fastify matches (its maxParamLength); ids and addresses are far shorter. */
export const MAX_PATH_SEGMENT = 100;

/** fastify's `frameworkErrors` option: router errors (an overlong or badly encoded path segment). */
export function frameworkErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  switch (error.code) {
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return sendProblem(reply, request, 'uriTooLong', `a segment of the URL path is longer than ${MAX_PATH_SEGMENT} characters: analysis ids are UUIDs and addresses at most 44 characters, check the URL`);
    case 'FST_ERR_BAD_URL':
      return sendProblem(reply, request, 'invalidUrl', 'the URL path is not valid percent-encoding (a lone % or bytes that are not UTF-8): encode ids and addresses with encodeURIComponent');
    default:
      return sendProblem(reply, request, 'malformedRequest', `the request could not be routed (${error.message}): see /docs for the API`);
  }
}

/** fastify's `clientErrorHandler` option: requests Node's HTTP parser refuses, answered as problem+json. */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [name, detail]: [ProblemName, string] =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? ['requestTimeout', 'the request did not arrive in time: send it again']
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? ['headersTooLarge', 'the request headers are larger than the server accepts (16 KiB): send fewer or shorter headers']
        : ['malformedRequest', `the server could not parse this HTTP request (${error.code ?? 'parse error'}): send well-formed HTTP/1.1`];
  const { status, title } = PROBLEMS[name];
  const body = JSON.stringify({ type: problemType(name), title, status, detail } satisfies ProblemBody);
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  }
  socket.destroy(error);
}
