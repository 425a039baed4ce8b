/**
 * The tfjs implementation of the simulator's backend interface (`SimBackend` of `../backend.ts`):
 * the same fused evaluation as the float64 reference (THEORY §1–§2), in float32 on a tfjs
 * backend, so that the same integrators and optimizers run on tfjs.
 *
 * `SimBackend` is synchronous. tfjs can read results synchronously (`dataSync`) on cpu, wasm and
 * tfjs-node-gpu, but NOT on webgpu in Node: tfjs-backend-webgpu's `readSync` goes through
 * `OffscreenCanvas`, which Node lacks (measured: "ReferenceError: OffscreenCanvas is not
 * defined"). So webgpu runs in a worker thread that the caller blocks on
 * (`webgpuWorkerBackend.ts`); every backend also offers `evaluateAsync`/`marginsAsync`.
 */
import type * as tfTypes from '@tensorflow/tfjs-core';
import { registerBackend, type BackendProblem, type LossSpec, type SimBackend } from '../backend.ts';
import { InvalidInputError } from '../../theory/errors.ts';
import { TENSOR_BACKENDS, resolveTensorBackend, type TensorBackendName, type TensorRuntime } from './registry.ts';
import { sparseEvaluate, sparseMargins, uploadSparseProgram, type SparseProgram } from './sparseKernel.ts';
import { createWebGpuWorkerBackend } from './webgpuWorkerBackend.ts';

/** A `SimBackend` on tfjs, with asynchronous twins of the evaluations (no blocking on the device). */
export interface TensorSimBackend extends SimBackend {
  /** The tfjs backend it runs on (after resolving `auto`). */
  readonly runtime: TensorRuntime;
  /** `evaluate`, reading the results back asynchronously. */
  evaluateAsync(deltaW: Float64Array, spec: LossSpec, outMargins: Float64Array, outDirection: Float64Array): Promise<void>;
  /** `margins`, reading the results back asynchronously. */
  marginsAsync(deltaW: Float64Array, beta: number, out: Float64Array): Promise<void>;
}

/**
 * Creates a tfjs `SimBackend` for one problem on the requested tensor backend.
 *
 * @example
 * const be = await createTensorSimBackend({ data, rows: activeRows(data) }, 'wasm');
 * be.evaluate(deltaW, { loss: 'dpo', beta: 1 }, margins, direction);
 */
export async function createTensorSimBackend(
  problem: BackendProblem,
  request: TensorBackendName | 'auto',
): Promise<TensorSimBackend> {
  const runtime = await resolveTensorBackend(request);
  if (runtime.name === 'webgpu') return createWebGpuWorkerBackend(problem, runtime);
  await runtime.activate();
  const { data, rows } = problem;
  const { n, d } = data;
  const rowCount = rows.tokens.length;
  const tf = runtime.tf;
  // sparseKernel.ts still types tf as the @tensorflow/tfjs umbrella; the runtime object is tfjs-core.
  let program: SparseProgram | undefined = uploadSparseProgram(tf as Parameters<typeof uploadSparseProgram>[0], {
    m: n, rows: rowCount, d, features: data.features, chosenRow: rows.chosenRow, rejectedRow: rows.rejectedRow,
    beta: new Float32Array(n).fill(1), coefficient: new Float32Array(n).fill(1 / n),
  });
  // The per-sample β and β/N tensors are replaced only when β changes between calls.
  let currentBeta = 1;
  const live = (): SparseProgram => {
    if (program === undefined) throw new InvalidInputError('backend', `${runtime.name} backend used after dispose()`);
    if (tf.getBackend() !== runtime.tfBackend) {
      throw new InvalidInputError('backend', `tfjs backend switched to '${tf.getBackend()}' while a ${runtime.name} simulator is live; call runtime.activate() first`);
    }
    return program;
  };
  const setBeta = (b: number): void => {
    const p = live();
    if (b === currentBeta) return;
    p.beta.dispose();
    p.coefficient.dispose();
    program = { ...p, beta: tf.fill([n], b, 'float32') as tfTypes.Tensor1D, coefficient: tf.fill([n], b / n, 'float32') as tfTypes.Tensor1D };
    currentBeta = b;
  };
  const disposeAll = (): void => {
    if (program === undefined) return;
    const p = program;
    program = undefined;
    [p.features, p.chosenRow, p.rejectedRow, p.scatterIndex, p.beta, p.coefficient].forEach((t) => t.dispose());
  };
  const checkSizes = (deltaW: Float64Array, outMargins: Float64Array, outDirection?: Float64Array): void => {
    if (deltaW.length !== rowCount * d) throw new InvalidInputError('deltaW', `length ${deltaW.length} != rowCount·d = ${rowCount * d}`);
    if (outMargins.length !== n) throw new InvalidInputError('outMargins', `length ${outMargins.length} != N = ${n}`);
    if (outDirection !== undefined && outDirection.length !== rowCount * d) {
      throw new InvalidInputError('outDirection', `length ${outDirection.length} != rowCount·d = ${rowCount * d}`);
    }
  };
  const run = (deltaW: Float64Array, spec: LossSpec): { margins: tfTypes.Tensor1D; direction: tfTypes.Tensor2D } => {
    setBeta(spec.beta);
    const p = live();
    return tf.tidy(() => {
      const dw = tf.tensor2d(Float32Array.from(deltaW), [rowCount, d], 'float32');
      const mask = spec.loss === 'slic' && spec.slicMask !== undefined ? tf.tensor1d(Float32Array.from(spec.slicMask), 'float32') : undefined;
      return sparseEvaluate(p, dw, spec.loss, mask);
    });
  };
  const runMargins = (deltaW: Float64Array, b: number): tfTypes.Tensor1D => {
    setBeta(b);
    const p = live();
    return tf.tidy(() => sparseMargins(p, tf.tensor2d(Float32Array.from(deltaW), [rowCount, d], 'float32')));
  };
  return {
    name: runtime.name,
    n, d, rowCount, runtime,
    evaluate(deltaW, spec, outMargins, outDirection) {
      checkSizes(deltaW, outMargins, outDirection);
      const { margins, direction } = run(deltaW, spec);
      try {
        outMargins.set(margins.dataSync());
        outDirection.set(direction.dataSync());
      } finally {
        margins.dispose(); direction.dispose();
      }
    },
    margins(deltaW, b, out) {
      checkSizes(deltaW, out);
      const margins = runMargins(deltaW, b);
      try { out.set(margins.dataSync()); } finally { margins.dispose(); }
    },
    async evaluateAsync(deltaW, spec, outMargins, outDirection) {
      checkSizes(deltaW, outMargins, outDirection);
      const { margins, direction } = run(deltaW, spec);
      try {
        const [m, g] = await Promise.all([margins.data(), direction.data()]);
        outMargins.set(m);
        outDirection.set(g);
      } finally {
        margins.dispose(); direction.dispose();
      }
    },
    async marginsAsync(deltaW, b, out) {
      checkSizes(deltaW, out);
      const margins = runMargins(deltaW, b);
      try { out.set(await margins.data()); } finally { margins.dispose(); }
    },
    dispose: disposeAll,
  };
}

/**
 * Registers the tensor backends in the simulator's registry (`../backend.ts`) under their
 * dpocheck names ('tfjs-node-gpu', 'webgpu', 'wasm', 'cpu') and 'auto'. Creation throws
 * `InvalidInputError('backend')` with the reason when a backend is unavailable.
 */
export function registerTensorBackends(): void {
  for (const name of [...TENSOR_BACKENDS, 'auto'] as const) {
    registerBackend(name, (problem) => createTensorSimBackend(problem, name));
  }
}
