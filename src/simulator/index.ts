// The offline simulator of Helius, Solana RPC and DexScreener (docs/simulator.md).
export { startSimulator, peakPerWindow } from './server';
export type { SimulatorHandle, SimulatorKnobs, SimulatorOptions, SimulatorMetrics, RequestLogEntry, SimProvider, FaultKind } from './server';
export { generateWorld, type GenerateOptions } from './generator';
export { parseWorld, loadWorldFile, worldJsonSchema, WorldFileError } from './world';
export type { World, WorldInput, GroundTruth } from './world';
export { SimWorld } from './model';
