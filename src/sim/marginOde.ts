/**
 * The margin-space dynamics of Lemma 4.1 (THEORY §2): for every training sample j,
 *   τ dr_j/dt = (β²/N) Σ_i w(r_i) C_ij,   C_ij = (a_jᵀ a_i)(g_iᵀ g_j),
 * integrated directly in r-space with the same DOPRI5 integrator. It shares no code path with the
 * W-space flow (no ΔW, no backend), which makes it an independent second integration to
 * cross-check `simulate`. Costs O(N²) memory and time per evaluation: for small N only.
 *
 * New samples follow from the integrated weights I_i(t) = ∫_0^t w(r_i(s)) ds (THEORY §2):
 *   ΔW(t) = (β/(Nτ)) Σ_i I_i(t) a_i g_iᵀ,   r̃(t) = β ãᵀ ΔW(t) g̃ = (β²/(Nτ)) Σ_i I_i(t) C̃_i,
 * with C̃_i = (ãᵀ a_i)(g_iᵀ g̃); the I_i are integrated alongside the margins.
 */
import type { LossName } from '../data/config.ts';
import type { PreferenceSet } from '../data/dataset.ts';
import { InvalidInputError, requireInt, requirePositive } from '../theory/errors.ts';
import type { LossSpec, SimBackend } from './backend.ts';
import { integrateOde } from './dopri5.ts';
import { lossWeight } from './metrics.ts';
import { DEFAULT_ATOL, DEFAULT_RTOL } from './simulate.ts';

/**
 * Largest N accepted by `integrateMarginOde`. Ours: the N×N kernel of 4000 samples is 128 MB of
 * float64, the most a cross-check should allocate.
 */
export const MAX_MARGIN_ODE_N = 4000;

/** Token factor a_jᵀ a_i = [w_j=w_i] - [w_j=l_i] - [l_j=w_i] + [l_j=l_i] ∈ {-2,…,2} (THEORY §2). */
export function tokenFactor(wj: number, lj: number, wi: number, li: number): number {
  return +(wj === wi) - +(wj === li) - +(lj === wi) + +(lj === li);
}

/**
 * The kernel C between the rows of `targets` and the training samples of `train`:
 * out[j·N + i] = (a_jᵀ a_i)(g_iᵀ g_j) (THEORY §2, Lemma 4.1). `targets` defaults to `train`.
 */
export function marginKernel(train: PreferenceSet, targets: PreferenceSet = train): Float64Array {
  const { n, d } = train;
  if (targets.d !== d) throw new InvalidInputError('d', `targets have d = ${targets.d}, training set d = ${d}`);
  const m = targets.n;
  const out = new Float64Array(m * n);
  for (let j = 0; j < m; j++) {
    const wj = targets.chosen[j]!, lj = targets.rejected[j]!;
    for (let i = 0; i < n; i++) {
      const f = tokenFactor(wj, lj, train.chosen[i]!, train.rejected[i]!);
      if (f === 0) continue;
      let s = 0;
      for (let k = 0; k < d; k++) s += train.features[i * d + k]! * targets.features[j * d + k]!;
      out[j * n + i] = f * s;
    }
  }
  return out;
}

/**
 * The right-hand side of Lemma 4.1: dr_j/dt = (β²/(Nτ)) Σ_i w(r_i) C_ij for all j, from the
 * margins and a kernel from `marginKernel`.
 */
export function marginVelocityFromKernel(
  kernel: Float64Array,
  margins: Float64Array,
  opts: { beta: number; tau: number; loss: LossName },
  out = new Float64Array(kernel.length / margins.length),
): Float64Array {
  const n = margins.length;
  const m = kernel.length / n;
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) w[i] = lossWeight(opts.loss, margins[i]!);
  const c = (opts.beta * opts.beta) / (n * opts.tau);
  for (let j = 0; j < m; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += w[i]! * kernel[j * n + i]!;
    out[j] = c * s;
  }
  return out;
}

/**
 * dr/dt of the W-space flow at ΔW, computed without finite differences: one backend evaluation
 * gives the flow's direction G/τ, and the margin map r = β aᵀ (·) g applied to it is dr/dt
 * (margins are linear in ΔW, THEORY §1). Also returns the margins at ΔW.
 */
export function flowMarginVelocity(
  backend: SimBackend,
  deltaW: Float64Array,
  spec: LossSpec,
  tau: number,
): { margins: Float64Array; velocity: Float64Array } {
  const margins = new Float64Array(backend.n);
  const direction = new Float64Array(backend.rowCount * backend.d);
  backend.evaluate(deltaW, spec, margins, direction);
  for (let i = 0; i < direction.length; i++) direction[i]! /= tau;
  const velocity = new Float64Array(backend.n);
  backend.margins(direction, spec.beta, velocity);
  return { margins, velocity };
}

/** Options of the r-space integration. */
export interface MarginOdeOptions {
  readonly beta: number;
  readonly tau?: number;
  /** 'dpo' (default) or 'ipo'; SLiC's discontinuous weight is only handled by `simulate`. */
  readonly loss?: LossName;
  readonly tEnd: number;
  readonly checkpoints?: readonly number[];
  readonly rtol?: number;
  readonly atol?: number;
  /** Samples whose margins r̃(t) are also returned (e.g. a test set). */
  readonly test?: PreferenceSet;
}

/** Margins at each stop, with the integrator's statistics. */
export interface MarginOdeResult {
  readonly times: readonly number[];
  readonly margins: readonly Float64Array[];
  readonly testMargins?: readonly Float64Array[];
  /** Σ over accepted steps of the ∞-norm of the local error estimate of the margins (margin units). */
  readonly errorEstimate: number;
  readonly rhsEvaluations: number;
  readonly accepted: number;
  readonly rejected: number;
}

/**
 * Integrates Lemma 4.1's margin ODE in r-space (state: r and I, 2N numbers) with DOPRI5.
 * @example
 * const res = integrateMarginOde(train, { beta: 1, tau: 1, tEnd: 5, test });
 */
export function integrateMarginOde(train: PreferenceSet, opts: MarginOdeOptions): MarginOdeResult {
  const n = requireInt('n', train.n);
  if (n > MAX_MARGIN_ODE_N) throw new InvalidInputError('n', `r-space integration needs N <= ${MAX_MARGIN_ODE_N} (N×N kernel), got ${n}`);
  const beta = requirePositive('beta', opts.beta);
  const tau = requirePositive('tau', opts.tau ?? 1);
  const loss = opts.loss ?? 'dpo';
  if (loss === 'slic') throw new InvalidInputError('loss', 'the r-space integration handles dpo and ipo only (SLiC: use simulate)');
  const kernel = marginKernel(train);
  const c = (beta * beta) / (n * tau);
  const rhs = (_t: number, y: Float64Array, out: Float64Array): void => {
    for (let i = 0; i < n; i++) out[n + i] = lossWeight(loss, y[i]!);
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += out[n + i]! * kernel[j * n + i]!;
      out[j] = c * s;
    }
  };
  const errorNorm = (e: Float64Array): number => {
    let m = 0;
    for (let i = 0; i < n; i++) m = Math.max(m, Math.abs(e[i]!));
    return m;
  };
  const sol = integrateOde(rhs, 0, new Float64Array(2 * n), opts.tEnd, {
    rtol: opts.rtol ?? DEFAULT_RTOL,
    atol: opts.atol ?? DEFAULT_ATOL,
    errorNorm,
    ...(opts.checkpoints ? { stops: opts.checkpoints } : {}),
  });
  let testMargins: Float64Array[] | undefined;
  if (opts.test !== undefined) {
    const kt = marginKernel(train, opts.test);
    testMargins = sol.values.map((y) => {
      const out = new Float64Array(opts.test!.n);
      for (let j = 0; j < out.length; j++) {
        let s = 0;
        for (let i = 0; i < n; i++) s += y[n + i]! * kt[j * n + i]!;
        out[j] = c * s;
      }
      return out;
    });
  }
  return {
    times: sol.times,
    margins: sol.values.map((y) => y.slice(0, n)),
    ...(testMargins ? { testMargins } : {}),
    errorEstimate: sol.stats.errorSum,
    rhsEvaluations: sol.stats.rhsEvaluations,
    accepted: sol.stats.accepted,
    rejected: sol.stats.rejected,
  };
}
