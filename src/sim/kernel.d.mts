/** Types of the plain-JS float64 kernel (kernel.mjs; see its header for why it is plain JS). */
type F64 = Float64Array;
type I32 = Int32Array;

/** Loss codes shared with the workers (THEORY.md §2). */
export declare const LOSS_CODE: Readonly<{ dpo: 0; ipo: 1; slic: 2 }>;

/** Loss weight w(r) = -f'(r) for a loss code (THEORY.md §2). */
export declare function lossWeight(code: number, r: number): number;

/** Fused margins + zeroed-then-accumulated partial direction of one sample block. */
export declare function evaluateBlock(
  features: F64, d: number, start: number, end: number, chosenRow: I32, rejectedRow: I32,
  localChosen: I32, localRejected: I32, touchedCount: number, deltaW: F64, lossCode: number,
  beta: number, scale: number, slicMask: Uint8Array | null, margins: F64, partial: F64,
  partialOffset: number, scratch: F64,
): void;

/** Margins only, samples [start, end). */
export declare function marginsBlock(
  features: F64, d: number, start: number, end: number, chosenRow: I32, rejectedRow: I32,
  deltaW: F64, beta: number, margins: F64,
): void;

/** Sums block partials into `out` in block order. */
export declare function reduceBlocks(
  out: F64, d: number, blockCount: number, blockRowStart: I32, blockRows: I32, partial: F64,
): void;
