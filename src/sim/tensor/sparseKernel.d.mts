/** Types of the plain-JS tfjs kernel of the single-token dynamics (sparseKernel.mjs; see its header). */
import type * as tfTypes from '@tensorflow/tfjs';

type Tf = typeof import('@tensorflow/tfjs');
type LossName = 'dpo' | 'ipo' | 'slic';

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
export declare function uploadSparseProgram(tf: Tf, input: SparseProgramInput): SparseProgram;
/** r = β a_mᵀ ΔW g_m for every stacked sample; `deltaW` is [R, d]. Returns [M]. */
export declare function sparseMargins(p: SparseProgram, deltaW: tfTypes.Tensor2D): tfTypes.Tensor1D;
/** The loss weight w(r) = -f'(r) (THEORY.md §2). */
export declare function lossWeight(tf: Tf, loss: LossName, margins: tfTypes.Tensor1D, slicMask?: tfTypes.Tensor1D): tfTypes.Tensor1D;
/** Margins [M] and descent direction [R, d] in one pass. */
export declare function sparseEvaluate(
  p: SparseProgram,
  deltaW: tfTypes.Tensor2D,
  loss: LossName,
  slicMask?: tfTypes.Tensor1D,
): { margins: tfTypes.Tensor1D; direction: tfTypes.Tensor2D };
