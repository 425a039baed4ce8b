/**
 * Seeded sampler for the cluster model of THEORY §3: the training set (Q samples per
 * cluster, N = 2KQ) and fresh test samples from the equal-weight mixture, with the departures
 * of `ClusterConfig.departures` applied.
 *
 * Streams (see rng.ts; each depends only on the seed and its name):
 * - `train/cluster/<c>`: the features of training cluster c (so an imbalance change in one
 *   cluster never moves another cluster's samples);
 * - `train/label-noise`: which training samples get swapped labels;
 * - `<seedLabel>/clusters` and `<seedLabel>/features` (default label `test`): test samples,
 *   drawn one after another, so the first m of m+1 test samples are the m-sample test set.
 */
import { ClusterConfigSchema, tokenPairs } from './config.ts';
import type { ClusterConfig, NoiseModel } from './config.ts';
import type { Dataset, PreferenceSet } from './dataset.ts';
import { InvalidInputError, requireInt } from '../theory/errors.ts';
import { conceptVectors, sharedComponent } from './concepts.ts';
import { createStream } from './rng.ts';
import { IN_PLACE_MIN_BYTES, sharedFloat64 } from './sharedMemory.ts';
import type { RandomStream } from './rng.ts';

/**
 * Largest feature matrix the sampler will allocate, in entries (2^29 doubles = 4 GiB, the most a
 * WebAssembly memory holds, see sharedMemory.ts): also a guard against a typo in K, Q or d
 * exhausting memory; the paper's scale is 1.3e8 entries.
 */
export const MAX_FEATURE_ENTRIES = 2 ** 29;

/** Default name of the test sub-stream. */
export const DEFAULT_TEST_LABEL = 'test';

/**
 * Size of each misaligned cluster C_{k,-}: `max(1, round(imbalance * Q))` (departure
 * "imbalance"; 1 gives the paper's balanced Q, THEORY §3). Rounding is Math.round (halves up).
 */
export function negativeClusterSize(Q: number, imbalance: number): number {
  return Math.max(1, Math.round(imbalance * Q));
}

/**
 * Number of training samples in each cluster c = 0..2K-1 (cluster 2k is C_{k,+} with Q samples,
 * 2k+1 is C_{k,-} with {@link negativeClusterSize} samples).
 */
export function clusterSizes(config: Pick<ClusterConfig, 'K' | 'Q' | 'departures'>): Int32Array {
  const sizes = new Int32Array(2 * config.K);
  const neg = negativeClusterSize(config.Q, config.departures.imbalance);
  for (let k = 0; k < config.K; k++) {
    sizes[2 * k] = config.Q;
    sizes[2 * k + 1] = neg;
  }
  return sizes;
}

/**
 * Reference log-probabilities for log-odds ln(pi_0(l|x)/pi_0(w|x)) = L, with all reference mass
 * on the pair: ln pi_0(w) = -ln(1 + e^L) and ln pi_0(l) = ln pi_0(w) + L (departure
 * "refLogOdds"; THEORY §4, failure mode). Computed as a stable softplus.
 * @example referenceLogProbs(0) // { chosen: -ln 2, rejected: -ln 2 }
 */
export function referenceLogProbs(logOdds: number): { chosen: number; rejected: number } {
  const softplus = logOdds > 0 ? logOdds + Math.log1p(Math.exp(-logOdds)) : Math.log1p(Math.exp(logOdds));
  const chosen = -softplus;
  return { chosen, rejected: chosen + logOdds };
}

/** Parses a config (throwing InvalidInputError naming the first bad field) and fills defaults. */
function validated(config: ClusterConfig): ClusterConfig {
  const parsed = ClusterConfigSchema.safeParse(config);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue.path.length > 0 ? issue.path.join('.') : 'config';
    throw new InvalidInputError(field, issue.message.replace(/\s+/g, ' '));
  }
  return parsed.data;
}

/** Per-cluster means l_b e_1 ± c_k in sparse form (indices and values of the non-zeros). */
interface SparseMean {
  readonly index: Int32Array;
  readonly value: Float64Array;
}

function clusterMeans(config: ClusterConfig): SparseMean[] {
  const { K, d } = config;
  const c = conceptVectors(config);
  const b = sharedComponent(config);
  const means: SparseMean[] = [];
  for (let cl = 0; cl < 2 * K; cl++) {
    const k = cl >> 1;
    const sign = cl % 2 === 0 ? 1 : -1;
    const idx: number[] = [];
    const val: number[] = [];
    for (let j = 0; j < d; j++) {
      const m = b[j] + sign * c[k * d + j];
      if (m !== 0) {
        idx.push(j);
        val.push(m);
      }
    }
    means.push({ index: Int32Array.from(idx), value: Float64Array.from(val) });
  }
  return means;
}

/**
 * Draws one noise vector into `out[off..off+d)` per the noise model (THEORY §3: N(0, v² I_d);
 * departures: anisotropic Gaussian, Student-t scaled to variance v²).
 */
type NoiseFiller = (stream: RandomStream, out: Float64Array, off: number) => void;

function noiseFiller(noise: NoiseModel, v: number, d: number): NoiseFiller {
  if (v === 0) return () => {};
  switch (noise.kind) {
    case 'isotropic':
      return (s, out, off) => s.fillNormal(out, off, off + d, v);
    case 'anisotropic': {
      const std = noiseStdDevs(noise, v, d)!;
      return (s, out, off) => {
        s.fillNormal(out, off, off + d, 1);
        for (let j = 0; j < d; j++) out[off + j] *= std[j];
      };
    }
    case 'student-t': {
      // A t(dof) variable has variance dof/(dof-2); rescale to variance v².
      const scale = v * Math.sqrt((noise.dof - 2) / noise.dof);
      const dof = noise.dof;
      return (s, out, off) => {
        for (let j = 0; j < d; j++) out[off + j] = scale * s.studentT(dof);
      };
    }
  }
}

/**
 * Per-coordinate standard deviations of a Gaussian noise law (THEORY §3: v for every coordinate;
 * anisotropic departure: v·sqrt(s_j / mean s) with s_j = ratio^{j/(d-1)}, so the mean variance is
 * v²), or null for a law that is not Gaussian (Student-t). The sampler draws with exactly these.
 */
export function noiseStdDevs(noise: NoiseModel, v: number, d: number): Float64Array | null {
  switch (noise.kind) {
    case 'isotropic':
      return new Float64Array(d).fill(v);
    case 'anisotropic': {
      const mult = new Float64Array(d);
      let sum = 0;
      for (let j = 0; j < d; j++) {
        mult[j] = d === 1 ? 1 : Math.pow(noise.ratio, j / (d - 1));
        sum += mult[j];
      }
      const std = new Float64Array(d);
      for (let j = 0; j < d; j++) std[j] = v * Math.sqrt(mult[j] / (sum / d));
      return std;
    }
    case 'student-t':
      return null;
  }
}

function addMean(out: Float64Array, off: number, mean: SparseMean): void {
  const { index, value } = mean;
  for (let t = 0; t < index.length; t++) out[off + index[t]] += value[t];
}

/**
 * Large training features go into a shared WebAssembly memory, which the simulator's kernel reads
 * in place (sharedMemory.ts, {@link IN_PLACE_MIN_BYTES}); small ones and test features (`shared`
 * false, only the metrics read them) stay plain arrays, since every WebAssembly memory reserves
 * address space of its own.
 */
function allocateFeatures(n: number, d: number, what: string, shared: boolean): Float64Array {
  if (n * d > MAX_FEATURE_ENTRIES) {
    throw new InvalidInputError(what, `n*d = ${n * d} exceeds the sampler's limit of ${MAX_FEATURE_ENTRIES} entries`);
  }
  return shared && 8 * n * d >= IN_PLACE_MIN_BYTES ? sharedFloat64(n * d, what) : new Float64Array(n * d);
}

function vocabOf(pairs: ReadonlyArray<readonly [number, number]>): number {
  let max = 0;
  for (const [p, n] of pairs) max = Math.max(max, p, n);
  return max + 1;
}

function constantArray(n: number, x: number): Float64Array {
  return new Float64Array(n).fill(x);
}

/**
 * Draws the training set of a cluster configuration (THEORY §3), and optionally a test set.
 *
 * Sample order: for k = 0..K-1, first the Q samples of C_{k,+} (cluster id 2k, tokens
 * (w, l) = (p_k, n_k)), then the samples of C_{k,-} (cluster id 2k+1, (w, l) = (n_k, p_k)),
 * with (p_k, n_k) from `tokenPairs(config)`. N = 2KQ when balanced. Features are
 * l_b e_1 ± c_k + noise, row-major.
 *
 * Departures: `imbalance` sets |C_{k,-}| = max(1, round(imbalance Q)); `labelNoise` swaps (w, l)
 * of exactly round(labelNoise N) distinct samples (seeded; features and cluster ids unchanged);
 * `noise` picks the noise law; `refLogOdds` L != 0 adds reference log-probabilities per
 * {@link referenceLogProbs} to every sample (relative to the stored, possibly swapped, (w, l));
 * at L = 0 they are omitted (an indifferent reference; margins never depend on it).
 *
 * `vocab` is the largest token id + 1. The test set (when `testSize` > 0) is
 * {@link sampleTestSet}(config, testSize).
 *
 * @example
 * const cfg = ClusterConfigSchema.parse({ K: 2, Q: 50, d: 10, v: 0.004, lb: 0.5 });
 * const ds = sampleDataset(cfg, { testSize: 1000 }); // ds.train.n === 200
 */
export function sampleDataset(config: ClusterConfig, opts: { testSize?: number } = {}): Dataset {
  const cfg = validated(config);
  const testSize = opts.testSize ?? 0;
  requireInt('testSize', testSize, 0);
  const { K, d } = cfg;
  const sizes = clusterSizes(cfg);
  let n = 0;
  for (const s of sizes) n += s;
  const means = clusterMeans(cfg);
  const pairs = tokenPairs(cfg);
  const fill = noiseFiller(cfg.departures.noise, cfg.v, d);
  const features = allocateFeatures(n, d, 'train', true);
  const chosen = new Int32Array(n);
  const rejected = new Int32Array(n);
  const cluster = new Int32Array(n);
  let i = 0;
  for (let cl = 0; cl < 2 * K; cl++) {
    const stream = createStream(cfg.seed, `train/cluster/${cl}`);
    const [p, q] = pairs[cl >> 1];
    const [w, l] = cl % 2 === 0 ? [p, q] : [q, p];
    for (let r = 0; r < sizes[cl]; r++, i++) {
      const off = i * d;
      fill(stream, features, off);
      addMean(features, off, means[cl]);
      chosen[i] = w;
      rejected[i] = l;
      cluster[i] = cl;
    }
  }
  const flips = Math.round(cfg.departures.labelNoise * n);
  if (flips > 0) {
    const idx = createStream(cfg.seed, 'train/label-noise').sampleWithoutReplacement(n, flips);
    for (const j of idx) {
      const t = chosen[j];
      chosen[j] = rejected[j];
      rejected[j] = t;
    }
  }
  const train: PreferenceSet = { n, d, features, chosen, rejected, cluster, ...referenceArrays(cfg.departures.refLogOdds, n) };
  const test = testSize > 0 ? sampleTestSet(cfg, testSize) : undefined;
  return test === undefined ? { train, vocab: vocabOf(pairs) } : { train, test, vocab: vocabOf(pairs) };
}

function referenceArrays(logOdds: number, n: number): Pick<PreferenceSet, 'refChosenLogp' | 'refRejectedLogp'> {
  if (logOdds === 0) return {};
  const { chosen, rejected } = referenceLogProbs(logOdds);
  return { refChosenLogp: constantArray(n, chosen), refRejectedLogp: constantArray(n, rejected) };
}

/**
 * Draws m fresh samples from the equal-weight mixture of the 2K clusters, the paper's test
 * distribution (THEORY §3), from the sub-streams `<seedLabel>/clusters` (the cluster of each
 * sample, uniform on 0..2K-1) and `<seedLabel>/features`. Samples are drawn one after another,
 * so the first m samples of a larger test set equal the m-sample set, and the training set
 * never depends on the test set. Departures: the noise law and the reference log-odds apply;
 * label noise and imbalance do not (the test set measures the true preferences under equal
 * weights).
 * @example sampleTestSet(cfg, 5000, 'test-2') // an independent second test set
 */
export function sampleTestSet(config: ClusterConfig, m: number, seedLabel: string = DEFAULT_TEST_LABEL): PreferenceSet {
  const cfg = validated(config);
  requireInt('testSize', m, 1);
  const { K, d } = cfg;
  const means = clusterMeans(cfg);
  const pairs = tokenPairs(cfg);
  const fill = noiseFiller(cfg.departures.noise, cfg.v, d);
  const pick = createStream(cfg.seed, `${seedLabel}/clusters`);
  const stream = createStream(cfg.seed, `${seedLabel}/features`);
  const features = allocateFeatures(m, d, 'testSize', false);
  const chosen = new Int32Array(m);
  const rejected = new Int32Array(m);
  const cluster = new Int32Array(m);
  for (let i = 0; i < m; i++) {
    const cl = pick.uniformInt(2 * K);
    const off = i * d;
    fill(stream, features, off);
    addMean(features, off, means[cl]);
    const [p, q] = pairs[cl >> 1];
    chosen[i] = cl % 2 === 0 ? p : q;
    rejected[i] = cl % 2 === 0 ? q : p;
    cluster[i] = cl;
  }
  return { n: m, d, features, chosen, rejected, cluster, ...referenceArrays(cfg.departures.refLogOdds, m) };
}
