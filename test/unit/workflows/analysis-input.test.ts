// Analyses started before the workflow input carried the validated request, and rows written before
// `params` stored it, read in today's shape: old histories replay and old rows compare and display.
import { analysisInputOf, analysisParamsOf } from '../../../src/workflows/contract';

describe('the legacy analysis input and params, in today\'s shape', () => {
  it('maps a legacy workflow input to the validated request it stood for', () => {
    const legacy = { analysisId: 'a1', wallets: ['A', 'B'], windowDays: 30, syncMode: 'force' as const, failureThreshold: 0.8, requestId: 'r1', weights: { capital: 2 }, clusterThreshold: 0.6, tuning: { pollIntervalMs: 200 } };
    expect(analysisInputOf(legacy)).toEqual({
      analysisId: 'a1',
      requestId: 'r1',
      tuning: { pollIntervalMs: 200 },
      request: { wallets: ['A', 'B'], window: 30, sync: 'force', failureThreshold: 0.8, weights: { capital: 2 }, clusterThreshold: 0.6 },
    });
  });

  it('passes today\'s input through unchanged', () => {
    const input = { analysisId: 'a2', requestId: null, request: { wallets: ['A', 'B'], window: null, sync: 'auto' as const, failureThreshold: 0.8 } };
    expect(analysisInputOf(input)).toBe(input);
  });

  it('reads a legacy row\'s params (nulls for absent values) as the request\'s params', () => {
    expect(analysisParamsOf({ weights: null, windowDays: null, syncMode: 'auto', failureThreshold: 0.8, clusterThreshold: null })).toEqual({ window: null, sync: 'auto', failureThreshold: 0.8 });
    expect(analysisParamsOf({ weights: { capital: 2 }, windowDays: 30, syncMode: 'skip', failureThreshold: 0.5, clusterThreshold: 0.7 })).toEqual({ weights: { capital: 2 }, window: 30, sync: 'skip', failureThreshold: 0.5, clusterThreshold: 0.7 });
  });
});
