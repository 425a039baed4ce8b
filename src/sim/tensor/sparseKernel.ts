/**
 * The fused evaluation of the single-token dynamics (THEORY §1–§2) as a tfjs program, in
 * float32, for one problem or many stacked ("flattened") problems at once:
 *
 *   r_m = β_m a_mᵀ ΔW g_m                         (margins; the softmax normaliser cancels, §1)
 *   D   = Σ_m c_m w(r_m) a_m g_mᵀ,  c_m = β_m/N_m  (= -∇_W L per problem, §1; w(r) = -f'(r), §2)
 *
 * ΔW holds only the rows of the tokens that occur (`ActiveRows` of `../backend.ts`); B problems
 * are stacked by giving each its own block of rows and offsetting its row indices, so one
 * program runs B configurations (batched descent). Only gathers, a scatter and
 * elementwise ops are used: O(M·d) per evaluation, no transposed matMul (slow on wasm), and every
 * kernel exists on cpu, wasm and webgpu (wasm has no UnsortedSegmentSum, hence ScatterNd, which
 * sums duplicate indices).
 *
 * Shared by the calling thread and the WebGPU worker thread (webgpuWorker.ts); the tfjs module is
 * passed in, so this file loads no tfjs itself (only its types).
 */

import type * as tfTypes from '@tensorflow/tfjs';

/** The tfjs module (passed in, so this file loads no tfjs itself). */
export type Tf = typeof import('@tensorflow/tfjs');
/** Loss names of THEORY §2. */
export type LossName = 'dpo' | 'ipo' | 'slic';

/** Device-resident, constant description of M stacked samples over R rows of ΔW. */
export interface SparseProgram {
  readonly tf: Tf;
  /** Stacked samples M and rows R, feature dimension d. */
  readonly m: number;
  readonly rows: number;
  readonly d: number;
  /** [M, d] features. */
  readonly features: tfTypes.Tensor2D;
  /** [M] row of the chosen / rejected token (int32, already offset per problem). */
  readonly chosenRow: tfTypes.Tensor1D;
  readonly rejectedRow: tfTypes.Tensor1D;
  /** [2M, 1] scatter indices: chosen rows then rejected rows. */
  readonly scatterIndex: tfTypes.Tensor2D;
  /** [M] β of each sample's problem. */
  readonly beta: tfTypes.Tensor1D;
  /** [M] β/N of each sample's problem (the weight of a sample in D). */
  readonly coefficient: tfTypes.Tensor1D;
  /** Releases the tensors. */
  dispose(): void;
}

/** Host-side description of stacked samples. */
export interface SparseProgramInput {
  readonly m: number;
  readonly rows: number;
  readonly d: number;
  /** M·d row-major features (uploaded as float32). */
  readonly features: Float64Array | Float32Array;
  readonly chosenRow: Int32Array;
  readonly rejectedRow: Int32Array;
  /** Per sample β and β/N. */
  readonly beta: Float32Array;
  readonly coefficient: Float32Array;
}

/** Uploads the constant part of a stacked problem. */
export function uploadSparseProgram(tf: Tf, input: SparseProgramInput): SparseProgram {
  const { m, rows, d } = input;
  const features = tf.tensor2d(Float32Array.from(input.features), [m, d], 'float32');
  const chosenRow = tf.tensor1d(input.chosenRow, 'int32');
  const rejectedRow = tf.tensor1d(input.rejectedRow, 'int32');
  const both = new Int32Array(2 * m);
  both.set(input.chosenRow, 0);
  both.set(input.rejectedRow, m);
  const scatterIndex = tf.tensor2d(both, [2 * m, 1], 'int32');
  const beta = tf.tensor1d(input.beta, 'float32');
  const coefficient = tf.tensor1d(input.coefficient, 'float32');
  const all = [features, chosenRow, rejectedRow, scatterIndex, beta, coefficient];
  return {
    tf, m, rows, d, features, chosenRow, rejectedRow, scatterIndex, beta, coefficient,
    dispose: () => all.forEach((t) => t.dispose()),
  };
}

/** r = β a_mᵀ ΔW g_m for every stacked sample; `deltaW` is [R, d]. Returns [M]. */
export function sparseMargins(p: SparseProgram, deltaW: tfTypes.Tensor2D): tfTypes.Tensor1D {
  const tf = p.tf;
  return tf.tidy(() => {
    const rowDiff = tf.sub(tf.gather(deltaW, p.chosenRow), tf.gather(deltaW, p.rejectedRow));
    return tf.mul(p.beta, tf.sum(tf.mul(rowDiff, p.features), 1));
  });
}

/**
 * The loss weight w(r) = -f'(r) of THEORY §2: DPO σ(-r), IPO 2(1-r), SLiC [r < 1] (or the
 * frozen 0/1 `slicMask` the integrator supplies, as a [M] float tensor).
 */
export function lossWeight(tf: Tf, loss: LossName, margins: tfTypes.Tensor1D, slicMask?: tfTypes.Tensor1D): tfTypes.Tensor1D {
  return tf.tidy((): tfTypes.Tensor1D => {
    switch (loss) {
      case 'dpo':
        return tf.sigmoid(tf.neg(margins));
      case 'ipo':
        return tf.mul(2, tf.sub(1, margins)) as tfTypes.Tensor1D;
      case 'slic':
        return slicMask ?? (tf.cast(tf.less(margins, 1), 'float32') as tfTypes.Tensor1D);
      default:
        throw new Error(`unknown loss '${String(loss)}'`);
    }
  });
}

/**
 * The fused evaluation: margins [M] and the descent direction D = Σ_m c_m w(r_m) a_m g_mᵀ
 * ([R, d]; rows of different problems never mix).
 */
export function sparseEvaluate(
  p: SparseProgram,
  deltaW: tfTypes.Tensor2D,
  loss: LossName,
  slicMask?: tfTypes.Tensor1D,
): { margins: tfTypes.Tensor1D; direction: tfTypes.Tensor2D } {
  const tf = p.tf;
  return tf.tidy(() => {
    const margins = sparseMargins(p, deltaW);
    const weight = tf.mul(p.coefficient, lossWeight(tf, loss, margins, slicMask));
    const weighted = tf.mul(p.features, tf.expandDims(weight, 1));
    // a_m g_mᵀ puts +g_m on row w_m and -g_m on row l_m; ScatterNd sums duplicate rows.
    const updates = tf.concat([weighted, tf.neg(weighted)], 0);
    const direction = tf.scatterND(p.scatterIndex, updates, [p.rows, p.d]) as tfTypes.Tensor2D;
    return { margins, direction };
  });
}
