// Provider adapters: Helius Enhanced Transactions, Solana JSON-RPC and DexScreener.
export * from './errors';
export { redactSecrets, redactKnownSecrets, redactRequestUrl } from '../redact';
export type { HttpTimeouts } from './http';
export * from './rate-limit';
export { parseRetryAfter, MAX_RETRY_AFTER_MS } from './retry-after';
export { isPublicKey, isSignature } from './address';
export * from './helius';
export * from './solana-rpc';
export * from './dexscreener';
export type { DexPair } from './schemas';
