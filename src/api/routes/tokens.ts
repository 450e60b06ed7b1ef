// /v1/tokens: the token registry (DexScreener metadata and prices) and user-triggered enrichment.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { JsonSchemaToTsProvider } from '@fastify/type-provider-json-schema-to-ts';
import type { tokenEnrichmentWorkflow } from '../../workflows/token-enrichment';
import { PRIORITY, WORKFLOW_TASK_QUEUE } from '../../workflows/contract';
import { describeFailureForClients } from '../../errors';
import { getTokens } from '../../store/tokens';
import { temporalUiLink } from '../analysis-view';
import { noQuery } from '../schemas/common';
import { ProblemError, problemResponses } from '../problem';
import { enrichTokensBody, enrichTokensStarted, mintParams, tokenRecord } from '../schemas/tokens';
import { checkAddress, checkAddresses } from '../validation';
import { withTemporalDeadline } from '../../temporal/deadline';
import { clientKeyOf } from '../auth';

export async function tokensRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<JsonSchemaToTsProvider>();
  const { config, pool, temporal } = app.deps;
  const namespace = temporal.options.namespace;

  app.get(
    '/v1/tokens/:mint',
    {
      schema: {
        tags: ['tokens'],
        summary: "A token's metadata and price from the registry",
        params: mintParams,
        querystring: noQuery,
        response: { 200: tokenRecord, ...problemResponses(400, 401, 404) },
      },
    },
    async (request) => {
      const { mint } = request.params;
      checkAddress('the mint', mint);
      const [record] = await getTokens(pool, [mint]);
      if (!record) throw new ProblemError('notFound', `token ${mint} is not in the registry: enrich it with POST /v1/tokens/enrich`);
      return record;
    },
  );

  app.post(
    '/v1/tokens/enrich',
    {
      config: { rateLimit: app.postRateLimit },
      schema: {
        tags: ['tokens'],
        summary: 'Resolve metadata and prices of these mints now (high priority on the enrichment queue)',
        body: enrichTokensBody,
        response: {
          202: enrichTokensStarted,
          ...problemResponses(400, 401, 413, 415, 429, 503),
        },
      },
    },
    async (request, reply) => {
      const { mints } = request.body;
      checkAddresses('mints', mints);
      const workflowId = `token-enrichment:user:${randomUUID()}`;
      try {
        await withTemporalDeadline(temporal, () =>
          temporal.workflow.start<typeof tokenEnrichmentWorkflow>('tokenEnrichmentWorkflow', {
            taskQueue: WORKFLOW_TASK_QUEUE,
            workflowId,
            args: [{ mints: [...mints].sort(), reason: 'user' }],
            priority: { priorityKey: PRIORITY.userTriggered, fairnessKey: clientKeyOf(request) },
          }),
        );
      } catch (err) {
        throw new ProblemError('temporalUnavailable', `token enrichment could not be started (${describeFailureForClients(err)}): retry`, undefined, err);
      }
      return reply.code(202).send({ workflowId, mints: [...mints].sort(), links: { temporalUi: temporalUiLink(config.TEMPORAL_UI_URL, namespace, workflowId) } });
    },
  );
}
