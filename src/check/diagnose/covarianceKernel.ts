/**
 * The kernel of the pooled within-cluster covariance product (covarianceProduct.ts), shared by the
 * calling thread and the workers (covarianceWorker.ts) so that both compute bit-identical block sums.
 */

/**
 * Rows [start, end) of Σ_i x_i ((x_i - μ_{c(i)})ᵀ v): writes Σ_i w_i x_i into out[outOffset ..
 * outOffset + d) and Σ_{i in cluster a} w_i into coef[coefOffset + a], with w_i = x_iᵀv - μ_{c(i)}ᵀv
 * (muDot[a] = μ_aᵀv). Four rows at a time: v and out are read once per four rows (V8 does not
 * vectorise; this saves memory traffic and loop overhead, about 2-3x the plain loop).
 */
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
): void {
  for (let k = 0; k < d; k++) out[outOffset + k] = 0;
  let i = start;
  for (; i + 3 < end; i += 4) {
    const r0 = i * d, r1 = r0 + d, r2 = r1 + d, r3 = r2 + d;
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (let k = 0; k < d; k++) {
      const vk = v[k];
      s0 += X[r0 + k] * vk;
      s1 += X[r1 + k] * vk;
      s2 += X[r2 + k] * vk;
      s3 += X[r3 + k] * vk;
    }
    const a0 = cl[i], a1 = cl[i + 1], a2 = cl[i + 2], a3 = cl[i + 3];
    const w0 = s0 - muDot[a0], w1 = s1 - muDot[a1], w2 = s2 - muDot[a2], w3 = s3 - muDot[a3];
    coef[coefOffset + a0] += w0;
    coef[coefOffset + a1] += w1;
    coef[coefOffset + a2] += w2;
    coef[coefOffset + a3] += w3;
    for (let k = 0; k < d; k++) out[outOffset + k] += w0 * X[r0 + k] + w1 * X[r1 + k] + w2 * X[r2 + k] + w3 * X[r3 + k];
  }
  for (; i < end; i++) {
    const row = i * d, a = cl[i];
    let s = 0;
    for (let k = 0; k < d; k++) s += X[row + k] * v[k];
    const w = s - muDot[a];
    coef[coefOffset + a] += w;
    for (let k = 0; k < d; k++) out[outOffset + k] += w * X[row + k];
  }
}
