// Every workflow type the workers register (the bundle's entry point).
export { smokeWorkflow } from './smoke';
export { similarityAnalysisWorkflow } from './similarity-analysis';
export { recomputeOlderAnalyticsWorkflow, walletAnalyticsWorkflow, walletSyncWorkflow } from './wallet-sync';
export { tokenEnrichmentWorkflow, refreshPopularTokensWorkflow } from './token-enrichment';
export { watchRunWorkflow } from './watch-run';
export { sweepWatchDeliveriesWorkflow, watchDeliveryWorkflow } from './watch-delivery';
