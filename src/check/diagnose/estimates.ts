/**
 * Scale-free, debiased estimates of THEORY §3's parameters from real features, with bootstrap
 * standard errors and noise floors.
 *
 * **Scale.** The model has unit concept vectors, so every length is divided by
 * s = mean_k ‖c_k‖ with c_k = (μ_{k+} - μ_{k-})/2 (μ = cluster means), and every estimate is
 * invariant under rotations and rescalings of the features.
 *
 * **Debiasing.** A sample mean carries noise: μ̂_a = μ_a + ē_a with E‖ē_a‖² = T_a/n_a (T_a the
 * trace of cluster a's noise covariance). For any two combinations u = Σ w_a μ̂_a and
 * u' = Σ w'_a μ̂_a of cluster means (independent clusters), E⟨u, u'⟩ = ⟨Σ w_a μ_a, Σ w'_a μ_a⟩ +
 * Σ_a w_a w'_a T_a/n_a. So every squared norm and inner product below subtracts
 * Σ_a w_a w'_a T̂_a/n_a with the unbiased within-cluster trace T̂_a = Σ_{i∈a}‖x_i - μ̂_a‖²/(n_a - 1):
 * exact for unequal cluster sizes and unequal covariances. For ‖ĉ_k‖² the bias is
 * (T_{k+}/n_{k+} + T_{k-}/n_{k-})/4, i.e. v²d/(2Q) for equal sizes and isotropic noise. Norms are
 * square roots of the debiased squares (clamped at 0), cosines are debiased inner products over
 * debiased norms.
 *
 * **Standard errors: a seeded group bootstrap.** Each cluster's samples are split into G random
 * groups (clusterStatistics.ts); a replicate resamples G groups with replacement within every
 * cluster and recomputes every estimate from group sums. The standard error is the replicates'
 * standard deviation.
 *
 * **Noise floors.** The value a cosine, a symmetry or l_b would show by noise alone (two
 * standard deviations of its null distribution, computed from the estimated noise: mean
 * eigenvalue T/d along fixed directions and tr(Σ²) for the noise-noise term). Below its floor a
 * number means nothing.
 */
import { createStream } from '../../data/rng.ts';
import type { ClusterStatistics } from './clusterStatistics.ts';
import { BOOTSTRAP_GROUPS, TOP_EIGENVALUES } from './clusterStatistics.ts';
import { gaussianNormKurtosis } from './gaussianNormKurtosis.ts';

/**
 * Bootstrap replicates. Ours: the relative error of a bootstrap standard error is about
 * 1/√(2B), 5% at B = 200, and a replicate costs O(groups·d), a few ms at the paper's scale.
 */
export const BOOTSTRAP_REPLICATES = 200;

/** Standard deviations of the null distribution a noise floor sits at (about the 95% level). */
export const NOISE_FLOOR_SDS = 2;

/** The moments an estimate is computed from: the full data, or one bootstrap replicate. */
interface Moments {
  readonly K: number;
  readonly d: number;
  readonly n: Float64Array;
  /** Gram matrix (C × C) of the cluster means minus a fixed origin o. */
  readonly G: Float64Array;
  /** ‖o‖². */
  readonly oo: number;
  /** o · M_a. */
  readonly oM: Float64Array;
  /** Σ_{i∈a} ‖x_i - μ̂_a‖². */
  readonly within: Float64Array;
  /** Σ (r_i - r₀)^j, j = 1..4, and the sample count. */
  readonly rPowers: readonly [number, number, number, number];
  /** Σ (uᵀε_i)². */
  readonly topSpread: number;
}

/** The headline estimates (all scale-free). */
export interface HeadlineEstimates {
  /** s = mean_k ‖c_k‖, in feature units (the unit everything else is measured in). */
  readonly scale: number;
  /** l_b = ‖b‖/s, b the mean of the cluster means. */
  readonly lb: number;
  /** v = √(T/d)/s with T the pooled within-cluster trace. */
  readonly v: number;
  /** Largest |cos| between two concept directions (0 with one concept). */
  readonly maxConceptCos: number;
  /** Largest |cos| between b and a concept direction. */
  readonly maxBiasCos: number;
  /** max_k ‖(μ_{k+} + μ_{k-})/2 - b‖/s: 0 when every concept's clusters sit symmetric about b. */
  readonly symmetry: number;
  /** Top eigenvalue over mean eigenvalue of the within-cluster covariance, corrected for the sample-eigenvalue spread (1 = isotropic). */
  readonly anisotropy: number;
  /** Kurtosis of ‖ε‖ (not excess; compare with {@link DiagnoseEstimates.kurtosisGaussian}). */
  readonly kurtosis: number;
}

/** Estimates, their standard errors and what they are read against. */
export interface DiagnoseEstimates {
  readonly estimates: HeadlineEstimates;
  readonly standardErrors: { readonly [K in keyof HeadlineEstimates]: number | null };
  /** Values that noise alone would produce (two null standard deviations). */
  readonly noiseFloor: { readonly conceptCos: number; readonly biasCos: number; readonly symmetry: number; readonly lb: number };
  /** ‖c_k‖/s per concept (1 on average by construction). */
  readonly conceptNorms: readonly number[];
  /** |cos(c_j, c_k)| for j < k, row by row. */
  readonly conceptCos: readonly number[];
  /** Top eigenvalues of the within-cluster covariance over its mean eigenvalue (raw sample values). */
  readonly topEigenvalues: readonly number[];
  /** The raw top/mean ratio before the correction. */
  readonly anisotropyRaw: number;
  /** (1 + √(d/(N - 2K)))²: where the top sample eigenvalue of isotropic noise sits (Marchenko–Pastur edge). */
  readonly isotropicEdge: number;
  /** T²/tr(Σ²): the number of directions the noise effectively spreads over. */
  readonly effectiveDimension: number;
  /** Kurtosis of ‖ε‖ for Gaussian noise with the measured spectrum (gaussianNormKurtosis.ts). */
  readonly kurtosisGaussian: number;
  /** Bootstrap replicates used (those where s > 0). */
  readonly replicates: number;
  readonly standardErrorMethod: string;
}

interface Core {
  readonly est: HeadlineEstimates;
  readonly conceptNorms: number[];
  readonly conceptCos: number[];
  readonly anisotropyRaw: number;
  readonly trace: number;
  /** Squared debiased norms (feature units²) for the floors. */
  readonly cc: number[];
  readonly bb: number;
}

/**
 * The population top eigenvalue (over the bulk) behind a sample top eigenvalue `ratio` (over the
 * mean), for γ = d/(degrees of freedom); 1 when it is within the isotropic edge (1 + √γ)².
 * @example spikeCorrection(1.5, 0.25) // 1 (inside the edge 2.25)
 */
export function spikeCorrection(ratio: number, gamma: number): number {
  // Spiked covariance (Baik–Ben Arous–Péché): a population spike ℓ > 1 + √γ shows as the sample
  // eigenvalue x = ℓ + γℓ/(ℓ - 1); below the edge (1 + √γ)² the spike cannot be told from noise.
  const edge = (1 + Math.sqrt(gamma)) ** 2;
  if (!(ratio > edge)) return 1;
  const b = ratio + 1 - gamma;
  return (b + Math.sqrt(Math.max(0, b * b - 4 * ratio))) / 2;
}

function core(m: Moments): Core {
  const { K, d, n, G, within } = m;
  const C = 2 * K;
  const N = n.reduce((a, b) => a + b, 0);
  const t = Float64Array.from(n, (na, a) => within[a] / (na - 1) / na); // T̂_a / n_a
  const inner = (w: Float64Array, w2: Float64Array): number => {
    let s = 0;
    for (let a = 0; a < C; a++) {
      if (w[a] === 0) continue;
      for (let b = 0; b < C; b++) s += w[a] * G[a * C + b] * w2[b];
    }
    return s;
  };
  const bias = (w: Float64Array, w2: Float64Array): number => {
    let s = 0;
    for (let a = 0; a < C; a++) s += w[a] * w2[a] * t[a];
    return s;
  };
  const conceptW = Array.from({ length: K }, (_, k) => {
    const w = new Float64Array(C);
    w[2 * k] = 0.5;
    w[2 * k + 1] = -0.5;
    return w;
  });
  const cc = conceptW.map((w) => inner(w, w) - bias(w, w));
  const norms = cc.map((x) => Math.sqrt(Math.max(0, x)));
  const s = norms.reduce((a, b) => a + b, 0) / K;

  // b̂ = o + ū, ū the mean of the centred means.
  const uM = new Float64Array(C); // ū · M_a
  for (let a = 0; a < C; a++) {
    let x = 0;
    for (let b = 0; b < C; b++) x += G[a * C + b];
    uM[a] = x / C;
  }
  const uu = uM.reduce((a, b) => a + b, 0) / C;
  const oMean = m.oM.reduce((a, b) => a + b, 0) / C;
  const bbRaw = m.oo + 2 * oMean + uu;
  const bb = bbRaw - t.reduce((a, b) => a + b, 0) / (C * C);
  const bNorm = Math.sqrt(Math.max(0, bb));

  const conceptCos: number[] = [];
  let maxConceptCos = 0;
  for (let j = 0; j < K; j++) {
    for (let k = j + 1; k < K; k++) {
      const c = norms[j] > 0 && norms[k] > 0 ? Math.min(1, Math.abs(inner(conceptW[j], conceptW[k])) / (norms[j] * norms[k])) : 1;
      conceptCos.push(c);
      maxConceptCos = Math.max(maxConceptCos, c);
    }
  }
  let maxBiasCos = 0;
  for (let k = 0; k < K; k++) {
    const w = conceptW[k];
    let dotB = 0;
    for (let a = 0; a < C; a++) dotB += w[a] * (m.oM[a] + uM[a]);
    dotB -= (t[2 * k] - t[2 * k + 1]) / (2 * C);
    const c = norms[k] > 0 && bNorm > 0 ? Math.min(1, Math.abs(dotB) / (norms[k] * bNorm)) : 0;
    maxBiasCos = Math.max(maxBiasCos, c);
  }
  let symmetry = 0;
  for (let k = 0; k < K; k++) {
    const w = new Float64Array(C).fill(-1 / C);
    w[2 * k] += 0.5;
    w[2 * k + 1] += 0.5;
    symmetry = Math.max(symmetry, Math.sqrt(Math.max(0, inner(w, w) - bias(w, w))));
  }
  const dof = N - C;
  const trace = within.reduce((a, b) => a + b, 0) / dof;
  const anisotropyRaw = m.topSpread / dof / (trace / d);
  const [S1, S2, S3, S4] = m.rPowers;
  const mu = S1 / N;
  const m2 = S2 / N - mu * mu;
  const m4 = S4 / N - 4 * mu * (S3 / N) + 6 * mu * mu * (S2 / N) - 3 * mu ** 4;
  return {
    est: {
      scale: s,
      lb: bNorm / s,
      v: Math.sqrt(trace / d) / s,
      maxConceptCos,
      maxBiasCos,
      symmetry: symmetry / s,
      anisotropy: spikeCorrection(anisotropyRaw, d / dof),
      kurtosis: m2 > 0 ? m4 / (m2 * m2) : NaN,
    },
    conceptNorms: norms.map((x) => x / s),
    conceptCos,
    anisotropyRaw,
    trace,
    cc,
    bb,
  };
}

function pointMoments(st: ClusterStatistics): Moments {
  const C = 2 * st.K;
  const oM = new Float64Array(C);
  let oo = 0;
  for (let k = 0; k < st.d; k++) oo += st.origin[k] ** 2;
  for (let a = 0; a < C; a++) {
    let x = 0;
    for (let k = 0; k < st.d; k++) x += st.origin[k] * st.centredMeans[a * st.d + k];
    oM[a] = x;
  }
  const g = st.groups;
  const r = [0, 0, 0, 0];
  for (let i = 0; i < g.n.length; i++) for (let j = 0; j < 4; j++) r[j] += g.rPowers[i * 4 + j];
  return { K: st.K, d: st.d, n: st.sizes, G: gram(st.centredMeans, C, st.d), oo, oM, within: st.within, rPowers: r as [number, number, number, number], topSpread: st.topSpread };
}

/** The Gram matrix of `count` row vectors of length d. */
function gram(rows: Float64Array, count: number, d: number): Float64Array {
  const G = new Float64Array(count * count);
  for (let a = 0; a < count; a++) {
    const oa = a * d;
    for (let b = a; b < count; b++) {
      const ob = b * d;
      let s = 0;
      for (let k = 0; k < d; k++) s += rows[oa + k] * rows[ob + k];
      G[a * count + b] = G[b * count + a] = s;
    }
  }
  return G;
}

/**
 * One bootstrap replicate from the group sums: a cluster's replicate mean is Σ_g α_g m_g over its
 * resampled groups, so every inner product of replicate means is a combination of the groups'
 * Gram matrix H (computed once): a replicate costs O(groups²), not O(groups·d).
 */
function replicateMoments(st: ClusterStatistics, H: Float64Array, byCluster: readonly number[][], oo: number, draw: () => number): Moments {
  const { K, d } = st;
  const C = 2 * K;
  const g = st.groups;
  const Gt = g.n.length;
  const n = new Float64Array(C);
  const oM = new Float64Array(C);
  const within = new Float64Array(C);
  const alpha = new Float64Array(Gt); // weight of group i in its cluster's replicate mean
  const r = [0, 0, 0, 0];
  let top = 0;
  for (let a = 0; a < C; a++) {
    const groups = byCluster[a];
    for (let j = 0; j < groups.length; j++) {
      const i = groups[Math.floor(draw() * groups.length)];
      const ng = g.n[i];
      n[a] += ng;
      alpha[i] += ng;
      oM[a] += ng * g.originDot[i];
      within[a] += g.within[i] + ng * g.sqNorm[i];
      for (let q = 0; q < 4; q++) r[q] += g.rPowers[i * 4 + q];
      top += g.topSpread[i];
    }
    oM[a] /= n[a];
    for (const i of groups) alpha[i] /= n[a];
  }
  const G = new Float64Array(C * C);
  for (let a = 0; a < C; a++) {
    for (let b = a; b < C; b++) {
      let s = 0;
      for (const i of byCluster[a]) {
        if (alpha[i] === 0) continue;
        let t = 0;
        for (const j of byCluster[b]) t += alpha[j] * H[i * Gt + j];
        s += alpha[i] * t;
      }
      G[a * C + b] = G[b * C + a] = s;
    }
  }
  for (let a = 0; a < C; a++) within[a] = Math.max(0, within[a] - n[a] * G[a * C + a]);
  return { K, d, n, G, oo, oM, within, rPowers: r as [number, number, number, number], topSpread: top };
}

function sd(xs: number[]): number | null {
  const ok = xs.filter(Number.isFinite);
  if (ok.length < 2) return null;
  const mean = ok.reduce((a, b) => a + b, 0) / ok.length;
  return Math.sqrt(ok.reduce((a, b) => a + (b - mean) ** 2, 0) / (ok.length - 1));
}

/**
 * Estimates, standard errors and noise floors from the streaming statistics (module comment).
 * @param seed seeds the bootstrap; `replicates` = 0 skips it (standard errors null).
 * @example diagnoseEstimates(clusterStatistics(train, clusters, 0), 0).estimates.v
 */
export function diagnoseEstimates(st: ClusterStatistics, seed: number, replicates = BOOTSTRAP_REPLICATES): DiagnoseEstimates {
  const point = pointMoments(st);
  const c = core(point);
  const { K, d, N } = st;
  const C = 2 * K;
  const dof = N - C;
  const T = c.trace;
  const est = c.est;
  const s = est.scale;

  // tr(Σ²): the Lanczos top eigenvalues plus the rest spread evenly over the remaining directions.
  const top = Array.from(st.spectrum.values.subarray(0, Math.min(TOP_EIGENVALUES, st.spectrum.values.length)));
  const rest = Math.max(0, T - top.reduce((a, b) => a + b, 0));
  const trSq = top.reduce((a, b) => a + b * b, 0) + (d > top.length ? (rest * rest) / (d - top.length) : 0);
  const effectiveDimension = trSq > 0 ? (T * T) / trSq : d;
  const perDirection = T / d;

  // Noise floors (module comment). alpha = Σ_a w_a²/n_a: the noise covariance of a combination is alpha·Σ.
  const alphaC = Array.from({ length: K }, (_, k) => (1 / st.sizes[2 * k] + 1 / st.sizes[2 * k + 1]) / 4);
  const alphaB = st.sizes.reduce((a, na) => a + 1 / na, 0) / (C * C);
  const ccPos = c.cc.map((x) => Math.max(x, 0));
  let conceptFloor = 0;
  for (let j = 0; j < K; j++) {
    for (let k = j + 1; k < K; k++) {
      const variance = (alphaC[k] * ccPos[j] + alphaC[j] * ccPos[k]) * perDirection + alphaC[j] * alphaC[k] * trSq;
      const denom = Math.sqrt(ccPos[j] * ccPos[k]);
      conceptFloor = Math.max(conceptFloor, denom > 0 ? (NOISE_FLOOR_SDS * Math.sqrt(variance)) / denom : 1);
    }
  }
  const bbPos = Math.max(c.bb, 0);
  let biasFloor = 0;
  for (let k = 0; k < K; k++) {
    const variance = (alphaC[k] * bbPos + alphaB * ccPos[k]) * perDirection + alphaB * alphaC[k] * trSq;
    const denom = Math.sqrt(bbPos * ccPos[k]);
    biasFloor = Math.max(biasFloor, denom > 0 ? (NOISE_FLOOR_SDS * Math.sqrt(variance)) / denom : 1);
  }
  // A debiased squared norm of a combination with noise alpha·Σ has null sd alpha·√(2 tr Σ²).
  let symAlpha = 0;
  for (let k = 0; k < K; k++) {
    let a2 = 0;
    for (let a = 0; a < C; a++) a2 += ((a >> 1 === k ? 0.5 : 0) - 1 / C) ** 2 / st.sizes[a];
    symAlpha = Math.max(symAlpha, a2);
  }
  const floorOfNorm = (alpha: number) => Math.sqrt(NOISE_FLOOR_SDS * alpha * Math.sqrt(2 * trSq)) / s;

  // Bootstrap.
  const draws: Array<HeadlineEstimates> = [];
  if (replicates > 0) {
    const rng = createStream(seed, 'diagnose/bootstrap');
    const draw = () => rng.uniform();
    const H = gram(st.groups.centredMean, st.groups.n.length, d);
    const byCluster: number[][] = Array.from({ length: C }, () => []);
    for (let i = 0; i < st.groups.n.length; i++) byCluster[st.groups.cluster[i]].push(i);
    for (let b = 0; b < replicates; b++) {
      const r = core(replicateMoments(st, H, byCluster, point.oo, draw)).est;
      if (r.scale > 0) draws.push(r);
    }
  }
  const keys = ['scale', 'lb', 'v', 'maxConceptCos', 'maxBiasCos', 'symmetry', 'anisotropy', 'kurtosis'] as const;
  const standardErrors = Object.fromEntries(
    keys.map((k) => [k, draws.length >= 2 ? sd(draws.map((r) => (k === 'scale' ? r.scale / s : r[k]))) : null]),
  ) as { [K in keyof HeadlineEstimates]: number | null };

  return {
    estimates: est,
    standardErrors,
    noiseFloor: { conceptCos: Math.min(1, conceptFloor), biasCos: Math.min(1, biasFloor), symmetry: floorOfNorm(symAlpha), lb: floorOfNorm(alphaB) },
    conceptNorms: c.conceptNorms,
    conceptCos: c.conceptCos,
    topEigenvalues: top.map((x) => x / perDirection),
    anisotropyRaw: c.anisotropyRaw,
    isotropicEdge: (1 + Math.sqrt(d / dof)) ** 2,
    effectiveDimension,
    kurtosisGaussian: gaussianNormKurtosis(top, d > top.length ? rest / (d - top.length) : 0, d - top.length, seed),
    replicates: draws.length,
    standardErrorMethod: `bootstrap (seeded): ${draws.length} replicates, each resampling with replacement the (up to ${BOOTSTRAP_GROUPS}) random groups of samples within every cluster; scale's error is relative`,
  };
}
