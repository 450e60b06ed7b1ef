// Injected faults, drawn from the seeded RNG: a 5xx of one of four shapes, a held request (timeout), a truncated body.
import { json, rpcError, type Reply } from './helius-routes';
import type { SimProvider, SimulatorKnobs } from './knobs';

export type FaultDraw = { kind: '5xx'; reply: Reply } | { kind: 'timeout' } | { kind: 'truncated' } | null;

export const TIMEOUT_REPLY: Reply = { status: 504, body: 'upstream request timeout', contentType: 'text/plain' };

const serverErrors = (): Reply[] => [
  json(500, { error: 'Internal Server Error' }),
  { status: 502, body: '<html><body><h1>502 Bad Gateway</h1></body></html>', contentType: 'text/html' },
  rpcError(503, -32603, 'Service unavailable'),
  TIMEOUT_REPLY,
];

/** Draws nothing (and leaves the RNG alone) unless faults are on for this provider. */
export function drawFault(f: SimulatorKnobs['faults'], provider: SimProvider, random: () => number): FaultDraw {
  if (!f.providers.includes(provider) || !(f.errorRate + f.timeoutRate + f.truncateRate > 0)) return null;
  const roll = random();
  if (roll < f.errorRate) return { kind: '5xx', reply: serverErrors()[Math.floor(random() * 4)] };
  if (roll < f.errorRate + f.timeoutRate) return { kind: 'timeout' };
  if (roll < f.errorRate + f.timeoutRate + f.truncateRate) return { kind: 'truncated' };
  return null;
}
