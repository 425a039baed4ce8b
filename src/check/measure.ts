/**
 * Measurements the theorem claims share: sample a configuration, integrate the flow to
 * τ_1 with the margins recorded on a grid and at every solver step, and compare them with a
 * linear band r_L(t) = L·t <= r_i(t) <= U·t = r_U(t) with a tolerance that comes from the
 * integrator's own error estimate, so that a verdict can tell a violation from rounding.
 *
 * Data flow (STYLE.md): configuration → dataset → trajectory → measurement. Nothing here knows
 * about verdicts; the claims in properties/ turn measurements into trials.
 */
import type { ClusterConfig, LossName } from '../data/config.ts';
import type { Dataset, PreferenceSet } from '../data/dataset.ts';
import { sampleDataset } from '../data/sampler.ts';
import { simulate, marginsOf, type SimulationResult } from '../sim/index.ts';
import { tokenFactor } from '../sim/marginOde.ts';
import type { RowSummary } from '../theory/certificate.ts';

/**
 * Multiple of the integrator's error estimate below which a bound is "violated within
 * tolerance" rather than violated. Ours: DOPRI5's accumulated local-error estimate is an
 * estimate, not a rigorous bound; a factor of 10 covers the usual under-estimate of embedded
 * pairs on non-stiff problems (Hairer–Nørsett–Wanner I, §II.4) with room to spare.
 */
export const ERROR_SAFETY_FACTOR = 10;

/**
 * Relative rounding allowance of a margin. Ours: a margin is a d-term dot product of quantities
 * accumulated over ~N terms; 1e-12 relative is ~4500 ulps, above the rounding of any size the
 * generators draw (N·d <= 2e7) and far below any violation that matters (the theorems' slopes
 * differ by factors of 40).
 */
export const ROUNDING_RELATIVE = 1e-12;

/** Flow integrator tolerance used by the claims. Ours: 1e-9 keeps errorEstimate ~1e-9 of ln 3. */
export const CLAIM_RTOL = 1e-9;

/** Number of interior grid times in (0, τ_1] on which margins are checked (plus the solver's own steps). */
export const GRID_POINTS = 16;

/** A flow trajectory: every training margin at each recorded time (ascending, t > 0). */
export interface Trajectory {
  readonly dataset: Dataset;
  readonly times: Float64Array;
  readonly margins: readonly Float64Array[];
  /** The simulation at tEnd (final ΔW, test summary, error estimate, cost). */
  readonly result: SimulationResult;
}

export interface TrajectoryOptions {
  readonly tEnd: number;
  readonly loss?: LossName;
  /** Fresh test samples drawn with the training set (0 = none). */
  readonly testSize?: number;
  readonly gridPoints?: number;
  /** Also record margins after every accepted solver step (default true). */
  readonly solverSteps?: boolean;
}

/**
 * Samples `config` and integrates the gradient flow to `tEnd`, recording margins on a uniform
 * grid and at every accepted solver step.
 * @example const traj = await flowTrajectory(config, { tEnd: tau1, testSize: 1000 });
 */
export async function flowTrajectory(config: ClusterConfig, options: TrajectoryOptions): Promise<Trajectory> {
  const dataset = sampleDataset(config, { testSize: options.testSize ?? 0 });
  return trajectoryOf(dataset, config.beta, config.tau, options);
}

/** As {@link flowTrajectory}, for a dataset already in memory. */
export async function trajectoryOf(dataset: Dataset, beta: number, tau: number, options: TrajectoryOptions): Promise<Trajectory> {
  const points = options.gridPoints ?? GRID_POINTS;
  const grid = Array.from({ length: points }, (_, k) => (options.tEnd * (k + 1)) / points);
  const result = await simulate(dataset, {
    beta,
    tau,
    loss: options.loss ?? 'dpo',
    optimizer: 'flow',
    tEnd: options.tEnd,
    checkpoints: grid,
    full: true,
    rtol: CLAIM_RTOL,
    recordSteps: options.solverSteps ?? true,
    trlRewards: false,
  });
  const entries: Array<{ t: number; r: Float64Array }> = [];
  for (const c of result.checkpoints) if (c.t > 0 && c.train.margins !== undefined) entries.push({ t: c.t, r: c.train.margins });
  if (result.stepTimes !== undefined && result.stepMargins !== undefined) {
    result.stepTimes.forEach((t, k) => {
      if (t > 0) entries.push({ t, r: result.stepMargins![k]! });
    });
  }
  entries.sort((a, b) => a.t - b.t);
  return { dataset, times: Float64Array.from(entries.map((e) => e.t)), margins: entries.map((e) => e.r), result };
}

/** The outcome of comparing a trajectory with a linear band. */
export interface BandCheck {
  /**
   * min over t > 0 and i of min((r_i − L t)/(L t), (U t − r_i)/(U t)): > 0 inside the band,
   * < 0 outside (relative to the violated side).
   */
  readonly slack: number;
  /** Largest amount by which a margin is below L·t or above U·t (margin units, >= 0 or 0). */
  readonly worstExcess: number;
  /** Tolerance used: ERROR_SAFETY_FACTOR × errorEstimate + ROUNDING_RELATIVE × |bound|. */
  readonly tolerance: number;
  readonly violated: boolean;
  readonly withinTolerance: boolean;
  /** Where the worst point is. */
  readonly worst: { readonly t: number; readonly i: number; readonly r: number; readonly side: 'lower' | 'upper' | 'none' };
}

/**
 * Compares every margin at every recorded time with r_L(t) = lower(i)·t and r_U(t) = upper(i)·t
 * (per-sample slopes allow the certificate's data-dependent λ_j, Λ_j).
 */
export function checkBand(
  traj: Pick<Trajectory, 'times' | 'margins'>,
  errorEstimate: number,
  lower: (i: number) => number,
  upper: (i: number) => number,
): BandCheck {
  let slack = Infinity;
  let worstExcess = 0;
  let tolAtWorst = ERROR_SAFETY_FACTOR * errorEstimate;
  let worst: BandCheck['worst'] = { t: 0, i: -1, r: 0, side: 'none' };
  let violated = false;
  let withinTolerance = false;
  for (let k = 0; k < traj.times.length; k++) {
    const t = traj.times[k]!;
    const r = traj.margins[k]!;
    for (let i = 0; i < r.length; i++) {
      const lo = lower(i) * t;
      const hi = upper(i) * t;
      const ri = r[i]!;
      const sLo = lo !== 0 ? (ri - lo) / Math.abs(lo) : ri >= 0 ? Infinity : -Infinity;
      const sHi = hi !== 0 ? (hi - ri) / Math.abs(hi) : ri <= 0 ? Infinity : -Infinity;
      const s = Math.min(sLo, sHi);
      const excess = Math.max(lo - ri, ri - hi, 0);
      const tol = ERROR_SAFETY_FACTOR * errorEstimate + ROUNDING_RELATIVE * Math.max(Math.abs(lo), Math.abs(hi));
      if (excess > 0) {
        if (excess > tol) violated = true;
        else withinTolerance = true;
      }
      if (s < slack) {
        slack = s;
        worst = { t, i, r: ri, side: sLo <= sHi ? 'lower' : 'upper' };
      }
      if (excess > worstExcess) {
        worstExcess = excess;
        tolAtWorst = tol;
      }
    }
  }
  return { slack, worstExcess, tolerance: tolAtWorst, violated, withinTolerance, worst };
}

/**
 * Row summaries P_j = Σ_{i: C_ij > 0} C_ij and M_j = Σ_{i: C_ij < 0} |C_ij| of the margin kernel
 * C_ij = (a_jᵀ a_i)(g_iᵀ g_j) (THEORY §5), for every target sample j against the training
 * set. O(N_targets · N · d); written as plain loops because it is the hot part of the
 * certificate claims and needs float64.
 */
export function kernelRowSummaries(train: PreferenceSet, targets: PreferenceSet = train): RowSummary[] {
  const { n, d, features: g, chosen: w, rejected: l } = train;
  const gt = targets.features;
  const out: RowSummary[] = [];
  for (let j = 0; j < targets.n; j++) {
    let P = 0;
    let M = 0;
    const wj = targets.chosen[j]!;
    const lj = targets.rejected[j]!;
    const oj = j * d;
    for (let i = 0; i < n; i++) {
      const f = tokenFactor(wj, lj, w[i]!, l[i]!);
      if (f === 0) continue;
      let dot = 0;
      const oi = i * d;
      for (let k = 0; k < d; k++) dot += g[oi + k]! * gt[oj + k]!;
      const c = f * dot;
      if (c > 0) P += c;
      else M -= c;
    }
    out.push({ P, M });
  }
  return out;
}

/** Test margins r̃ = β ãᵀ ΔW g̃ of a preference set under a finished simulation. */
export function testMargins(result: SimulationResult, set: PreferenceSet): Float64Array {
  return marginsOf(set, result.rows, result.deltaW, result.beta);
}
