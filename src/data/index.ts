/**
 * src/data: the configuration schema (THEORY §3), the seeded sampler, fast-check arbitraries of
 * valid and assumption-breaking configurations, and dataset I/O (.npz, JSON).
 */
export * from './config.ts';
export * from './concepts.ts';
export * from './conditionEdges.ts';
export * from './arbitraries.ts';
export * from './breaking.ts';
export * from './dataset.ts';
export * from './datasetFile.ts';
export * from './sampler.ts';
export * from './rng.ts';
export * from './npz.ts';
export * from './sharedMemory.ts';
export type { WasmMemory } from './wasm.ts';
