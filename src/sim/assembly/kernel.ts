/**
 * The reference backend's hot loops (docs/theory.md §1–§2), in AssemblyScript, compiled to
 * WebAssembly with 128-bit SIMD by `npm run gen:kernel` (scripts/gen-kernel.ts writes the module
 * into src/sim/kernel.generated.ts; a test checks it is up to date). This is the one source of
 * the loops: each is written once as a generic over the feature storage T (f64, or f32 as
 * PyTorch exports embeddings) and AssemblyScript emits one monomorphic copy per storage.
 *
 * Why WebAssembly: V8's JavaScript does one scalar float64 operation at a time; f64x2 does two,
 * and a float32 row is widened two entries per instruction (f64x2.promote_low_f32x4), so the
 * loops run close to the memory's streaming rate instead of 2–4× below it (`npm run bench`).
 *
 * Exactness: every product and sum is float64 (widening f32 is exact), without fused
 * multiply-add, and every sum has the fixed order of the scalar definition below: the dot
 * product keeps four accumulators, s_j over the entries k ≡ j (mod 4) in increasing k (the two
 * lanes of `a01` are s0 and s1, those of `a23` are s2 and s3), entries past the last multiple of
 * four go to s0, and r = β((s0 + s1) + (s2 + s3)); every other loop is entry-wise. Results are
 * therefore bit-identical to that scalar definition (test/sim/kernel.test.ts), to float64
 * storage of the same values, and for any number of workers (which only decide who computes a
 * block). The loss weight σ(-r) calls the host's Math.exp, so it is the same function the rest
 * of dpocheck uses.
 *
 * All arguments that point at arrays are byte offsets into the one imported memory, which holds
 * the features in place (src/data/sharedMemory.ts) and the backend's buffers.
 */

/** The host's Math.exp (imported, so σ is bit-identical to the JavaScript side's). */
@external("env", "exp")
declare function hostExp(x: f64): f64;

/** Entries e and e+1 of a T row, widened to float64. */
@inline function load2<T>(p: usize, e: usize): v128 {
  if (sizeof<T>() == 8) return v128.load(p + (e << 3));
  return f64x2.promote_low_f32x4(v128.load64_zero(p + (e << 2)));
}

/**
 * Entries e … e+3 of a T row as two f64x2 (`lo4`, `hi4`) from one `quad` load: a float32 row
 * is read four entries per load and split (cheaper than two half loads); a float64 row is read as
 * two vectors and `quad` is unused.
 */
@inline function quad<T>(p: usize, e: usize): v128 {
  if (sizeof<T>() == 8) return f64x2.splat(0);
  return v128.load(p + (e << 2));
}
@inline function lo4<T>(q: v128, p: usize, e: usize): v128 {
  if (sizeof<T>() == 8) return v128.load(p + (e << 3));
  return f64x2.promote_low_f32x4(q);
}
@inline function hi4<T>(q: v128, p: usize, e: usize): v128 {
  if (sizeof<T>() == 8) return v128.load(p + (e << 3), 16);
  return f64x2.promote_low_f32x4(v128.shuffle<f32>(q, q, 2, 3, 0, 1));
}

/** Entry e of a T row, widened to float64. */
@inline function load1<T>(p: usize, e: usize): f64 {
  if (sizeof<T>() == 8) return load<f64>(p + (e << 3));
  return <f64>load<f32>(p + (e << 2));
}

@inline function f64At(p: usize, e: usize): f64 {
  return load<f64>(p + (e << 3));
}

@inline function i32At(p: usize, i: i32): i32 {
  return load<i32>(p + (<usize>i << 2));
}

/** acc[j] += c·x[j], j < d (x a T row at element `base`). */
@inline function axpy<T>(acc: usize, c: f64, f: usize, base: usize, d: i32): void {
  const cc = f64x2.splat(c);
  const d2 = <usize>(d & ~1);
  let k: usize = 0;
  for (; k < d2; k += 2) {
    const a = acc + (k << 3);
    v128.store(a, f64x2.add(v128.load(a), f64x2.mul(cc, load2<T>(f, base + k))));
  }
  if (k < <usize>d) store<f64>(acc + (k << 3), f64At(acc, k) + c * load1<T>(f, base + k));
}

/** partial[pw + j] += c·x[j]; partial[pl + j] -= c·x[j], j < d (pw, pl byte offsets of two rows). */
@inline function deposit<T>(pw: usize, pl: usize, c: f64, f: usize, base: usize, d: i32): void {
  const cc = f64x2.splat(c);
  const d2 = <usize>(d & ~1);
  let k: usize = 0;
  for (; k < d2; k += 2) {
    const v = f64x2.mul(cc, load2<T>(f, base + k));
    const w = pw + (k << 3);
    v128.store(w, f64x2.add(v128.load(w), v));
    const l = pl + (k << 3);
    v128.store(l, f64x2.sub(v128.load(l), v));
  }
  if (k < <usize>d) {
    const v = c * load1<T>(f, base + k);
    store<f64>(pw + (k << 3), f64At(pw, k) + v);
    store<f64>(pl + (k << 3), f64At(pl, k) - v);
  }
}

/** partial[pw + j] += acc[j]; partial[pl + j] -= acc[j], j < d: a run's Σ c_i g_i into its two rows. */
@inline function flushRun(pw: usize, pl: usize, acc: usize, d: i32): void {
  const d2 = <usize>(d & ~1);
  let k: usize = 0;
  for (; k < d2; k += 2) {
    const o = k << 3;
    const a = v128.load(acc + o);
    v128.store(pw + o, f64x2.add(v128.load(pw + o), a));
    v128.store(pl + o, f64x2.sub(v128.load(pl + o), a));
  }
  if (k < <usize>d) {
    const a = f64At(acc, k);
    store<f64>(pw + (k << 3), f64At(pw, k) + a);
    store<f64>(pl + (k << 3), f64At(pl, k) - a);
  }
}

/** β·Σ_k (ΔW_w[k] − ΔW_l[k])·x[k] in the fixed order above (cw, cl byte offsets of the two ΔW rows). */
@inline function directDot<T>(cw: usize, cl: usize, f: usize, base: usize, d: i32, beta: f64): f64 {
  const d4 = <usize>(d & ~3);
  let a01 = f64x2.splat(0), a23 = f64x2.splat(0);
  let k: usize = 0;
  for (; k < d4; k += 4) {
    const o = k << 3;
    const q = quad<T>(f, base + k);
    a01 = f64x2.add(a01, f64x2.mul(f64x2.sub(v128.load(cw + o), v128.load(cl + o)), lo4<T>(q, f, base + k)));
    a23 = f64x2.add(a23, f64x2.mul(f64x2.sub(v128.load(cw + o, 16), v128.load(cl + o, 16)), hi4<T>(q, f, base + k)));
  }
  let s0 = f64x2.extract_lane(a01, 0);
  for (; k < <usize>d; k++) s0 += (f64At(cw, k) - f64At(cl, k)) * load1<T>(f, base + k);
  return beta * ((s0 + f64x2.extract_lane(a01, 1)) + (f64x2.extract_lane(a23, 0) + f64x2.extract_lane(a23, 1)));
}

/** Loss weight w(r) = −f'(r): DPO σ(−r), IPO 2(1 − r), SLiC [r < 1] or the given mask (docs/theory.md §2). */
@inline function weight(lossCode: i32, r: f64, useMask: bool, mask: usize, i: i32): f64 {
  if (lossCode == 0) return 1 / (1 + hostExp(r));
  if (lossCode == 1) return 2 * (1 - r);
  if (useMask) return <f64>load<u8>(mask + <usize>i);
  return r < 1 ? 1 : 0;
}

/**
 * Fused margins + partial direction for samples [start, end) of one block: margins[i] = r_i =
 * β a_iᵀ ΔW g_i, and the block's partial Σ_i (β/N) w(r_i) a_i g_iᵀ over the rows it touches
 * (rows localChosen/localRejected of the block's own touched-row list, each d doubles, at
 * `partial`), zeroed first and accumulated in sample order.
 *
 * Runs of consecutive samples with the same token pair (w, l) (the cluster data of
 * docs/theory.md §3 comes sorted by cluster) take a faster path: the row difference
 * ΔW_w − ΔW_l is formed once per run (the same values the direct path subtracts entry by entry,
 * so margins are identical either way), and the run's Σ c_i g_i is accumulated in one buffer and
 * added to row w and subtracted from row l when the run ends. Sample i−1's c·g is added in the
 * loop that forms sample i's dot product (one pass over the d entries instead of two); every
 * accumulator still receives the same terms in the same sample order, so the results equal
 * depositing each sample right after its margin. Which path a sample takes depends on the data
 * only, never on the workers.
 *
 * `scratch` holds 2·d doubles (row difference, run accumulator).
 */
@inline function evaluateBlock<T>(
  f: usize, d: i32, start: i32, end: i32, chosenRow: usize, rejectedRow: usize,
  localChosen: usize, localRejected: usize, touchedCount: i32, deltaW: usize, lossCode: i32,
  beta: f64, scale: f64, useMask: bool, mask: usize, margins: usize, partial: usize, scratch: usize,
): void {
  const rowBytes = <usize>d << 3;
  memory.fill(partial, 0, <usize>touchedCount * rowBytes);
  const d4 = <usize>(d & ~3);
  const diff = scratch;
  const acc = scratch + rowBytes;
  let runW = -1, runL = -1;
  let runOpen = false;
  let runStart = start;
  // The run sample whose c·g is still to be added to `acc` (pendingBase < 0: none).
  let pendingBase: isize = -1;
  let pendingC: f64 = 0;
  // The direct-path sample whose c·g is still to be added to its partial rows.
  let directBase: isize = -1;
  let directC: f64 = 0;
  let directPw: usize = 0, directPl: usize = 0;
  for (let i = start; i < end; i++) {
    const base = <usize>i * <usize>d;
    const rw = i32At(chosenRow, i);
    const rl = i32At(rejectedRow, i);
    const nextSame = i + 1 < end && i32At(chosenRow, i + 1) == rw && i32At(rejectedRow, i + 1) == rl;
    if (rw != runW || rl != runL) {
      if (pendingBase >= 0) {
        axpy<T>(acc, pendingC, f, <usize>pendingBase, d);
        pendingBase = -1;
      }
      if (directBase >= 0 && nextSame) {
        deposit<T>(directPw, directPl, directC, f, <usize>directBase, d);
        directBase = -1;
      }
      if (runOpen) {
        flushRun(partial + <usize>i32At(localChosen, runStart) * rowBytes, partial + <usize>i32At(localRejected, runStart) * rowBytes, acc, d);
        runOpen = false;
      }
      runW = -1;
      runL = -1;
      if (nextSame) {
        const cw = deltaW + <usize>rw * rowBytes, cl = deltaW + <usize>rl * rowBytes;
        const d2 = <usize>(d & ~1);
        let k: usize = 0;
        for (; k < d2; k += 2) v128.store(diff + (k << 3), f64x2.sub(v128.load(cw + (k << 3)), v128.load(cl + (k << 3))));
        if (k < <usize>d) store<f64>(diff + (k << 3), f64At(cw, k) - f64At(cl, k));
        memory.fill(acc, 0, rowBytes);
        runW = rw;
        runL = rl;
        runStart = i;
        runOpen = true;
      }
    }
    let r: f64;
    if (runOpen) {
      let a01 = f64x2.splat(0), a23 = f64x2.splat(0);
      let k: usize = 0;
      if (pendingBase >= 0) {
        // Previous sample's deposit fused into this sample's dot product (one pass, two rows).
        const pc = f64x2.splat(pendingC);
        const pb = <usize>pendingBase;
        for (; k < d4; k += 4) {
          const o = k << 3;
          const q = quad<T>(f, base + k), qp = quad<T>(f, pb + k);
          a01 = f64x2.add(a01, f64x2.mul(v128.load(diff + o), lo4<T>(q, f, base + k)));
          a23 = f64x2.add(a23, f64x2.mul(v128.load(diff + o, 16), hi4<T>(q, f, base + k)));
          v128.store(acc + o, f64x2.add(v128.load(acc + o), f64x2.mul(pc, lo4<T>(qp, f, pb + k))));
          v128.store(acc + o, f64x2.add(v128.load(acc + o, 16), f64x2.mul(pc, hi4<T>(qp, f, pb + k))), 16);
        }
        for (let j = k; j < <usize>d; j++) store<f64>(acc + (j << 3), f64At(acc, j) + pendingC * load1<T>(f, pb + j));
        pendingBase = -1;
      } else {
        for (; k < d4; k += 4) {
          const o = k << 3;
          const q = quad<T>(f, base + k);
          a01 = f64x2.add(a01, f64x2.mul(v128.load(diff + o), lo4<T>(q, f, base + k)));
          a23 = f64x2.add(a23, f64x2.mul(v128.load(diff + o, 16), hi4<T>(q, f, base + k)));
        }
      }
      let s0 = f64x2.extract_lane(a01, 0);
      for (; k < <usize>d; k++) s0 += f64At(diff, k) * load1<T>(f, base + k);
      r = beta * ((s0 + f64x2.extract_lane(a01, 1)) + (f64x2.extract_lane(a23, 0) + f64x2.extract_lane(a23, 1)));
    } else {
      const cw = deltaW + <usize>rw * rowBytes, cl = deltaW + <usize>rl * rowBytes;
      r = directDot<T>(cw, cl, f, base, d, beta);
      if (directBase >= 0) {
        deposit<T>(directPw, directPl, directC, f, <usize>directBase, d);
        directBase = -1;
      }
    }
    store<f64>(margins + (<usize>i << 3), r);
    const c = scale * weight(lossCode, r, useMask, mask, i);
    if (c == 0) continue;
    if (runOpen) {
      pendingBase = <isize>base;
      pendingC = c;
    } else {
      directBase = <isize>base;
      directC = c;
      directPw = partial + <usize>i32At(localChosen, i) * rowBytes;
      directPl = partial + <usize>i32At(localRejected, i) * rowBytes;
    }
  }
  if (directBase >= 0) deposit<T>(directPw, directPl, directC, f, <usize>directBase, d);
  if (pendingBase >= 0) axpy<T>(acc, pendingC, f, <usize>pendingBase, d);
  if (runOpen) {
    flushRun(partial + <usize>i32At(localChosen, runStart) * rowBytes, partial + <usize>i32At(localRejected, runStart) * rowBytes, acc, d);
  }
}

/** Margins only for samples [start, end): r_i = β a_iᵀ ΔW g_i (same summation order as above). */
@inline function marginsBlock<T>(
  f: usize, d: i32, start: i32, end: i32, chosenRow: usize, rejectedRow: usize, deltaW: usize, beta: f64, margins: usize,
): void {
  const rowBytes = <usize>d << 3;
  for (let i = start; i < end; i++) {
    const cw = deltaW + <usize>i32At(chosenRow, i) * rowBytes;
    const cl = deltaW + <usize>i32At(rejectedRow, i) * rowBytes;
    store<f64>(margins + (<usize>i << 3), directDot<T>(cw, cl, f, <usize>i * <usize>d, d, beta));
  }
}

/**
 * Rows [u0, u1) of the direction: out_u = Σ_e partial_{rowEntries[e]} over the entries
 * e = rowStart[u] … rowStart[u+1] − 1 in that order, starting from 0. The entries of row u are
 * its partial rows in block order (referenceBackend.ts), so every worker count adds the same
 * terms in the same order; workers take disjoint row ranges.
 */
@inline function reduceRowsImpl(partial: usize, d: i32, rowStart: usize, rowEntries: usize, u0: i32, u1: i32, out: usize): void {
  const rowBytes = <usize>d << 3;
  const d2 = <usize>(d & ~1);
  for (let u = u0; u < u1; u++) {
    const o = out + <usize>u * rowBytes;
    memory.fill(o, 0, rowBytes);
    const e1 = i32At(rowStart, u + 1);
    for (let e = i32At(rowStart, u); e < e1; e++) {
      const p = partial + <usize>i32At(rowEntries, e) * rowBytes;
      let k: usize = 0;
      for (; k < d2; k += 2) {
        const b = k << 3;
        v128.store(o + b, f64x2.add(v128.load(o + b), v128.load(p + b)));
      }
      if (k < <usize>d) store<f64>(o + (k << 3), f64At(o, k) + f64At(p, k));
    }
  }
}

/**
 * Scores z_i,u = Σ_k ΔW_u[k]·x_i[k] of samples [start, end) against all m rows (the logits of the
 * policy's softmax over the tokens that occur, for the TRL rewards of src/sim/metrics.ts), written
 * to out[(i − start)·m + u]. Each sum runs over k in increasing order in one accumulator, the
 * order of the plain scalar loop; the SIMD lanes hold two rows (`wt` is ΔW transposed,
 * wt[k·m + u], so rows u and u + 1 sit side by side) and each x_i[k] is loaded once for eight rows.
 */
@inline function rowScores<T>(f: usize, d: i32, start: i32, end: i32, wt: usize, m: i32, out: usize): void {
  const m8 = m & ~7, m2 = m & ~1;
  const stride = <usize>m << 3;
  for (let i = start; i < end; i++) {
    const base = <usize>i * <usize>d;
    const o = out + <usize>(i - start) * stride;
    let u = 0;
    for (; u < m8; u += 8) {
      let a0 = f64x2.splat(0), a1 = f64x2.splat(0), a2 = f64x2.splat(0), a3 = f64x2.splat(0);
      let p = wt + (<usize>u << 3);
      for (let k = 0; k < d; k++) {
        const x = f64x2.splat(load1<T>(f, base + <usize>k));
        a0 = f64x2.add(a0, f64x2.mul(v128.load(p), x));
        a1 = f64x2.add(a1, f64x2.mul(v128.load(p, 16), x));
        a2 = f64x2.add(a2, f64x2.mul(v128.load(p, 32), x));
        a3 = f64x2.add(a3, f64x2.mul(v128.load(p, 48), x));
        p += stride;
      }
      const q = o + (<usize>u << 3);
      v128.store(q, a0);
      v128.store(q, a1, 16);
      v128.store(q, a2, 32);
      v128.store(q, a3, 48);
    }
    for (; u < m2; u += 2) {
      let a0 = f64x2.splat(0);
      let p = wt + (<usize>u << 3);
      for (let k = 0; k < d; k++) {
        a0 = f64x2.add(a0, f64x2.mul(v128.load(p), f64x2.splat(load1<T>(f, base + <usize>k))));
        p += stride;
      }
      v128.store(o + (<usize>u << 3), a0);
    }
    if (u < m) {
      let s: f64 = 0;
      let p = wt + (<usize>u << 3);
      for (let k = 0; k < d; k++) {
        s += load<f64>(p) * load1<T>(f, base + <usize>k);
        p += stride;
      }
      store<f64>(o + (<usize>u << 3), s);
    }
  }
}

/** Σ x over n entries of a T array, two f64x2 accumulators: the machine's streaming rate in this language, for `npm run bench`. */
@inline function streamSum<T>(f: usize, n: i32): f64 {
  const n4 = <usize>(n & ~3);
  let a = f64x2.splat(0), b = f64x2.splat(0);
  for (let k: usize = 0; k < n4; k += 4) {
    const q = quad<T>(f, k);
    a = f64x2.add(a, lo4<T>(q, f, k));
    b = f64x2.add(b, hi4<T>(q, f, k));
  }
  let s = (f64x2.extract_lane(a, 0) + f64x2.extract_lane(a, 1)) + (f64x2.extract_lane(b, 0) + f64x2.extract_lane(b, 1));
  for (let k = n4; k < <usize>n; k++) s += load1<T>(f, k);
  return s;
}

// The exports: one monomorphic copy per storage (the loops are inlined into each).

export function evaluateBlockF64(f: usize, d: i32, start: i32, end: i32, chosenRow: usize, rejectedRow: usize, localChosen: usize, localRejected: usize, touchedCount: i32, deltaW: usize, lossCode: i32, beta: f64, scale: f64, useMask: bool, mask: usize, margins: usize, partial: usize, scratch: usize): void {
  evaluateBlock<f64>(f, d, start, end, chosenRow, rejectedRow, localChosen, localRejected, touchedCount, deltaW, lossCode, beta, scale, useMask, mask, margins, partial, scratch);
}
export function evaluateBlockF32(f: usize, d: i32, start: i32, end: i32, chosenRow: usize, rejectedRow: usize, localChosen: usize, localRejected: usize, touchedCount: i32, deltaW: usize, lossCode: i32, beta: f64, scale: f64, useMask: bool, mask: usize, margins: usize, partial: usize, scratch: usize): void {
  evaluateBlock<f32>(f, d, start, end, chosenRow, rejectedRow, localChosen, localRejected, touchedCount, deltaW, lossCode, beta, scale, useMask, mask, margins, partial, scratch);
}
export function marginsBlockF64(f: usize, d: i32, start: i32, end: i32, chosenRow: usize, rejectedRow: usize, deltaW: usize, beta: f64, margins: usize): void {
  marginsBlock<f64>(f, d, start, end, chosenRow, rejectedRow, deltaW, beta, margins);
}
export function marginsBlockF32(f: usize, d: i32, start: i32, end: i32, chosenRow: usize, rejectedRow: usize, deltaW: usize, beta: f64, margins: usize): void {
  marginsBlock<f32>(f, d, start, end, chosenRow, rejectedRow, deltaW, beta, margins);
}
export function reduceRows(partial: usize, d: i32, rowStart: usize, rowEntries: usize, u0: i32, u1: i32, out: usize): void {
  reduceRowsImpl(partial, d, rowStart, rowEntries, u0, u1, out);
}
export function rowScoresF64(f: usize, d: i32, start: i32, end: i32, wt: usize, m: i32, out: usize): void {
  rowScores<f64>(f, d, start, end, wt, m, out);
}
export function rowScoresF32(f: usize, d: i32, start: i32, end: i32, wt: usize, m: i32, out: usize): void {
  rowScores<f32>(f, d, start, end, wt, m, out);
}
export function streamSumF64(f: usize, n: i32): f64 {
  return streamSum<f64>(f, n);
}
export function streamSumF32(f: usize, n: i32): f64 {
  return streamSum<f32>(f, n);
}
