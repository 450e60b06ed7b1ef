// Liveness and readiness answers. Pure data (see common.ts).
import type { FromSchema } from 'json-schema-to-ts';

export const liveness = { type: 'object', properties: { status: { type: 'string' } } } as const;

const check = { type: 'object', properties: { ok: { type: 'boolean' }, error: { type: 'string' } }, required: ['ok'] } as const;
export type Check = FromSchema<typeof check>;

export const readiness = {
  type: 'object',
  properties: { status: { type: 'string' }, checks: { type: 'object', additionalProperties: check } },
} as const;
