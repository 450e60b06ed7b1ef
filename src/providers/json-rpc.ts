// One JSON-RPC call over a provider's HTTP client, for every client that speaks JSON-RPC (Solana RPC,
// Helius DAS): the envelope read (errors inside HTTP 200 from validators, and -32401/-32429 envelopes
// with HTTP 401/429 from Helius), amounts beyond 2^53 kept exact, and the result checked against its schema.
import type { z } from 'zod';
import type { ProviderHttp } from './http';
import { RpcEnvelopeSchema, parseOrThrow } from './schemas';

export interface JsonRpcCall<S extends z.ZodType> {
  id: string | number;
  method: string;
  params: unknown;
  schema: S;
  /** what errors and logs name the call by, e.g. "rpc getBalance" */
  operation: string;
  /** what the answer is about, for a malformed answer's message */
  subject: string;
  /** quotes the integers of the answer's text that a double would round (the method's u64 fields) */
  protect: (text: string) => string;
  signal?: AbortSignal;
}

export async function callJsonRpc<S extends z.ZodType>(http: ProviderHttp, call: JsonRpcCall<S>): Promise<z.output<S>> {
  const { id, method, params, schema, operation, subject, protect, signal } = call;
  const res = await http.send({ method: 'POST', path: '', json: { jsonrpc: '2.0', id, method, params }, operation, signal });
  let envelope: z.output<typeof RpcEnvelopeSchema>;
  if (res.status >= 200 && res.status < 300) {
    const body = http.parseJson({ status: res.status, text: protect(res.text) }, operation);
    envelope = parseOrThrow(RpcEnvelopeSchema, body, http.details(operation, res.status), subject);
  } else {
    const parsed = RpcEnvelopeSchema.safeParse(safeJson(res.text));
    if (!parsed.success || !parsed.data.error) throw http.httpError(res, operation);
    envelope = parsed.data;
  }
  if (envelope.error) throw http.rpcError(envelope.error.code, envelope.error.message, operation, res.status, res.retryAfterMs);
  return parseOrThrow(schema, envelope.result, http.details(operation, res.status), subject, 'result.');
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
