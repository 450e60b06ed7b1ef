// A history page's transactions, validated where they are: EnhancedTransactionSchema's answers
// without zod's copies (see parseEnhancedTransaction).
import type { z } from 'zod';
import type { EnhancedTransaction } from '../domain/enhanced-transaction';
import { validate as checkEnhancedTransaction } from './generated/enhanced-transaction-check';
import { EnhancedTransactionSchema, eventsAsObject } from './schemas';

/** EnhancedTransactionSchema's preprocessing of `events` (eventsAsObject), applied in place. */
function normalizeEvents(raw: object): void {
  const tx = raw as { events?: unknown };
  const events = eventsAsObject(tx.events);
  if (events !== tx.events) tx.events = events;
}

/**
 * Validates one raw Enhanced Transaction as EnhancedTransactionSchema does, with the same output,
 * in place: `raw` (a freshly parsed object the caller owns) becomes the transaction. The check is
 * ajv's standalone code of the schema, generated at build time (`npm run validators`, no ajv at run
 * time): on a 100-transaction page about 0.2 ms against zod's 1.6, and no copy of every object for
 * the collector. One that fails goes through zod, whose issue names the field and the reason (rare,
 * so its cost does not matter). test/unit/providers/enhanced-validation.test.ts holds the two to the
 * same answers.
 */
export function parseEnhancedTransaction(raw: unknown): z.ZodSafeParseResult<EnhancedTransaction> {
  if (raw !== null && typeof raw === 'object' && !Array.isArray(raw)) {
    normalizeEvents(raw);
    if (checkEnhancedTransaction(raw)) return { success: true, data: raw as EnhancedTransaction };
  }
  return EnhancedTransactionSchema.safeParse(raw);
}
