/**
 * Public surface of the simulator (THEORY.md §1–§2): the entry points, the backend contract and
 * the r-space cross-check. Importing this module registers the 'reference' backend.
 */
export * from './backend.ts';
export * from './simulate.ts';
export * from './marginOde.ts';
export * from './metrics.ts';
export * from './adam.ts';
export * from './dopri5.ts';
export { ReferenceBackend, ParallelReferenceBackend, createReferenceBackend, blockLayout, SAMPLE_BLOCK } from './referenceBackend.ts';
export type { BlockLayout } from './referenceBackend.ts';
