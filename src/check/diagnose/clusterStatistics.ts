/**
 * The few streaming passes over an N×d feature matrix that every estimate of `dpocheck diagnose`
 * is computed from (THEORY §3's cluster model): per-cluster and per-group sums, the residual norm
 * of every sample around its cluster mean, and the top of the pooled within-cluster covariance
 * spectrum by Lanczos (matrix-free: nothing d×d or N×N is formed).
 *
 * Cost: 2 passes for the sums and residuals, 1 pass per Lanczos step (split over worker threads
 * when asked), 1 pass each for the start vector and the spread along the top direction; memory
 * O(groups·d + steps·d + N), plus a shared copy of the features when workers are used.
 *
 * Every sample is put into one of G random groups of its cluster (seeded, by sample index), so
 * that the bootstrap of estimates.ts can resample groups instead of samples: a replicate then
 * costs O(groups·d), not a pass over the data.
 */
import type { PreferenceSet } from '../../data/dataset.ts';
import { createStream } from '../../data/rng.ts';
import type { ClusterAssignment } from './clusters.ts';
import { CovarianceProduct } from './covarianceProduct.ts';
import { lanczosSteps, type LanczosResult } from './lanczos.ts';
import { runSteps, type Steps } from '../interrupt.ts';

/**
 * Bootstrap groups per cluster. Ours: a group-level bootstrap estimates a cluster's variance with
 * G - 1 degrees of freedom, and an estimate pooling 2K clusters gets 2K(G - 1); 12 keeps that
 * above 40 for K >= 2 (standard errors good to about ±11%) while the groups' Gram matrix, formed
 * once for the bootstrap, costs (2K·12)²d/2 multiply-adds (3.3·10⁸ at the paper's scale).
 */
export const BOOTSTRAP_GROUPS = 12;

/**
 * Lanczos steps. Ours: the top few eigenvalues of a covariance converge to many digits in 30-40
 * steps when they stand out of the bulk; each step is two passes over the data (about 0.3 s at
 * the paper's scale).
 */
export const LANCZOS_STEPS = 32;

/** Eigenvalues reported from the top of the spectrum. */
export const TOP_EIGENVALUES = 8;

/** Per-group sums that a bootstrap replicate is assembled from. */
export interface GroupSums {
  /** Cluster of each group. */
  readonly cluster: Int32Array;
  /** Samples in each group. */
  readonly n: Float64Array;
  /** Group mean minus the origin b̂ (groups × d). */
  readonly centredMean: Float64Array;
  /** Σ ‖x_i - m_g‖² over the group (around its own mean m_g). */
  readonly within: Float64Array;
  /** b̂ · (m_g - b̂). */
  readonly originDot: Float64Array;
  /** ‖m_g - b̂‖². */
  readonly sqNorm: Float64Array;
  /** Σ (r_i - r₀)^j for j = 1..4 (groups × 4), r_i = ‖x_i - μ̂_{c(i)}‖, r₀ = {@link ClusterStatistics.radius} (shifted so the central moments do not cancel). */
  readonly rPowers: Float64Array;
  /** Σ (uᵀ(x_i - μ̂_{c(i)}))² with u the top eigenvector of the pooled covariance. */
  readonly topSpread: Float64Array;
}

/** Everything the estimates are computed from. */
export interface ClusterStatistics {
  readonly K: number;
  readonly d: number;
  readonly N: number;
  /** Samples per cluster (2K). */
  readonly sizes: Float64Array;
  /** b̂: the mean of the 2K cluster means (THEORY §3's shared component b). */
  readonly origin: Float64Array;
  /** μ̂_a - b̂ (2K × d). */
  readonly centredMeans: Float64Array;
  /** Σ_{i∈a} ‖x_i - μ̂_a‖² per cluster. */
  readonly within: Float64Array;
  /** ‖x_i - μ̂_{c(i)}‖² per sample. */
  readonly residualSq: Float64Array;
  /** r₀ = √(mean of residualSq): the shift of the power sums of the residual norms. */
  readonly radius: number;
  /** Pooled within-cluster covariance: the Lanczos result (values are eigenvalues of Σ̂). */
  readonly spectrum: LanczosResult;
  /** Σ (uᵀε_i)² over all samples (u the top Ritz vector). */
  readonly topSpread: number;
  readonly groups: GroupSums;
}

/**
 * Computes {@link ClusterStatistics} for a training set grouped by `clusters` (see clusters.ts).
 * @param seed seeds the bootstrap groups and the Lanczos start vector (results depend on nothing else).
 * @param workers worker threads for the Lanczos products (covarianceProduct.ts; results identical for every number).
 */
export function clusterStatistics(set: PreferenceSet, clusters: ClusterAssignment, seed: number, workers = 0): ClusterStatistics {
  return runSteps(clusterStatisticsSteps(set, clusters, seed, workers));
}

/**
 * {@link clusterStatistics} as steps (interrupt.ts `Steps`): it yields after each pass over the
 * data and each Lanczos product, so `diagnose` can hear Ctrl-C while it runs.
 */
export function* clusterStatisticsSteps(set: PreferenceSet, clusters: ClusterAssignment, seed: number, workers = 0): Steps<ClusterStatistics> {
  const { n: N, d } = set;
  // The statistics and their worker read float64 rows: a float32 file is widened once here (the
  // values are exact in float64; the cost is one float64 copy of the features).
  const X = set.features instanceof Float64Array ? set.features : Float64Array.from(set.features);
  const C = 2 * clusters.K;
  const sizes = Float64Array.from(clusters.sizes);
  const cl = clusters.clusterOf;

  // --- groups: a seeded shuffle of each cluster's samples, cut into G nearly equal parts ---------
  const members: number[][] = Array.from({ length: C }, () => []);
  for (let i = 0; i < N; i++) members[cl[i]].push(i);
  const groupOf = new Int32Array(N);
  const groupCluster: number[] = [];
  const shuffle = createStream(seed, 'diagnose/groups');
  for (let a = 0; a < C; a++) {
    const idx = members[a];
    for (let i = idx.length - 1; i > 0; i--) {
      const j = Math.floor(shuffle.uniform() * (i + 1));
      [idx[i], idx[j]] = [idx[j], idx[i]];
    }
    const G = Math.min(BOOTSTRAP_GROUPS, idx.length);
    const first = groupCluster.length;
    for (let g = 0; g < G; g++) groupCluster.push(a);
    idx.forEach((i, pos) => (groupOf[i] = first + Math.floor((pos * G) / idx.length)));
  }
  const Gt = groupCluster.length;

  // --- pass 1: group sums -> group, cluster and grand means ------------------------------------
  const gSum = new Float64Array(Gt * d);
  const gN = new Float64Array(Gt);
  for (let i = 0; i < N; i++) {
    const g = groupOf[i];
    gN[g]++;
    const off = g * d, row = i * d;
    for (let k = 0; k < d; k++) gSum[off + k] += X[row + k];
  }
  const means = new Float64Array(C * d);
  for (let g = 0; g < Gt; g++) {
    const a = groupCluster[g];
    for (let k = 0; k < d; k++) means[a * d + k] += gSum[g * d + k];
  }
  for (let a = 0; a < C; a++) for (let k = 0; k < d; k++) means[a * d + k] /= sizes[a];
  const origin = new Float64Array(d);
  for (let a = 0; a < C; a++) for (let k = 0; k < d; k++) origin[k] += means[a * d + k] / C;
  const centredMeans = new Float64Array(C * d);
  for (let a = 0; a < C; a++) for (let k = 0; k < d; k++) centredMeans[a * d + k] = means[a * d + k] - origin[k];
  const gCentred = new Float64Array(Gt * d);
  const gOriginDot = new Float64Array(Gt);
  const gSqNorm = new Float64Array(Gt);
  // ‖m_g - μ̂_a‖², for the within-group sums below.
  const gOffCluster = new Float64Array(Gt);
  for (let g = 0; g < Gt; g++) {
    const a = groupCluster[g];
    let od = 0, sq = 0, off = 0;
    for (let k = 0; k < d; k++) {
      const m = gSum[g * d + k] / gN[g];
      const c = m - origin[k];
      gCentred[g * d + k] = c;
      od += origin[k] * c;
      sq += c * c;
      off += (m - means[a * d + k]) ** 2;
    }
    gOriginDot[g] = od;
    gSqNorm[g] = sq;
    gOffCluster[g] = off;
  }

  yield;

  // --- pass 2: residual norms around the cluster means --------------------------------------------
  const residualSq = new Float64Array(N);
  const within = new Float64Array(C);
  const gWithin = new Float64Array(Gt);
  const rPowers = new Float64Array(Gt * 4);
  for (let i = 0; i < N; i++) {
    const a = cl[i], row = i * d, mu = a * d;
    let s = 0;
    for (let k = 0; k < d; k++) {
      const e = X[row + k] - means[mu + k];
      s += e * e;
    }
    residualSq[i] = s;
    within[a] += s;
    gWithin[groupOf[i]] += s;
  }
  let meanSq = 0;
  for (let i = 0; i < N; i++) meanSq += residualSq[i] / N;
  const radius = Math.sqrt(meanSq);
  for (let i = 0; i < N; i++) {
    const y = Math.sqrt(residualSq[i]) - radius, g = groupOf[i] * 4;
    rPowers[g] += y;
    rPowers[g + 1] += y * y;
    rPowers[g + 2] += y * y * y;
    rPowers[g + 3] += y * y * y * y;
  }
  // Σ_{i∈g} ‖x_i - m_g‖² = Σ_{i∈g} ‖x_i - μ̂_a‖² - n_g ‖m_g - μ̂_a‖².
  for (let g = 0; g < Gt; g++) gWithin[g] = Math.max(0, gWithin[g] - gN[g] * gOffCluster[g]);

  yield;

  // --- Lanczos on the pooled within-cluster covariance Σ̂ = Σ_i ε_i ε_iᵀ / (N - 2K) --------------
  const dof = Math.max(1, N - C);
  const muDot = new Float64Array(C);
  // Start vector Σ_i z_i ε_i: a combination of the residuals, so it rotates and scales with the
  // data and the Ritz values are invariant under rotations and rescalings of the features.
  const start = new Float64Array(d);
  const z = createStream(seed, 'diagnose/lanczos-start');
  for (let i = 0; i < N; i++) {
    const w = z.normal(), row = i * d, mu = cl[i] * d;
    for (let k = 0; k < d; k++) start[k] += w * (X[row + k] - means[mu + k]);
  }
  yield;
  const product = new CovarianceProduct(X, N, d, cl, means, C, dof, workers);
  let spectrum: LanczosResult;
  try {
    spectrum = yield* lanczosSteps((v, out) => product.apply(v, out), d, start, Math.min(LANCZOS_STEPS, dof));
  } finally {
    product.dispose(); // also when the steps are abandoned (Generator.return)
  }

  yield;

  // --- pass 3: spread along the top direction ------------------------------------------------------
  const u = spectrum.topVector;
  const gTop = new Float64Array(Gt);
  let topSpread = 0;
  for (let a = 0; a < C; a++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += means[a * d + k] * u[k];
    muDot[a] = s;
  }
  for (let i = 0; i < N; i++) {
    const row = i * d;
    let s = 0;
    for (let k = 0; k < d; k++) s += X[row + k] * u[k];
    const p = (s - muDot[cl[i]]) ** 2;
    gTop[groupOf[i]] += p;
    topSpread += p;
  }

  return {
    K: clusters.K,
    d,
    N,
    sizes,
    origin,
    centredMeans,
    within,
    residualSq,
    radius,
    spectrum,
    topSpread,
    groups: {
      cluster: Int32Array.from(groupCluster),
      n: gN,
      centredMean: gCentred,
      within: gWithin,
      originDot: gOriginDot,
      sqNorm: gSqNorm,
      rPowers,
      topSpread: gTop,
    },
  };
}
