/**
 * Public surface of the simulator (THEORY §1–§2): the entry points, the backend contract and
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
// The backend table (precision, lazy import, availability probe per backend); tfjs loads on first use.
export {
  BACKENDS,
  BACKEND_NAMES,
  BACKEND_CHOICES,
  TENSOR_BACKENDS,
  autoOrder,
  loadTensorBackend,
  resolveTensorBackend,
  listBackends as backendStatus,
  type BackendName,
  type BackendRequest,
  type BackendSpec,
  type BackendStatus,
  type TensorBackendName,
  type TensorRuntime,
} from './tensor/registry.ts';
