// Optional API-key auth: on when API_KEYS is set. Keys arrive in `x-api-key` or
// `Authorization: Bearer`; they are compared as SHA-256 digests with timingSafeEqual (equal lengths,
// constant time, every configured key checked) and never logged: requests carry only a key id.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ProblemError } from './problem';

declare module 'fastify' {
  interface FastifyRequest {
    /** a short, non-secret id of the API key used (a digest prefix), or null */
    apiKeyId: string | null;
  }
}

/** Paths reachable without a key: probes, metrics and the API documentation. */
const OPEN_PATHS = [/^\/healthz$/, /^\/readyz$/, /^\/metrics$/, /^\/openapi\.json$/, /^\/docs(\/.*)?$/];

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

export function presentedKey(request: FastifyRequest): string | null {
  const header = request.headers['x-api-key'];
  if (typeof header === 'string' && header !== '') return header;
  const auth = request.headers.authorization;
  if (typeof auth === 'string') {
    const m = /^Bearer\s+(.+)$/i.exec(auth.trim());
    if (m) return m[1];
  }
  return null;
}

/** Returns a matcher that says which configured key (by id) a presented key is, in constant time. */
export function keyMatcher(keys: readonly string[]): (presented: string) => string | null {
  const known = keys.map((k) => ({ hash: digest(k), id: digest(k).toString('hex').slice(0, 12) }));
  return (presented) => {
    const h = digest(presented);
    let match: string | null = null;
    for (const k of known) if (timingSafeEqual(h, k.hash)) match = k.id;
    return match;
  };
}

export function installAuth(app: FastifyInstance, keys: readonly string[]): void {
  app.decorateRequest('apiKeyId', null);
  if (keys.length === 0) return;
  const match = keyMatcher(keys);
  app.addHook('onRequest', async (request) => {
    const path = request.url.split('?')[0];
    if (OPEN_PATHS.some((p) => p.test(path))) return;
    const key = presentedKey(request);
    if (key === null) throw new ProblemError('unauthorized', 'this API needs a key: send it in the x-api-key header or as Authorization: Bearer <key>');
    const id = match(key);
    if (id === null) throw new ProblemError('unauthorized', 'the API key is not one of the configured API_KEYS');
    request.apiKeyId = id;
  });
}
