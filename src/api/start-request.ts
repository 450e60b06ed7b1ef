// The body of POST /v1/analyses (and of POST /v1/watches, whose runs start it) as one of its two
// requests, with the checks its JSON schema cannot make.
import { DEFAULT_WEIGHTS, METRIC_NAMES, type MetricName } from '../domain/similarity/types';
import { ProblemError } from './problem';
import type { AnalysisRequest, AnalysisStartBody, TokenAnalysisRequest } from './schemas/analyses';
import { checkAddress, checkAddresses } from './validation';

/** The validated body as one of the two requests; names a body with both `wallets` and `token`, neither, or `top` without `token`. */
export function startRequestOf(body: AnalysisStartBody & { top?: number }): AnalysisRequest | TokenAnalysisRequest {
  const { wallets, token, top, ...params } = body;
  if (params.weights !== undefined) checkWeights(params.weights);
  if (wallets !== undefined && token !== undefined) {
    throw new ProblemError('validation', 'give either wallets (the group) or token (a mint whose largest holders are the group), not both', [{ pointer: '/body/token', detail: 'not allowed together with wallets' }]);
  }
  if (token !== undefined) {
    checkAddress('token', token);
    // `top` is always set here: the schema's default fills it in for token requests
    return { ...params, token, top: top as number } as TokenAnalysisRequest;
  }
  if (top !== undefined) throw new ProblemError('validation', 'top applies to a token request only: send {"token": "<mint>", "top": N}, or leave top out', [{ pointer: '/body/top', detail: 'only with token' }]);
  if (wallets === undefined) {
    throw new ProblemError('validation', "the body must have the field 'wallets' (2 or more addresses) or the field 'token' (a mint whose largest holders become the group)", [{ pointer: '/body', detail: 'must have wallets or token' }]);
  }
  checkAddresses('wallets', wallets);
  // the group's order does not matter
  return { ...params, wallets: [...wallets].sort() } as AnalysisRequest;
}

/** Weights that, with the defaults of those left out, put no metric into `similarity` would leave every pair without one. */
function checkWeights(weights: Partial<Record<MetricName, number>>): void {
  if (METRIC_NAMES.some((m) => (weights[m] ?? DEFAULT_WEIGHTS[m]) > 0)) return;
  const zero = METRIC_NAMES.filter((m) => weights[m] === 0);
  throw new ProblemError(
    'validation',
    `weights put no metric into the similarity blend (${zero.join(', ')} set to 0, the rest 0 by default), so no pair would have a similarity: give at least one metric a weight above 0, or leave weights out for the defaults`,
    [{ pointer: '/body/weights', detail: 'every weight is 0' }],
  );
}
