// Schema pieces shared by several resources. Every module under src/api/schemas is pure data (JSON
// schemas `as const` and the types derived from them): the routes validate and document with them
// (OpenAPI via @fastify/swagger), and the workflows, the CLI and the Lab take their types from them.

export const address = { type: 'string', minLength: 1, maxLength: 64, description: 'Solana address (base58, 32 bytes)', example: '37RqtwV1Huak8b89qQy9AxxJgbKzeA3AECZxQMgboRsk' } as const;

/** An object whose properties are not documented one by one (response schemas keep every property). */
export const open = { type: 'object', additionalProperties: true } as const;
export const nullableNumber = { type: ['number', 'null'] } as const;
export const nullableString = { type: ['string', 'null'] } as const;

/** A link to a workflow in the Temporal Web UI. */
export const temporalUiLinks = { type: 'object', properties: { temporalUi: { type: 'string' } }, required: ['temporalUi'] } as const;

/** The querystring of a route that takes none: a parameter sent to it is a mistake the caller hears of (400), not one silently ignored. */
export const noQuery = { type: 'object', additionalProperties: false, properties: {} } as const;
