// Helius Enhanced Transactions endpoints over the world (contract §1.2, §1.3, §1.5).
import type { EnhancedTransaction } from '../domain/enhanced-transaction';
import { isPublicKey } from '../providers/address';
import type { EventMeta, SimWorld } from './model';

export interface Reply {
  status: number;
  body: string;
  contentType?: string;
}

export const json = (status: number, value: unknown): Reply => ({ status, body: JSON.stringify(value) });
export const rpcError = (status: number, code: number, message: string, id: unknown = null): Reply =>
  json(status, { jsonrpc: '2.0', error: { code, message }, id });
const invalidParams = (message: string): Reply => rpcError(400, -32602, message, '1');

export interface HistoryQuery {
  limit: string | null;
  before: string | null;
  after: string | null;
  until: string | null;
  sortOrder: string | null;
  type: string | null;
  source: string | null;
  gtTime: string | null;
  gteTime: string | null;
  ltTime: string | null;
  lteTime: string | null;
  gtSlot: string | null;
  gteSlot: string | null;
  ltSlot: string | null;
  lteSlot: string | null;
  tokenAccounts: string | null;
}

export function historyQuery(params: URLSearchParams): HistoryQuery {
  return {
    limit: params.get('limit'),
    before: params.get('before-signature') ?? params.get('before'),
    after: params.get('after-signature'),
    until: params.get('until'),
    sortOrder: params.get('sort-order'),
    type: params.get('type'),
    source: params.get('source'),
    gtTime: params.get('gt-time'),
    gteTime: params.get('gte-time'),
    ltTime: params.get('lt-time'),
    lteTime: params.get('lte-time'),
    gtSlot: params.get('gt-slot'),
    gteSlot: params.get('gte-slot'),
    ltSlot: params.get('lt-slot'),
    lteSlot: params.get('lte-slot'),
    tokenAccounts: params.get('token-accounts'),
  };
}

/** The transaction as served: without `slot` when its signature is listed as malformed. */
function served(tx: EnhancedTransaction, malformed: ReadonlySet<string>): unknown {
  if (!malformed.has(tx.signature)) return tx;
  const { slot: _slot, ...rest } = tx;
  return rest;
}

/**
 * GET /v0/addresses/{address}/transactions, of a world wallet or of a token mint (its trades, every
 * wallet's: a launch read asks for the oldest). Newest first by default; cursors are exclusive. With
 * `type`/`source`, at most `scanWindow` transactions are scanned per request; no match in the
 * window (and more history left) answers 404 with the continuation body naming the oldest scanned
 * signature.
 */
export function getHistory(world: SimWorld, address: string, q: HistoryQuery, scanWindow: number, malformed: ReadonlySet<string> = new Set()): Reply {
  if (!isPublicKey(address)) return invalidParams(`Invalid params: invalid address ${address}`);
  const limit = q.limit === null ? 100 : Number(q.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) return invalidParams('Invalid params: limit must be between 1 and 100');
  const asc = q.sortOrder === 'asc';
  if (q.sortOrder !== null && q.sortOrder !== 'asc' && q.sortOrder !== 'desc') return invalidParams('Invalid params: sort-order must be asc or desc');
  const tokenAccounts = q.tokenAccounts ?? 'none';
  if (tokenAccounts !== 'none' && tokenAccounts !== 'balanceChanged' && tokenAccounts !== 'all') return invalidParams('Invalid params: token-accounts must be none, balanceChanged or all');
  // a transaction that reaches the wallet only through its token account: listed with balanceChanged
  // when it changed that account's balance (a failed one did not), with all whatever it did
  const listed = (meta: EventMeta): boolean => !meta.viaTokenAccount || tokenAccounts === 'all' || (tokenAccounts === 'balanceChanged' && !meta.failed);
  const history = world.history(address);
  if (history === null) return json(200, []);
  const n = history.length;
  const position = (sig: string | null, name: string): number | Reply | null => {
    if (sig === null) return null;
    const k = history.position(sig);
    if (k === null) return invalidParams(`Invalid params: ${name} ${sig} is not a transaction of ${address}`);
    return k;
  };
  const before = position(asc ? null : q.before, 'before-signature');
  const after = position(asc ? (q.after ?? q.before) : null, 'after-signature');
  const until = position(q.until, 'until');
  for (const p of [before, after, until]) if (p !== null && typeof p === 'object') return p;
  const num = (v: string | null): number | null => (v === null ? null : Number(v));
  const [gtT, gteT, ltT, lteT, gtS, gteS, ltS, lteS] = [q.gtTime, q.gteTime, q.ltTime, q.lteTime, q.gtSlot, q.gteSlot, q.ltSlot, q.lteSlot].map(num);

  // chronological index range to walk, in serving order
  let index = asc ? ((after as number | null) ?? -1) + 1 : ((before as number | null) ?? n) - 1;
  const stop = (i: number): boolean => (asc ? i >= n || (until !== null && i >= (until as number)) : i < 0 || (until !== null && i <= (until as number)));
  const step = asc ? 1 : -1;
  const filtered = q.type !== null || q.source !== null;
  const out: unknown[] = [];
  let scanned = 0;
  let lastScanned = -1;
  while (!stop(index) && out.length < limit && (!filtered || scanned < scanWindow)) {
    const meta = history.meta(index);
    const inWindow =
      (gtT === null || meta.ts > gtT) && (gteT === null || meta.ts >= gteT) && (ltT === null || meta.ts < ltT) && (lteT === null || meta.ts <= lteT) &&
      (gtS === null || meta.slot > gtS) && (gteS === null || meta.slot >= gteS) && (ltS === null || meta.slot < ltS) && (lteS === null || meta.slot <= lteS);
    if (inWindow && listed(meta) && (q.type === null || meta.type === q.type) && (q.source === null || meta.source === q.source)) out.push(served(history.transaction(index), malformed));
    scanned += 1;
    lastScanned = index;
    index += step;
  }
  if (filtered && out.length === 0 && !stop(index)) {
    const cursorName = asc ? 'after-signature' : 'before-signature';
    return json(404, {
      error: `Failed to find events within the search period. To continue search, query the API again with the \`${cursorName}\` parameter set to ${history.signature(lastScanned)}.`,
    });
  }
  return json(200, out);
}

/** POST /v0/transactions: at most 100 signatures; unknown ones are left out. */
export function parseTransactions(world: SimWorld, body: unknown, malformed: ReadonlySet<string> = new Set()): Reply {
  const sigs = (body as { transactions?: unknown } | null)?.transactions;
  if (!Array.isArray(sigs) || !sigs.every((s) => typeof s === 'string')) return invalidParams('Invalid params: body must be {"transactions": [signature, ...]}');
  if (sigs.length > 100) return invalidParams('Invalid params: at most 100 transactions per request');
  const out: unknown[] = [];
  for (const sig of sigs as string[]) {
    const tx = world.transactionBySignature(sig);
    if (tx !== null) out.push(served(tx, malformed));
  }
  return json(200, out);
}
