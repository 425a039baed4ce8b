/**
 * The largest eigenvalues of a symmetric positive semi-definite operator given only as a
 * matrix-vector product (Lanczos with full reorthogonalisation), so that the spectrum of a d×d
 * covariance is read without forming it: each step costs one product (for a sample covariance,
 * two passes over the N×d data) and the memory is `steps` vectors of length d.
 */
import { runSteps, type Steps } from '../interrupt.ts';

/** Result of {@link lanczosTop}. */
export interface LanczosResult {
  /** Ritz values, largest first (at most `steps`). */
  readonly values: Float64Array;
  /** Unit Ritz vector of the largest Ritz value (length `dim`). */
  readonly topVector: Float64Array;
  /** Lanczos steps taken (fewer than asked when the Krylov space is exhausted). */
  readonly steps: number;
  /** Residual bound |β_m s_m| of the top Ritz pair: how far it may be from an exact eigenpair. */
  readonly topResidual: number;
}

/** Eigen-decomposition of a small dense symmetric matrix by cyclic Jacobi rotations (m ≤ ~100). */
export function symmetricEigen(a: Float64Array, m: number): { values: Float64Array; vectors: Float64Array } {
  const A = Float64Array.from(a);
  const V = new Float64Array(m * m);
  for (let i = 0; i < m; i++) V[i * m + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < m; p++) for (let q = p + 1; q < m; q++) off += A[p * m + q] ** 2;
    if (off < 1e-30 * (1 + diagNorm(A, m))) break;
    for (let p = 0; p < m; p++) {
      for (let q = p + 1; q < m; q++) {
        const apq = A[p * m + q];
        if (apq === 0) continue;
        const theta = (A[q * m + q] - A[p * m + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < m; k++) {
          const akp = A[k * m + p], akq = A[k * m + q];
          A[k * m + p] = c * akp - s * akq;
          A[k * m + q] = s * akp + c * akq;
        }
        for (let k = 0; k < m; k++) {
          const apk = A[p * m + k], aqk = A[q * m + k];
          A[p * m + k] = c * apk - s * aqk;
          A[q * m + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < m; k++) {
          const vkp = V[k * m + p], vkq = V[k * m + q];
          V[k * m + p] = c * vkp - s * vkq;
          V[k * m + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const values = new Float64Array(m);
  for (let i = 0; i < m; i++) values[i] = A[i * m + i];
  return { values, vectors: V };
}

function diagNorm(A: Float64Array, m: number): number {
  let s = 0;
  for (let i = 0; i < m; i++) s += A[i * m + i] ** 2;
  return s;
}

/**
 * Top eigenvalues of the operator `apply` (out = A x) on R^dim by `steps` Lanczos steps from
 * `start` (not necessarily normalised). Deterministic: the result depends only on the operator and
 * the start vector, so a start vector that rotates with the data makes the Ritz values invariant
 * under rotations of the data (up to rounding).
 * @example lanczosTop((x, out) => out.set(x.map((v, i) => v * (i + 1))), 3, start, 3).values[0] // 3
 */
export function lanczosTop(apply: (x: Float64Array, out: Float64Array) => void, dim: number, start: Float64Array, steps: number): LanczosResult {
  return runSteps(lanczosSteps(apply, dim, start, steps));
}

/** {@link lanczosTop} as steps (interrupt.ts `Steps`): it yields after each product with the operator. */
export function* lanczosSteps(apply: (x: Float64Array, out: Float64Array) => void, dim: number, start: Float64Array, steps: number): Steps<LanczosResult> {
  const m = Math.max(1, Math.min(steps, dim));
  const basis: Float64Array[] = [];
  const alpha: number[] = [];
  const beta: number[] = [];
  let q = Float64Array.from(start);
  let norm = Math.sqrt(dot(q, q));
  if (!(norm > 0)) {
    q = new Float64Array(dim);
    q[0] = 1;
    norm = 1;
  }
  for (let i = 0; i < dim; i++) q[i] /= norm;
  const w = new Float64Array(dim);
  let lastBeta = 0;
  for (let j = 0; j < m; j++) {
    basis.push(q);
    apply(q, w);
    yield;
    const a = dot(w, q);
    alpha.push(a);
    // Full reorthogonalisation (twice is enough): keeps the Ritz values free of ghost copies.
    for (let pass = 0; pass < 2; pass++) {
      for (const b of basis) {
        const c = dot(w, b);
        for (let i = 0; i < dim; i++) w[i] -= c * b[i];
      }
    }
    const bj = Math.sqrt(dot(w, w));
    lastBeta = bj;
    if (j === m - 1) break;
    // An invariant subspace was found: the Ritz values are exact eigenvalues.
    if (!(bj > 1e-12 * Math.abs(alpha[0] || 1))) break;
    beta.push(bj);
    q = new Float64Array(dim);
    for (let i = 0; i < dim; i++) q[i] = w[i] / bj;
  }
  const k = alpha.length;
  const T = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    T[i * k + i] = alpha[i];
    if (i + 1 < k) T[i * k + i + 1] = T[(i + 1) * k + i] = beta[i];
  }
  const { values, vectors } = symmetricEigen(T, k);
  const order = [...values.keys()].sort((x, y) => values[y] - values[x]);
  const top = order[0];
  const topVector = new Float64Array(dim);
  for (let j = 0; j < k; j++) {
    const c = vectors[j * k + top];
    const b = basis[j];
    for (let i = 0; i < dim; i++) topVector[i] += c * b[i];
  }
  const tn = Math.sqrt(dot(topVector, topVector));
  for (let i = 0; i < dim; i++) topVector[i] /= tn;
  return {
    values: Float64Array.from(order, (i) => values[i]),
    topVector,
    steps: k,
    topResidual: Math.abs(lastBeta * vectors[(k - 1) * k + top]),
  };
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}
