/**
 * Many configurations in one tensor program: B training sets run B independent gradient-descent
 * trajectories of the single-token dynamics at once, so that a sweep keeps a GPU busy.
 *
 * Gradient descent with step η is the Euler discretisation of the gradient flow
 * `τ dΔW/dt = (β/N) Σ_i w(r_i) a_i g_iᵀ` with `τ = 1/η` (THEORY §2): each step adds
 * `η · D(ΔW)` with D the fused direction of `sparseKernel.ts`.
 *
 * The B problems are stacked by giving each its own block of ΔW rows, so they may differ in N,
 * vocabulary, β and d (features are zero-padded to the largest d: a zero coordinate adds nothing
 * to any margin or direction, so padding is exact). All steps run on the device; results are
 * read back asynchronously (works on every backend, webgpu included) only at recorded steps.
 */
import type * as tfTypes from '@tensorflow/tfjs-core';
import type { LossName } from '../../data/config.ts';
import type { PreferenceSet } from '../../data/dataset.ts';
import { InvalidInputError, requireInt, requirePositive } from '../../theory/errors.ts';
import { activeRows, type ActiveRows } from '../backend.ts';
import type { TensorRuntime } from './registry.ts';
import { sparseEvaluate, sparseMargins, uploadSparseProgram } from './sparseKernel.ts';

/** One configuration of a batch. */
export interface BatchedProblem {
  readonly data: PreferenceSet;
  /** DPO temperature β (THEORY §1). */
  readonly beta: number;
}

/** Options shared by the whole batch. */
export interface BatchedDescentOptions {
  readonly loss: LossName;
  /** Number of gradient-descent steps. */
  readonly steps: number;
  /** Step size η = dt/τ. */
  readonly stepSize: number;
  /** Read the margins back every this many steps (and always after the last); 0 = only at the end. */
  readonly recordEvery?: number;
}

/** The trajectory of one configuration. */
export interface BatchedTrajectory {
  /** Row map of this problem's ΔW (`tokens[u]` is the vocabulary id of row u). */
  readonly rows: ActiveRows;
  /** Final ΔW restricted to the active rows, rows × d row-major (d of this problem). */
  readonly deltaW: Float64Array;
  /** Steps at which margins were recorded (ascending, ends with `steps`). */
  readonly recordedSteps: readonly number[];
  /** Training margins r_i at each recorded step. */
  readonly margins: readonly Float64Array[];
}

/**
 * Runs B gradient-descent trajectories in one tensor program on `runtime` and returns each one.
 *
 * @example
 * const out = await runBatchedDescent(rt, [{ data: a, beta: 1 }, { data: b, beta: 1 }],
 *   { loss: 'dpo', steps: 100, stepSize: 0.1 });
 * out[1].margins.at(-1); // final margins of the second configuration
 */
export async function runBatchedDescent(
  runtime: TensorRuntime,
  problems: readonly BatchedProblem[],
  options: BatchedDescentOptions,
): Promise<BatchedTrajectory[]> {
  if (problems.length === 0) throw new InvalidInputError('problems', 'needs at least one configuration');
  requireInt('steps', options.steps, 0);
  requirePositive('stepSize', options.stepSize);
  const recordEvery = requireInt('recordEvery', options.recordEvery ?? 0, 0);
  problems.forEach((p, b) => requirePositive(`problems[${b}].beta`, p.beta));
  await runtime.activate();
  const tf = runtime.tf;

  const rowMaps = problems.map((p) => activeRows(p.data));
  const d = Math.max(...problems.map((p) => p.data.d));
  const m = problems.reduce((s, p) => s + p.data.n, 0);
  const rowOffset: number[] = [];
  const sampleOffset: number[] = [];
  let rows = 0;
  let samples = 0;
  for (let b = 0; b < problems.length; b++) {
    rowOffset.push(rows);
    sampleOffset.push(samples);
    rows += rowMaps[b]!.tokens.length;
    samples += problems[b]!.data.n;
  }
  const features = new Float32Array(m * d);
  const chosenRow = new Int32Array(m);
  const rejectedRow = new Int32Array(m);
  const beta = new Float32Array(m);
  const coefficient = new Float32Array(m);
  problems.forEach((p, b) => {
    const { n, d: db, features: g } = p.data;
    const rm = rowMaps[b]!;
    for (let i = 0; i < n; i++) {
      const at = sampleOffset[b]! + i;
      for (let k = 0; k < db; k++) features[at * d + k] = g[i * db + k]!;
      chosenRow[at] = rm.chosenRow[i]! + rowOffset[b]!;
      rejectedRow[at] = rm.rejectedRow[i]! + rowOffset[b]!;
      beta[at] = p.beta;
      coefficient[at] = p.beta / n;
    }
  });

  // sparseKernel.ts still types tf as the @tensorflow/tfjs umbrella; the runtime object is tfjs-core.
  const program = uploadSparseProgram(tf as Parameters<typeof uploadSparseProgram>[0], { m, rows, d, features, chosenRow, rejectedRow, beta, coefficient });
  let deltaW = tf.zeros([rows, d], 'float32') as tfTypes.Tensor2D;
  const recordedSteps: number[] = [];
  const recorded: Float32Array[] = [];
  const record = async (step: number): Promise<void> => {
    const r = sparseMargins(program, deltaW);
    try { recorded.push((await r.data()) as Float32Array); } finally { r.dispose(); }
    recordedSteps.push(step);
  };
  try {
    for (let step = 1; step <= options.steps; step++) {
      const { margins, direction } = sparseEvaluate(program, deltaW, options.loss);
      margins.dispose();
      const next = tf.tidy(() => tf.add(deltaW, tf.mul(direction, options.stepSize))) as tfTypes.Tensor2D;
      direction.dispose();
      deltaW.dispose();
      deltaW = next;
      if ((recordEvery > 0 && step % recordEvery === 0) || step === options.steps) await record(step);
    }
    if (options.steps === 0) await record(0);
    const finalW = (await deltaW.data()) as Float32Array;
    return problems.map((p, b) => {
      const { n, d: db } = p.data;
      const rm = rowMaps[b]!;
      const u = rm.tokens.length;
      const dw = new Float64Array(u * db);
      for (let r = 0; r < u; r++) {
        for (let k = 0; k < db; k++) dw[r * db + k] = finalW[(rowOffset[b]! + r) * d + k]!;
      }
      return {
        rows: rm,
        deltaW: dw,
        recordedSteps: [...recordedSteps],
        margins: recorded.map((all) => Float64Array.from(all.subarray(sampleOffset[b]!, sampleOffset[b]! + n))),
      };
    });
  } finally {
    deltaW.dispose();
    program.dispose();
  }
}
