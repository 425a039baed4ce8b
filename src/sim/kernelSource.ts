/**
 * The one source of the reference backend's hot loops (THEORY §1–§2): a fused pass over a
 * block of samples that computes the margins r_i = β a_iᵀ ΔW g_i and, in the same pass, the
 * block's partial descent direction Σ_i (β/N) w(r_i) a_i g_iᵀ; and a margins-only pass.
 *
 * Every function marked `@perDtype` is written once here against `Features` and turned by
 * `scripts/gen-kernel.ts` into one copy per feature storage in `kernel.generated.ts`
 * (`evaluateBlockF64`, `evaluateBlockF32`, …), which is what runs; a test checks that the
 * generated file is up to date. Why copies at all: V8 keeps type feedback per function, and one
 * function that sees both Float64Array and Float32Array features becomes polymorphic at every
 * element load of the inner loops (a factory closure does not help: closures of one function
 * literal share their feedback). Why float32 storage: real embeddings exported from PyTorch are
 * float32; keeping them as float32 halves the memory and the bytes each pass streams, and since
 * widening float32 -> float64 is exact, every product, sum and result is bit-identical to
 * widening the matrix first.
 *
 * Rules for this file: the `@perDtype` functions use nothing from outside their own body (no
 * imports, no module-level helpers), so that each generated copy stands alone; exact float64
 * with a fixed summation order (bit-identical results for any number of workers).
 */

/** Feature storage the kernel reads; each generated copy fixes one of the two. */
export type Features = Float64Array | Float32Array;

/**
 * Fused margins + partial direction for samples [start, end) of one block.
 * The partial (rows `localChosen/localRejected` of the block's own touched-row list, each of
 * length d, at `partialOffset` in `partial`) is zeroed first and then accumulated in sample order.
 *
 * Runs of consecutive samples with the same token pair (w, l) (the cluster data of THEORY §3
 * comes sorted by cluster) take a faster path: the row difference ΔW_w - ΔW_l is formed once per
 * run (the same float64 values the direct path subtracts, so margins are identical either way),
 * and the run's Σ c_i g_i is accumulated in one buffer and added to row w and subtracted from row
 * l when the run ends. Sample i-1's c·g (into the run buffer, or into its two partial rows on
 * the direct path) is added in the same loop that forms sample i's dot product (software
 * pipelining: one pass over the d entries instead of two, about 1.7–2× faster here); every
 * accumulator still receives the same terms in the same sample order, so the results are
 * bit-identical to depositing each sample right after its margin. Which path a sample
 * takes depends on the data only, never on the workers, so results stay deterministic. The dot
 * product uses four interleaved accumulators (a fixed order) to keep the floating-point pipeline
 * busy.
 *
 * `scratch` must hold 2·d doubles (row difference, run accumulator).
 * @perDtype
 */
export function evaluateBlock(
  features: Features, d: number, start: number, end: number, chosenRow: Int32Array, rejectedRow: Int32Array,
  localChosen: Int32Array, localRejected: Int32Array, touchedCount: number, deltaW: Float64Array, lossCode: number,
  beta: number, scale: number, slicMask: Uint8Array | null, margins: Float64Array, partial: Float64Array,
  partialOffset: number, scratch: Float64Array,
): void {
  partial.fill(0, partialOffset, partialOffset + touchedCount * d);
  const d4 = d - (d & 3);
  const diff = scratch.subarray(0, d);
  const acc = scratch.subarray(d, 2 * d);
  let runW = -1, runL = -1, runOpen = false;
  // The run sample whose c·g is still to be added to `acc` (-1: none), and its c.
  let pendingBase = -1, pendingC = 0;
  const depositPending = () => {
    for (let j = 0; j < d; j++) acc[j] += pendingC * features[pendingBase + j];
    pendingBase = -1;
  };
  // The direct-path sample whose c·g is still to be added to its partial rows (-1: none).
  let directBase = -1, directC = 0, directPw = 0, directPl = 0;
  const depositDirect = () => {
    for (let j = 0; j < d; j++) {
      const v = directC * features[directBase + j];
      partial[directPw + j] += v;
      partial[directPl + j] -= v;
    }
    directBase = -1;
  };
  const flush = () => {
    const pw = partialOffset + localChosen[runStart] * d;
    const pl = partialOffset + localRejected[runStart] * d;
    for (let j = 0; j < d; j++) {
      partial[pw + j] += acc[j];
      partial[pl + j] -= acc[j];
    }
    runOpen = false;
  };
  let runStart = start;
  for (let i = start; i < end; i++) {
    const base = i * d;
    const rw = chosenRow[i];
    const rl = rejectedRow[i];
    if (rw !== runW || rl !== runL) {
      if (pendingBase >= 0) depositPending();
      if (directBase >= 0 && i + 1 < end && chosenRow[i + 1] === rw && rejectedRow[i + 1] === rl) depositDirect();
      if (runOpen) flush();
      runW = -1;
      runL = -1;
      if (i + 1 < end && chosenRow[i + 1] === rw && rejectedRow[i + 1] === rl) {
        const cw = rw * d, cl = rl * d;
        for (let k = 0; k < d; k++) diff[k] = deltaW[cw + k] - deltaW[cl + k];
        acc.fill(0);
        runW = rw;
        runL = rl;
        runStart = i;
        runOpen = true;
      }
    }
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    let k = 0;
    if (runOpen && pendingBase >= 0) {
      // Previous sample's deposit fused into this sample's dot product (one pass, two rows).
      const pc = pendingC, pb = pendingBase;
      for (; k < d4; k += 4) {
        s0 += diff[k] * features[base + k];
        acc[k] += pc * features[pb + k];
        s1 += diff[k + 1] * features[base + k + 1];
        acc[k + 1] += pc * features[pb + k + 1];
        s2 += diff[k + 2] * features[base + k + 2];
        acc[k + 2] += pc * features[pb + k + 2];
        s3 += diff[k + 3] * features[base + k + 3];
        acc[k + 3] += pc * features[pb + k + 3];
      }
      for (; k < d; k++) {
        s0 += diff[k] * features[base + k];
        acc[k] += pc * features[pb + k];
      }
      pendingBase = -1;
    } else if (runOpen) {
      for (; k < d4; k += 4) {
        s0 += diff[k] * features[base + k];
        s1 += diff[k + 1] * features[base + k + 1];
        s2 += diff[k + 2] * features[base + k + 2];
        s3 += diff[k + 3] * features[base + k + 3];
      }
      for (; k < d; k++) s0 += diff[k] * features[base + k];
    } else if (directBase >= 0) {
      // Previous direct sample's deposit fused into this sample's dot product.
      const cw = rw * d, cl = rl * d;
      const pc = directC, pb = directBase, pw = directPw, pl = directPl;
      for (; k < d4; k += 4) {
        s0 += (deltaW[cw + k] - deltaW[cl + k]) * features[base + k];
        s1 += (deltaW[cw + k + 1] - deltaW[cl + k + 1]) * features[base + k + 1];
        s2 += (deltaW[cw + k + 2] - deltaW[cl + k + 2]) * features[base + k + 2];
        s3 += (deltaW[cw + k + 3] - deltaW[cl + k + 3]) * features[base + k + 3];
        const v0 = pc * features[pb + k], v1 = pc * features[pb + k + 1];
        const v2 = pc * features[pb + k + 2], v3 = pc * features[pb + k + 3];
        partial[pw + k] += v0; partial[pl + k] -= v0;
        partial[pw + k + 1] += v1; partial[pl + k + 1] -= v1;
        partial[pw + k + 2] += v2; partial[pl + k + 2] -= v2;
        partial[pw + k + 3] += v3; partial[pl + k + 3] -= v3;
      }
      for (; k < d; k++) {
        s0 += (deltaW[cw + k] - deltaW[cl + k]) * features[base + k];
        const v = pc * features[pb + k];
        partial[pw + k] += v;
        partial[pl + k] -= v;
      }
      directBase = -1;
    } else {
      const cw = rw * d, cl = rl * d;
      for (; k < d4; k += 4) {
        s0 += (deltaW[cw + k] - deltaW[cl + k]) * features[base + k];
        s1 += (deltaW[cw + k + 1] - deltaW[cl + k + 1]) * features[base + k + 1];
        s2 += (deltaW[cw + k + 2] - deltaW[cl + k + 2]) * features[base + k + 2];
        s3 += (deltaW[cw + k + 3] - deltaW[cl + k + 3]) * features[base + k + 3];
      }
      for (; k < d; k++) s0 += (deltaW[cw + k] - deltaW[cl + k]) * features[base + k];
    }
    const r = beta * ((s0 + s1) + (s2 + s3));
    margins[i] = r;
    let w: number;
    if (lossCode === 0) w = 1 / (1 + Math.exp(r));
    else if (lossCode === 1) w = 2 * (1 - r);
    else w = slicMask !== null ? slicMask[i] : (r < 1 ? 1 : 0);
    const c = scale * w;
    if (c === 0) continue;
    if (runOpen) {
      pendingBase = base;
      pendingC = c;
    } else {
      directBase = base;
      directC = c;
      directPw = partialOffset + localChosen[i] * d;
      directPl = partialOffset + localRejected[i] * d;
    }
  }
  if (directBase >= 0) depositDirect();
  if (pendingBase >= 0) depositPending();
  if (runOpen) flush();
}

/**
 * Margins only for samples [start, end): r_i = β a_iᵀ ΔW g_i (same summation order as above).
 * @perDtype
 */
export function marginsBlock(
  features: Features, d: number, start: number, end: number, chosenRow: Int32Array, rejectedRow: Int32Array,
  deltaW: Float64Array, beta: number, margins: Float64Array,
): void {
  const d4 = d - (d & 3);
  for (let i = start; i < end; i++) {
    const base = i * d;
    const cw = chosenRow[i] * d;
    const cl = rejectedRow[i] * d;
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    let k = 0;
    for (; k < d4; k += 4) {
      s0 += (deltaW[cw + k] - deltaW[cl + k]) * features[base + k];
      s1 += (deltaW[cw + k + 1] - deltaW[cl + k + 1]) * features[base + k + 1];
      s2 += (deltaW[cw + k + 2] - deltaW[cl + k + 2]) * features[base + k + 2];
      s3 += (deltaW[cw + k + 3] - deltaW[cl + k + 3]) * features[base + k + 3];
    }
    for (; k < d; k++) s0 += (deltaW[cw + k] - deltaW[cl + k]) * features[base + k];
    margins[i] = beta * ((s0 + s1) + (s2 + s3));
  }
}
