// What GET /v1/analyses/{id}/changes answers: how a completed analysis differs from another of the
// same key's (usually an earlier one of the same group), as src/store/analysis-changes.ts compares
// them; here, the API's refusals of what cannot be compared or took too long.
import type { Pool } from 'pg';
import { FIRST_COMPARABLE_ENGINE_MAJOR, comparableEngine } from '../domain/similarity/changes';
import { CHANGES_STATEMENT_TIMEOUT_MS, compareAnalyses, type Compared } from '../store/analysis-changes';
import { sqlState } from '../store/errors';
import { ProblemError } from './problem';
import type { AnalysisChanges } from './schemas/changes';

/** A 409 unless both analyses' scores are on today's scale (engine 2.0.0 or later). */
export function assertComparable(later: Compared, earlier: Compared): void {
  for (const a of [later, earlier]) {
    if (!comparableEngine(a.engineVersion)) {
      throw new ProblemError(
        'enginesNotComparable',
        `analysis ${a.id} was computed by engine ${a.engineVersion ?? '(unknown)'}, whose scores are not on the scale of engine ${FIRST_COMPARABLE_ENGINE_MAJOR}.0.0 and later: run its group again and compare with that analysis`,
      );
    }
  }
}

/** The changes from `earlier` to `later` (both completed, comparable), with up to `limit` links formed and broken each; 503 when PostgreSQL stopped it at its timeout. */
export async function loadAnalysisChanges(pool: Pool, later: Compared, earlier: Compared, limit: number): Promise<AnalysisChanges> {
  return compareAnalyses(pool, later, earlier, limit).catch((err: unknown) => {
    // 57014: stopped at its statement timeout
    if (sqlState(err) !== '57014') throw err;
    throw new ProblemError(
      'databaseTimeout',
      `comparing the links of analyses ${later.id} and ${earlier.id} took PostgreSQL longer than ${CHANGES_STATEMENT_TIMEOUT_MS / 1000} s: retry later`,
    );
  });
}
