// Which provider endpoint a request is for, the wallet(s) it is about (for the request log), and its answer.
import { isPublicKey } from '../providers/address';
import { handleDexScreener } from './dexscreener-routes';
import { getHistory, historyQuery, parseTransactions, rpcError, type Reply } from './helius-routes';
import type { SimProvider, SimulatorKnobs } from './knobs';
import type { SimWorld } from './model';
import { handleRpc } from './rpc-routes';

export interface ProviderRoute {
  provider: SimProvider;
  endpoint: string;
  wallet?: string;
  wallets?: string[];
  /** the token addresses a DexScreener request asks about */
  mints?: string[];
  /** `injected`: why the answer carries an error on purpose (the request log says so) */
  answer: () => Reply & { injected?: 'unsupported-method' };
}

export function routeProviderRequest(world: SimWorld, knobs: SimulatorKnobs, method: string, url: URL, body: string): ProviderRoute | null {
  const path = url.pathname;
  const m = /^\/v0\/addresses\/([^/]+)\/transactions\/?$/.exec(path);
  if (m && method === 'GET') {
    const address = decodeURIComponent(m[1]);
    return { provider: 'helius', endpoint: 'helius:history', wallet: address, answer: () => getHistory(world, address, historyQuery(url.searchParams), knobs.scanWindow, new Set(knobs.faults.malformedSignatures)) };
  }
  if (/^\/v0\/transactions\/?$/.test(path) && method === 'POST') {
    return {
      provider: 'helius',
      endpoint: 'helius:parse',
      answer: () => {
        try {
          return parseTransactions(world, JSON.parse(body), new Set(knobs.faults.malformedSignatures));
        } catch {
          return rpcError(400, -32602, 'Invalid params: body is not JSON', '1');
        }
      },
    };
  }
  if (path === '/' && method === 'POST') {
    let methods: string[] = [];
    let first: string | undefined;
    let addresses: string[] | undefined;
    try {
      const parsed = JSON.parse(body) as unknown;
      const list = Array.isArray(parsed) ? parsed : [parsed];
      methods = list.map((r) => String((r as { method?: unknown } | null)?.method ?? '(invalid)'));
      const p = (list[0] as { params?: unknown[] } | null)?.params?.[0];
      first = typeof p === 'string' ? p : undefined;
      if (Array.isArray(p)) {
        addresses = p.filter((a): a is string => typeof a === 'string' && isPublicKey(a));
        if (p.length === 1 && addresses.length === 1) first = addresses[0];
      }
      if (Array.isArray(parsed)) methods = ['batch'];
    } catch {
      methods = ['(parse error)'];
    }
    return {
      // DAS shares Helius' "DAS & Enhanced" rate limit, not the RPC one; getProgramAccountsV2 is Helius's own method
      provider: methods[0] === 'getTokenAccounts' || methods[0] === 'getProgramAccountsV2' ? 'helius' : 'solana-rpc',
      endpoint: `rpc:${methods[0] ?? '(empty)'}`,
      wallet: first && isPublicKey(first) ? first : undefined,
      wallets: addresses,
      answer: () => {
        const rpc = handleRpc(world, body, new Set(knobs.unsupportedMethods));
        return { status: 200, body: rpc.text, ...(rpc.refused > 0 ? { injected: 'unsupported-method' as const } : {}) };
      },
    };
  }
  if (method === 'GET') {
    const dex = handleDexScreener(world, path);
    if (dex) return { provider: 'dexscreener', endpoint: dex.endpoint, mints: dex.mints, answer: () => dex.reply };
  }
  return null;
}
