/**
 * Exact test error of a trained policy on the Gaussian clusters of THEORY §3 (THEORY §9,
 * "Exact test error"): a fresh point g = μ + ε of a cluster with mean μ, token vector a and
 * Gaussian noise ε ~ N(0, diag(s²)) has margin β aᵀΔW g ~ N(β aᵀΔWμ, β² Σ_j s_j² (ΔWᵀa)_j²), so
 * the cluster's 0-1 error is exactly Φ(−aᵀΔWμ / ‖s ⊙ ΔWᵀa‖) (β cancels; a margin of exactly 0
 * has probability 0). No sampling: the value underflows only below 1e-308, and its logarithm is
 * finite far beyond that (`lnNormalTail`).
 *
 * Only the d-vector u = ΔWᵀa = ΔW_p − ΔW_n is ever formed (from the active rows of a finished
 * simulation, or from the integrated loss weights I_i of THEORY §2,
 * ΔW = (β/(Nτ)) Σ_i I_i a_i g_iᵀ); nothing of size V × d.
 */
import type { ClusterConfig } from '../data/config.ts';
import { tokenPairs } from '../data/config.ts';
import type { PreferenceSet } from '../data/dataset.ts';
import { conceptVectors, sharedComponent } from '../data/concepts.ts';
import { noiseStdDevs } from '../data/sampler.ts';
import { lnNormalTail, normalTail } from '../theory/normalTail.ts';
import { logSumExp } from '../theory/numerics.ts';
import type { ActiveRows } from './backend.ts';
import { tokenFactor } from './marginOde.ts';

/** The row of token `t` in `rows` (binary search; tokens are ascending), or -1 if it never occurs. */
function rowOf(rows: ActiveRows, t: number): number {
  let lo = 0;
  let hi = rows.tokens.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const x = rows.tokens[mid]!;
    if (x === t) return mid;
    if (x < t) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/**
 * u = ΔWᵀa = ΔW_p − ΔW_n for the token vector a = e_p − e_n, from the active rows of a finished
 * simulation (`SimulationResult.rows` and `.deltaW`, rows × d). Rows of tokens that never occur
 * in training are 0.
 * @example const u = tokenDirection(res.rows, res.deltaW, res.d, 0, 1);
 */
export function tokenDirection(rows: ActiveRows, deltaW: Float64Array, d: number, p: number, n: number): Float64Array {
  const u = new Float64Array(d);
  const rp = rowOf(rows, p);
  const rn = rowOf(rows, n);
  if (rp >= 0) for (let k = 0; k < d; k++) u[k] += deltaW[rp * d + k]!;
  if (rn >= 0) for (let k = 0; k < d; k++) u[k] -= deltaW[rn * d + k]!;
  return u;
}

/**
 * u = ΔWᵀa from integrated loss weights I_i = ∫_0^t w(r_i(s)) ds (THEORY §2):
 * ΔWᵀa = (β/(Nτ)) Σ_i I_i (aᵀa_i) g_i, with the token factor aᵀa_i ∈ {−2..2}. O(N·d).
 * @param scale β/(Nτ).
 */
export function tokenDirectionFromWeights(train: PreferenceSet, weights: ArrayLike<number>, scale: number, p: number, n: number): Float64Array {
  const { d } = train;
  const u = new Float64Array(d);
  for (let i = 0; i < train.n; i++) {
    const f = tokenFactor(p, n, train.chosen[i]!, train.rejected[i]!);
    if (f === 0) continue;
    const c = scale * f * weights[i]!;
    const off = i * d;
    for (let k = 0; k < d; k++) u[k] += c * train.features[off + k]!;
  }
  return u;
}

/** The exact error of one Gaussian cluster and where it comes from. */
export interface ClusterError {
  /** Φ(−z); may underflow to 0 (use `lnError`). */
  readonly error: number;
  /** ln Φ(−z), finite unless the noise is 0 and the margin positive. */
  readonly lnError: number;
  /** z = uᵀμ / ‖s ⊙ u‖, the mean test margin in units of its standard deviation. */
  readonly z: number;
}

/**
 * Error of a cluster N(μ, diag(std²)) under direction u = ΔWᵀa: Φ(−uᵀμ/‖std ⊙ u‖).
 * With zero noise (or u = 0) the margin is deterministic: error 1 when uᵀμ <= 0 (a margin of 0
 * counts as an error, THEORY §1), else 0.
 * @example clusterError(Float64Array.of(0, 2), Float64Array.of(0.5, 1), 1) // z = 1, error ≈ 0.1587
 */
export function clusterError(u: Float64Array, mean: Float64Array, std: number | Float64Array): ClusterError {
  let m = 0;
  let s2 = 0;
  for (let k = 0; k < u.length; k++) {
    const uk = u[k]!;
    m += uk * mean[k]!;
    const sk = typeof std === 'number' ? std : std[k]!;
    s2 += sk * sk * uk * uk;
  }
  if (!(s2 > 0)) {
    const wrong = !(m > 0);
    return { error: wrong ? 1 : 0, lnError: wrong ? 0 : -Infinity, z: wrong ? -Infinity : Infinity };
  }
  const z = m / Math.sqrt(s2);
  return { error: normalTail(z), lnError: lnNormalTail(z), z };
}

/** The exact population risk of a trained policy on the paper's test distribution. */
export interface ExactRisk {
  /** R(P): mean error over the 2K clusters (equal weights, THEORY §3). */
  readonly testError: number;
  readonly lnTestError: number;
  /** Per concept k: the mean of its two clusters' errors, and its log. */
  readonly conceptErrors: Float64Array;
  readonly conceptLnErrors: Float64Array;
  /** The largest concept error (what a union bound over concepts speaks about), and its log. */
  readonly worstConceptError: number;
  readonly worstConceptLnError: number;
  /** Per cluster 2k (C_{k,+}) and 2k+1 (C_{k,-}): z = mean margin / its standard deviation. */
  readonly clusterZ: Float64Array;
}

/**
 * The cluster means l_b e_1 ± c_k as dense d-vectors, cluster 2k = C_{k,+}, 2k+1 = C_{k,-}
 * (THEORY §3; the same vectors the sampler adds).
 */
export function clusterMeanVectors(config: ClusterConfig): Float64Array[] {
  const { K, d } = config;
  const c = conceptVectors(config);
  const b = sharedComponent(config);
  const out: Float64Array[] = [];
  for (let cl = 0; cl < 2 * K; cl++) {
    const k = cl >> 1;
    const sign = cl % 2 === 0 ? 1 : -1;
    const mu = new Float64Array(d);
    for (let j = 0; j < d; j++) mu[j] = b[j]! + sign * c[k * d + j]!;
    out.push(mu);
  }
  return out;
}

/**
 * Exact test risk of the policy ΔW (active rows of a finished simulation) on the equal-weight
 * mixture of the 2K clusters of `config` with their true preferences (label noise and imbalance
 * change only the training set). Returns null when the noise law has no closed form
 * (Student-t): measure those by Monte Carlo instead.
 * @example const risk = exactClusterRisk(config, res.rows, res.deltaW); risk?.lnTestError;
 */
export function exactClusterRisk(config: ClusterConfig, rows: ActiveRows, deltaW: Float64Array): ExactRisk | null {
  const std = noiseStdDevs(config.departures.noise, config.v, config.d);
  if (std === null) return null;
  const pairs = tokenPairs(config);
  return riskFromDirections(
    config,
    pairs.map(([p, n]) => tokenDirection(rows, deltaW, config.d, p, n)),
    std,
  );
}

/**
 * As {@link exactClusterRisk}, from the directions u_k = ΔWᵀ(e_{p_k} − e_{n_k}) of each concept
 * (e.g. built by {@link tokenDirectionFromWeights}) and per-coordinate noise deviations.
 */
export function riskFromDirections(config: ClusterConfig, directions: readonly Float64Array[], std: number | Float64Array): ExactRisk {
  const { K } = config;
  const means = clusterMeanVectors(config);
  const conceptErrors = new Float64Array(K);
  const conceptLnErrors = new Float64Array(K);
  const clusterZ = new Float64Array(2 * K);
  const lnAll: number[] = [];
  let sum = 0;
  for (let k = 0; k < K; k++) {
    const u = directions[k]!;
    const neg = u.map((x) => -x); // C_{k,-} prefers n_k over p_k: a = -(e_p - e_n)
    const plus = clusterError(u, means[2 * k]!, std);
    const minus = clusterError(neg, means[2 * k + 1]!, std);
    clusterZ[2 * k] = plus.z;
    clusterZ[2 * k + 1] = minus.z;
    conceptErrors[k] = (plus.error + minus.error) / 2;
    conceptLnErrors[k] = logSumExp([plus.lnError, minus.lnError]) - Math.LN2;
    sum += plus.error + minus.error;
    lnAll.push(plus.lnError, minus.lnError);
  }
  let worst = 0;
  for (let k = 1; k < K; k++) if (conceptLnErrors[k]! > conceptLnErrors[worst]!) worst = k;
  return {
    testError: sum / (2 * K),
    lnTestError: logSumExp(lnAll) - Math.log(2 * K),
    conceptErrors,
    conceptLnErrors,
    worstConceptError: conceptErrors[worst]!,
    worstConceptLnError: conceptLnErrors[worst]!,
    clusterZ,
  };
}
