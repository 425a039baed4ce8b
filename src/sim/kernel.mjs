// The float64 reference kernel: one fused pass over a block of samples that computes the margins
// r_i = β a_iᵀ ΔW g_i and, in the same pass, the block's partial descent direction
// Σ_i (β/N) w(r_i) a_i g_iᵀ (THEORY.md §1–§2).
//
// Why a hand-written plain-JavaScript file (not TypeScript, not a library): this is the hot loop
// of the simulator (O(N·d) per evaluation, memory-bound), it must be exact float64 with a fixed
// summation order (bit-identical results for any number of workers), and the very same code must
// run on the main thread and inside worker_threads. Worker threads cannot load TypeScript without
// a loader (vitest, tsx and plain node differ there), so the kernel is plain ESM that every
// runtime loads as is. Types are declared in kernel.d.mts.
//
// Feature storage: float64, or float32 when every feature value is exactly a float32 (data
// exported from PyTorch as float32, the common real-data case: the .npz reader widens it to
// float64). The kernel then reads 4 instead of 8 bytes per entry and still computes in float64:
// widening float32 -> float64 is exact, so every product, sum and result is bit-identical to the
// float64-storage path. Measured (scripts/bench.ts, paper scale): the float32 copy halves the
// feature memory the kernel holds, but is not faster here: these scalar loops are bound by
// instructions, not by memory bandwidth, and V8's Float32Array loads (load + widen) cost about what
// the halved traffic saves. The hot functions exist twice, *F64 and *F32, with
// identical bodies (a test compares their source texts). Why not one function for both: V8 keeps
// type feedback per function, and a function that sees both Float64Array and Float32Array
// `features` becomes polymorphic at every element load of the inner loops; a factory closure does
// not help, because closures from one function literal share their feedback. Two copies keep each
// monomorphic.

/** Loss codes shared with the workers (THEORY.md §2: weight w(r) = -f'(r)). */
export const LOSS_CODE = Object.freeze({ dpo: 0, ipo: 1, slic: 2 });

/** Loss weight w(r) = -f'(r): DPO σ(-r), IPO 2(1-r), SLiC [r < 1] (THEORY.md §2). */
export function lossWeight(code, r) {
  if (code === 0) return 1 / (1 + Math.exp(r));
  if (code === 1) return 2 * (1 - r);
  return r < 1 ? 1 : 0;
}

/**
 * Fused margins + partial direction for samples [start, end) of one block.
 * The partial (rows `localChosen/localRejected` of the block's own touched-row list, each of
 * length d, at `partialOffset` in `partial`) is zeroed first and then accumulated in sample order.
 *
 * Runs of consecutive samples with the same token pair (w, l) (the cluster data of THEORY.md §3
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
 */
export function evaluateBlockF64(
  features, d, start, end, chosenRow, rejectedRow, localChosen, localRejected, touchedCount,
  deltaW, lossCode, beta, scale, slicMask, margins, partial, partialOffset, scratch,
) {
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
    let w;
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

/** Margins only for samples [start, end): r_i = β a_iᵀ ΔW g_i (same summation order as above). */
export function marginsBlockF64(features, d, start, end, chosenRow, rejectedRow, deltaW, beta, margins) {
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

// ---- Float32Array-storage copies: keep identical to the two functions above (see header). ----

/**
 * evaluateBlockF64 for features stored as a Float32Array: the same source, line for line (a test
 * compares the two texts), so the same float64 operations in the same order.
 *
 * Fused margins + partial direction for samples [start, end) of one block.
 * The partial (rows `localChosen/localRejected` of the block's own touched-row list, each of
 * length d, at `partialOffset` in `partial`) is zeroed first and then accumulated in sample order.
 *
 * Runs of consecutive samples with the same token pair (w, l) (the cluster data of THEORY.md §3
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
 */
export function evaluateBlockF32(
  features, d, start, end, chosenRow, rejectedRow, localChosen, localRejected, touchedCount,
  deltaW, lossCode, beta, scale, slicMask, margins, partial, partialOffset, scratch,
) {
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
    let w;
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

/** marginsBlockF64 for Float32Array features (the same source, line for line). */
export function marginsBlockF32(features, d, start, end, chosenRow, rejectedRow, deltaW, beta, margins) {
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

/**
 * True when every entry is exactly representable in float32 (Math.fround(x) === x), i.e. when
 * float32 storage loses nothing. NaN never compares equal, so NaN data keeps float64 storage.
 */
export function isFloat32Exact(values) {
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    if (Math.fround(x) !== x) return false;
  }
  return true;
}

/**
 * Adds the block partials into `out` (rowCount × d, overwritten) in block order 0, 1, 2, …:
 * the one reduction order used whatever the number of workers.
 */
export function reduceBlocks(out, d, blockCount, blockRowStart, blockRows, partial) {
  out.fill(0);
  for (let b = 0; b < blockCount; b++) {
    const r0 = blockRowStart[b];
    const r1 = blockRowStart[b + 1];
    for (let j = r0; j < r1; j++) {
      const dst = blockRows[j] * d;
      const src = j * d;
      for (let k = 0; k < d; k++) out[dst + k] += partial[src + k];
    }
  }
}
