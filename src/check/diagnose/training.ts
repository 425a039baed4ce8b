/**
 * What DPO does on the user's data, read against the theory: the exact gradient flow to τ_1 in
 * the model's units (features divided by the scale s, so concept vectors have unit mean length;
 * THEORY §1-§2, §4) and the authors' own last-layer preset on the raw features (THEORY §7: Adam,
 * lr 1e-3, β = 0.01, 100 full-batch steps).
 *
 * - Margins of the flow against Theorem 4.2's band r_L(t) = β²t/(8Kτ) <= r_i(t) <= r_U(t) =
 *   5β²t/(Kτ) and the window [ln3/40, ln3] at τ_1, and against THEORY §5's data-dependent
 *   certificate band β²λ_j t/τ <= r_j(t) <= β²Λ_j t/τ (N×N: computed only where N allows).
 * - Test error (the file's test arrays or a held-out split) against Theorem 4.3's bound and
 *   THEORY §9's predictions: the closed form Φ(-2Q/(v √(4Q²K_g + 2K_g Q v² d))) for concepts
 *   sharing a response pair in groups of K_g (K_g = 1: distinct pairs), and the Gaussian error of
 *   the trained policy, Φ(-uᵀμ_a/√(uᵀΣu)) per cluster (u = ΔWᵀa_a), with the noise covariance
 *   Σ measured along the learned direction u (and, for comparison, isotropic: (T/d)‖u‖²).
 *
 * The flow on features g/s with inverse learning rate τ equals the flow on the raw features with
 * τ s² (the margins are identical), so the raw data are simulated with τ = s² and no scaled copy.
 */
import erfc from '@stdlib/math-base-special-erfc';
import type { Dataset } from '../../data/dataset.ts';
import { AUTHORS_LAST_LAYER_PRESET, simulate, type SimulationResult } from '../../sim/index.ts';
import { rowCertificate, type RowSummary } from '../../theory/certificate.ts';
import { LN3 } from '../../theory/numerics.ts';
import { generalizationBound } from '../../theory/theorem43.ts';
import { trainingMarginSandwich } from '../../theory/theorem42.ts';
import type { ClusterAssignment } from './clusters.ts';
import type { ClusterStatistics } from './clusterStatistics.ts';

/**
 * Largest N²d/2 for which the §5 certificate (all pairwise C_ij) is computed. Ours: about 2·10⁹
 * multiply-adds, a couple of seconds on one core; the paper's scale (N = 28,928, d = 4520) is
 * 1.9·10¹² and is skipped.
 */
export const CERTIFICATE_MAX_WORK = 2e9;

/** Flow checkpoints between 0 and τ_1 (for the margin chart). */
export const FLOW_CHECKPOINTS = 10;

/** Margin trajectories kept for the chart: the lowest and highest at τ_1 and a few in between. */
export const CHART_TRAJECTORIES = 8;

/** Relative slack on the band checks for the integrator's error. Ours: far above the flow's rtol 1e-9. */
const BAND_TOLERANCE = 1e-6;

/** Φ, the standard normal CDF. */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

/** Test error of one trained model: measured and predicted. */
export interface TestErrorReport {
  /** Fraction of test margins <= 0, or null without a test set. */
  readonly measured: number | null;
  /** Train 0-1 error. */
  readonly train: number;
  /** Gaussian error of the trained policy with the noise covariance along the learned direction (mean over clusters). */
  readonly predictedAlongDirection: number;
  /** The same with isotropic noise (T/d per direction). */
  readonly predictedIsotropic: number;
}

/** The training section of a diagnosis. */
export interface TrainingReport {
  readonly units: string;
  readonly flow: {
    readonly beta: number;
    readonly tau: number;
    readonly tau1: number;
    readonly rLSlope: number;
    readonly rUSlope: number;
    readonly marginsAtTau1: { readonly min: number; readonly mean: number; readonly max: number };
    /** Fraction of training margins in Theorem 4.2's window [ln3/40, ln3] at τ_1. */
    readonly inWindow: number;
    /** Fraction of training samples whose margin stayed in [r_L(t), r_U(t)] at every recorded step. */
    readonly inBand: number;
    readonly steps: number;
    readonly errorEstimate: number;
    readonly test: TestErrorReport;
    readonly trajectories: ReadonlyArray<{ readonly id: string; readonly t: readonly number[]; readonly r: readonly number[] }>;
  };
  readonly certificate:
    | { readonly computed: false; readonly reason: string }
    | {
        readonly computed: true;
        readonly holds: boolean;
        /** min_j λ_j · 8K: the certified lower slope over Theorem 4.2's 1/(8K). */
        readonly lowerOverTheorem: number;
        /** max_j Λ_j · K/5: the certified upper slope over Theorem 4.2's 5/K. */
        readonly upperOverTheorem: number;
        /** Fraction of training margins inside their own band [λ_j τ_1, Λ_j τ_1] at τ_1. */
        readonly inCertificateBand: number;
        /** Whether every margin stayed in [0, ln 3] (the certificate's premise). */
        readonly premise: boolean;
      };
  /** The authors' preset, or null when the run was interrupted before it. */
  readonly preset: {
    readonly name: 'authors-last-layer';
    readonly beta: number;
    readonly lr: number;
    readonly steps: number;
    readonly margins: { readonly min: number; readonly mean: number; readonly max: number };
    readonly accuracy: number;
    readonly deltaWNorm: number;
    readonly test: TestErrorReport;
  } | null;
  /** True when SIGINT stopped training after the flow (what was measured is kept). */
  readonly interrupted: boolean;
  readonly theory: {
    readonly Q: number;
    /** Theorem 4.3's 2KQ²e^{-Q/45}, and whether it is vacuous (>= 1). */
    readonly theorem43: { readonly bound: number; readonly vacuous: boolean };
    /** THEORY §9's first-order closed form, mean over concepts. */
    readonly section9: number;
    /** Concepts per response pair group (K_g), one entry per group. */
    readonly sharingGroups: readonly number[];
  };
  readonly seconds: number;
}

/** Options of {@link trainingReport}. */
export interface TrainingOptions {
  readonly workers: number;
  /** Checked between the stages (flow, certificate, preset): an abort keeps what was measured. */
  readonly signal?: { readonly aborted: boolean };
}

function certificateRows(data: Dataset['train'], scale: number): RowSummary[] {
  const { n, d, features: X, chosen, rejected } = data;
  const P = new Float64Array(n);
  const M = new Float64Array(n);
  const s2 = scale * scale;
  for (let j = 0; j < n; j++) {
    for (let i = j; i < n; i++) {
      const f = (chosen[j] === chosen[i] ? 1 : 0) - (chosen[j] === rejected[i] ? 1 : 0) - (rejected[j] === chosen[i] ? 1 : 0) + (rejected[j] === rejected[i] ? 1 : 0);
      if (f === 0) continue;
      let g = 0;
      const a = i * d, b = j * d;
      for (let k = 0; k < d; k++) g += X[a + k] * X[b + k];
      const c = (f * g) / s2;
      for (const r of i === j ? [j] : [i, j]) {
        if (c > 0) P[r] += c;
        else M[r] -= c;
      }
    }
  }
  return Array.from({ length: n }, (_, j) => ({ P: P[j], M: M[j] }));
}

/** Per cluster: mean margin direction and variances of a trained ΔW (module comment). */
function predictedErrors(res: SimulationResult, st: ClusterStatistics, clusters: ClusterAssignment, features: Float64Array | Float32Array): { along: number; iso: number } {
  const { d, N } = st;
  const C = 2 * clusters.K;
  const rowOf = new Map<number, number>();
  res.rows.tokens.forEach((tok, u) => rowOf.set(tok, u));
  const dirOf = (w: number, l: number): Float64Array => {
    const u = new Float64Array(d);
    const rw = rowOf.get(w), rl = rowOf.get(l);
    for (let k = 0; k < d; k++) u[k] = (rw === undefined ? 0 : res.deltaW[rw * d + k]) - (rl === undefined ? 0 : res.deltaW[rl * d + k]);
    return u;
  };
  // One direction per concept (the - cluster's is its negative, with the same variance).
  const dirs = clusters.pairs.map(([p, q]) => dirOf(p, q));
  const spread = new Float64Array(clusters.K);
  const count = new Float64Array(clusters.K);
  const mu = new Float64Array(C * d);
  for (let a = 0; a < C; a++) for (let k = 0; k < d; k++) mu[a * d + k] = st.origin[k] + st.centredMeans[a * d + k];
  const muDot = new Float64Array(C);
  for (let a = 0; a < C; a++) {
    const u = dirs[a >> 1];
    let s = 0;
    for (let k = 0; k < d; k++) s += u[k] * mu[a * d + k];
    muDot[a] = s;
  }
  for (let i = 0; i < N; i++) {
    const a = clusters.clusterOf[i], k0 = a >> 1, u = dirs[k0], row = i * d;
    let s = 0;
    for (let k = 0; k < d; k++) s += u[k] * features[row + k];
    spread[k0] += (s - muDot[a]) ** 2;
    count[k0]++;
  }
  const dof = N - C;
  const perDirection = st.within.reduce((x, y) => x + y, 0) / dof / d;
  let along = 0, iso = 0;
  for (let a = 0; a < C; a++) {
    const k = a >> 1, u = dirs[k];
    const sign = a % 2 === 0 ? 1 : -1;
    const mean = sign * muDot[a];
    let uu = 0;
    for (let j = 0; j < d; j++) uu += u[j] * u[j];
    // Two means were fitted among the concept's samples.
    const sdAlong = Math.sqrt(spread[k] / Math.max(1, count[k] - 2));
    const sdIso = Math.sqrt(perDirection * uu);
    along += (sdAlong > 0 ? normalCdf(-mean / sdAlong) : mean > 0 ? 0 : 1) / C;
    iso += (sdIso > 0 ? normalCdf(-mean / sdIso) : mean > 0 ? 0 : 1) / C;
  }
  return { along, iso };
}

function picks(final: Float64Array): number[] {
  const order = [...final.keys()].sort((a, b) => final[a] - final[b] || a - b);
  if (order.length <= CHART_TRAJECTORIES) return order;
  return [...new Set(Array.from({ length: CHART_TRAJECTORIES }, (_, j) => order[Math.round((j * (order.length - 1)) / (CHART_TRAJECTORIES - 1))]))];
}

/**
 * Runs the flow to τ_1 and the authors' preset on `dataset` and reads them against the theory
 * (module comment). `v` and `scale` are the diagnosis' estimates (THEORY §3 units).
 */
export async function trainingReport(
  dataset: Dataset,
  clusters: ClusterAssignment,
  st: ClusterStatistics,
  est: { readonly scale: number; readonly v: number },
  opts: TrainingOptions,
): Promise<TrainingReport> {
  const started = performance.now();
  const { K, N, d } = st;
  const s = est.scale;
  const beta = 1;
  const sandwich = trainingMarginSandwich(K, beta, 1);
  const tau1 = sandwich.tau1;
  const checkpoints = Array.from({ length: FLOW_CHECKPOINTS - 1 }, (_, j) => ((j + 1) * tau1) / FLOW_CHECKPOINTS);
  const flow = await simulate(dataset, {
    beta,
    tau: s * s,
    optimizer: 'flow',
    tEnd: tau1,
    checkpoints,
    recordSteps: true,
    trlRewards: false,
    workers: opts.workers,
  });
  const times = [0, ...flow.stepTimes!];
  const margins = [new Float64Array(N), ...flow.stepMargins!];
  const final = margins[margins.length - 1];
  let inBand = 0, inWindow = 0, premise = true;
  for (let i = 0; i < N; i++) {
    let ok = true;
    for (let j = 1; j < times.length; j++) {
      const r = margins[j][i], t = times[j];
      if (r < sandwich.lowerSlope * t * (1 - BAND_TOLERANCE) || r > sandwich.upperSlope * t * (1 + BAND_TOLERANCE)) ok = false;
      if (r < -BAND_TOLERANCE || r > LN3 * (1 + BAND_TOLERANCE)) premise = false;
    }
    if (ok) inBand++;
    if (final[i] >= sandwich.window[0] * (1 - BAND_TOLERANCE) && final[i] <= sandwich.window[1] * (1 + BAND_TOLERANCE)) inWindow++;
  }
  const trajectories = picks(final).map((i) => ({ id: `sample ${i}`, t: times, r: margins.map((m) => m[i]) }));

  let certificate: TrainingReport['certificate'];
  const work = (N * N * d) / 2;
  const interrupted = () => opts.signal?.aborted === true;
  if (interrupted()) {
    certificate = { computed: false, reason: 'skipped: interrupted (SIGINT)' };
  } else if (work > CERTIFICATE_MAX_WORK) {
    certificate = {
      computed: false,
      reason: `skipped: N²d/2 = ${work.toExponential(2)} multiply-adds for all C_ij (THEORY §5) exceeds the budget ${CERTIFICATE_MAX_WORK.toExponential(0)}`,
    };
  } else {
    const rows = certificateRows(dataset.train, s);
    let minL = Infinity, maxL = -Infinity, inside = 0, holds = true;
    rows.forEach((row, j) => {
      const c = rowCertificate(row, N, K);
      minL = Math.min(minL, c.lambda);
      maxL = Math.max(maxL, c.Lambda);
      if (!c.holds) holds = false;
      const r = final[j];
      if (r >= c.lambda * tau1 - BAND_TOLERANCE * Math.abs(c.lambda * tau1) && r <= c.Lambda * tau1 * (1 + BAND_TOLERANCE)) inside++;
    });
    certificate = { computed: true, holds, lowerOverTheorem: minL * 8 * K, upperOverTheorem: (maxL * K) / 5, inCertificateBand: inside / N, premise };
  }

  const preset = interrupted()
    ? null
    : await simulate(dataset, {
        optimizer: AUTHORS_LAST_LAYER_PRESET.optimizer,
        beta: AUTHORS_LAST_LAYER_PRESET.beta,
        tEnd: AUTHORS_LAST_LAYER_PRESET.tEnd,
        adam: AUTHORS_LAST_LAYER_PRESET.adam,
        trlRewards: false,
        workers: opts.workers,
      });

  const testOf = (res: SimulationResult): TestErrorReport => {
    const p = predictedErrors(res, st, clusters, dataset.train.features);
    return { measured: res.test?.error ?? null, train: res.train.error, predictedAlongDirection: p.along, predictedIsotropic: p.iso };
  };

  // THEORY §9's closed form, concepts grouped by shared token set.
  const Q = N / (2 * K);
  const groups = new Map<string, number>();
  for (const [p, q] of clusters.pairs) groups.set(`${p},${q}`, (groups.get(`${p},${q}`) ?? 0) + 1);
  const v = est.v;
  let section9 = 0;
  for (const Kg of groups.values()) {
    const e = v > 0 ? normalCdf(-(2 * Q) / (v * Math.sqrt(4 * Q * Q * Kg + 2 * Kg * Q * v * v * d))) : 0;
    section9 += (e * Kg) / K;
  }
  const bound = generalizationBound(K, Math.max(1, Math.round(Q)));

  return {
    units: `flow: features divided by s = ${s.toPrecision(6)} (unit concept vectors), β = 1, τ = 1; preset: raw features`,
    flow: {
      beta,
      tau: 1,
      tau1,
      rLSlope: sandwich.lowerSlope,
      rUSlope: sandwich.upperSlope,
      marginsAtTau1: { min: flow.train.min, mean: flow.train.mean, max: flow.train.max },
      inWindow: inWindow / N,
      inBand: inBand / N,
      steps: flow.steps,
      errorEstimate: flow.errorEstimate,
      test: testOf(flow),
      trajectories,
    },
    certificate,
    preset:
      preset === null
        ? null
        : {
            name: 'authors-last-layer',
            beta: AUTHORS_LAST_LAYER_PRESET.beta,
            lr: AUTHORS_LAST_LAYER_PRESET.adam.lr,
            steps: AUTHORS_LAST_LAYER_PRESET.tEnd,
            margins: { min: preset.train.min, mean: preset.train.mean, max: preset.train.max },
            accuracy: 1 - preset.train.error,
            deltaWNorm: preset.checkpoints[preset.checkpoints.length - 1].deltaWNorm,
            test: testOf(preset),
          },
    interrupted: preset === null,
    theory: { Q, theorem43: { bound: bound.bound, vacuous: bound.vacuous }, section9, sharingGroups: [...groups.values()] },
    seconds: (performance.now() - started) / 1000,
  };
}
