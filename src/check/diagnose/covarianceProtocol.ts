/**
 * The shared-memory protocol between the covariance product (covarianceProduct.ts) and its worker
 * threads (covarianceWorker.ts): what a worker is given, and the control word's slots and
 * commands. Kept apart from covarianceWorker.ts, whose import starts serving.
 */

/** What a worker is given: shared buffers and the problem's sizes. */
export interface CovarianceWorkerData {
  /** This worker's number; it computes blocks index, index + threads, … */
  readonly index: number;
  readonly threads: number;
  readonly n: number;
  readonly d: number;
  readonly clusters: number;
  readonly blocks: number;
  readonly blockRows: number;
  /** Control word: Int32Array with the {@link CTRL} slots. */
  readonly ctrl: SharedArrayBuffer;
  /** n×d Float64 features (row-major) from byte `featuresOffset`. */
  readonly features: SharedArrayBuffer;
  readonly featuresOffset: number;
  /** Int32 cluster of every row. */
  readonly cluster: SharedArrayBuffer;
  /** Float64 d-vector v of the current product. */
  readonly v: SharedArrayBuffer;
  /** Float64 μ_aᵀv per cluster. */
  readonly muDot: SharedArrayBuffer;
  /** Float64 blocks×d block sums (out). */
  readonly partial: SharedArrayBuffer;
  /** Float64 blocks×clusters block coefficients (out). */
  readonly coef: SharedArrayBuffer;
}

/** Control-word slots: generation counter, workers done, command. */
export const CTRL = { gen: 0, done: 1, cmd: 2 } as const;
/** Commands. */
export const CMD = { apply: 1, exit: 2 } as const;
