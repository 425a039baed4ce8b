/** See covarianceKernel.mjs. */
export function covarianceBlock(
  X: Float64Array,
  d: number,
  cl: Int32Array,
  muDot: Float64Array,
  v: Float64Array,
  start: number,
  end: number,
  out: Float64Array,
  outOffset: number,
  coef: Float64Array,
  coefOffset: number,
): void;
