/** Types of the plain-JS float64 kernel (kernel.mjs; see its header for why it is plain JS). */
type F64 = Float64Array;
type I32 = Int32Array;

/** Loss codes shared with the workers (THEORY.md §2). */
export declare const LOSS_CODE: Readonly<{ dpo: 0; ipo: 1; slic: 2 }>;

/** Loss weight w(r) = -f'(r) for a loss code (THEORY.md §2). */
export declare function lossWeight(code: number, r: number): number;

/** Feature storage read by the kernel: float64, or float32 holding exactly representable values. */
type Features = Float64Array | Float32Array;

/** Fused margins + zeroed-then-accumulated partial direction of one sample block (float64 features). */
export declare function evaluateBlockF64(
  features: F64, d: number, start: number, end: number, chosenRow: I32, rejectedRow: I32,
  localChosen: I32, localRejected: I32, touchedCount: number, deltaW: F64, lossCode: number,
  beta: number, scale: number, slicMask: Uint8Array | null, margins: F64, partial: F64,
  partialOffset: number, scratch: F64,
): void;

/** evaluateBlockF64 for float32 feature storage (same float64 arithmetic, bit-identical results). */
export declare function evaluateBlockF32(
  features: Float32Array, d: number, start: number, end: number, chosenRow: I32, rejectedRow: I32,
  localChosen: I32, localRejected: I32, touchedCount: number, deltaW: F64, lossCode: number,
  beta: number, scale: number, slicMask: Uint8Array | null, margins: F64, partial: F64,
  partialOffset: number, scratch: F64,
): void;

/** Margins only, samples [start, end) (float64 features). */
export declare function marginsBlockF64(
  features: F64, d: number, start: number, end: number, chosenRow: I32, rejectedRow: I32,
  deltaW: F64, beta: number, margins: F64,
): void;

/** marginsBlockF64 for float32 feature storage. */
export declare function marginsBlockF32(
  features: Float32Array, d: number, start: number, end: number, chosenRow: I32, rejectedRow: I32,
  deltaW: F64, beta: number, margins: F64,
): void;

/** True when every entry equals its float32 rounding (float32 storage is lossless). */
export declare function isFloat32Exact(values: Features): boolean;

/** Sums block partials into `out` in block order. */
export declare function reduceBlocks(
  out: F64, d: number, blockCount: number, blockRowStart: I32, blockRows: I32, partial: F64,
): void;
