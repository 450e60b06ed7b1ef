// Request validation: one Ajv for bodies (strict: unknown fields and wrong types are errors, never
// silently removed or coerced) and one for querystrings and path params (strings coerced to the
// declared types, as URLs only carry strings). Solana addresses are checked as base58 here too.
// fastify's own Ajv 8 factory (the top-level `ajv` package is an older major used by eslint)
import { AjvCompiler } from '@fastify/ajv-compiler';
import type { FastifySchemaCompiler } from 'fastify';
import { isPublicKey } from '../providers/address';
import { ProblemError, type FieldError } from './problem';

// allErrors: every problem is reported at once; bodies are capped at 64 KiB and strings at 64
// characters, so exhaustive validation stays cheap.
const common = { allErrors: true, strict: false, useDefaults: true, removeAdditional: false } as const;
const factory = AjvCompiler();
const forBody = factory({}, { customOptions: { ...common, coerceTypes: false } });
const forParams = factory({}, { customOptions: { ...common, coerceTypes: 'array' } });

export const validatorCompiler: FastifySchemaCompiler<unknown> = (route) => (route.httpPart === 'body' ? forBody(route) : forParams(route));

/** Every address must be base58 of 32 bytes and listed once; names each bad one. */
export function checkAddresses(field: string, addresses: readonly string[]): void {
  const invalid: FieldError[] = [];
  addresses.forEach((a, i) => {
    if (!isPublicKey(a)) invalid.push({ pointer: `/body/${field}/${i}`, detail: `not a valid Solana address (base58 of 32 bytes): '${a}'` });
  });
  if (invalid.length > 0) {
    const list = invalid.map((e) => e.detail.slice(e.detail.indexOf("'"))).join(', ');
    const what = invalid.length === 1 ? 'an address that is not a valid Solana public key' : `${invalid.length} addresses that are not valid Solana public keys`;
    throw new ProblemError('invalidAddress', `${field} contains ${what} (base58 of 32 bytes): ${list}`, invalid);
  }
  const seen = new Map<string, number>();
  const duplicates: FieldError[] = [];
  addresses.forEach((a, i) => {
    const first = seen.get(a);
    if (first !== undefined) duplicates.push({ pointer: `/body/${field}/${i}`, detail: `'${a}' is already listed at position ${first}` });
    else seen.set(a, i);
  });
  if (duplicates.length > 0) {
    const names = [...new Set(duplicates.map((d) => d.detail.split("'")[1]))].map((a) => `'${a}'`).join(', ');
    throw new ProblemError('duplicateAddresses', `${field} lists ${names} more than once: list each address once`, duplicates);
  }
}

export function checkAddress(what: string, address: string): void {
  if (!isPublicKey(address)) throw new ProblemError('invalidAddress', `${what} is not a valid Solana address (base58 of 32 bytes): '${address}'`);
}
