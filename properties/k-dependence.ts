/**
 * The paper's Figure 5, qualitatively (THEORY.md §4, Theorem 4.2: both slopes of the sandwich
 * scale as 1/K): at a fixed flow time t, the mean training margin decreases with the number of
 * concepts K. Each input is compared with the same configuration at 2K (same Q, d, v, l_b, β, τ
 * and seed), both flowed to τ_1 of the smaller K.
 *
 * With distinct tokens concepts do not interact (a_iᵀa_j = 0 across concepts, THEORY.md §2), and
 * the sampler draws cluster c from its own stream, so the first K concepts of the 2K set are
 * exactly the K set; the statement is then about the 1/N = 1/(2KQ) factor of Lemma 4.1 and the
 * monotone growth of the margins, not about luck. Whether test margins follow training margins
 * is recorded alongside (measured only).
 */
import * as fc from 'fast-check';
import { defineClaim, type GenOptions, type Trial } from '../src/check/claim.ts';
import { flowTrajectory, ERROR_SAFETY_FACTOR, ROUNDING_RELATIVE } from '../src/check/measure.ts';
import { edgeFraction, unitFraction } from '../src/data/arbitraries.ts';
import { ClusterConfigSchema, type ClusterConfig } from '../src/data/config.ts';
import { LB_MAX, LB_MIN, dimBound } from '../src/data/conditionEdges.ts';
import { noiseLimit, trainingMarginSandwich } from '../src/theory/index.ts';
import { configShape } from './_internals/inputs.ts';

/** Largest K of the smaller configuration (the doubled one has up to 8 concepts). Ours: the brief's 1..4. */
export const K_DEPENDENCE_MAX_K = 4;

/**
 * Size caps on the doubled configuration (N = 4KQ samples, N·d feature entries). Ours: small
 * keeps both simulations to milliseconds; full reaches Q = 250 at K = 4 while one pair of
 * simulations stays around a second.
 */
export const K_DEPENDENCE_LIMITS = {
  small: { maxQ: 50, maxN: 400, maxEntries: 2e5 },
  full: { maxQ: 500, maxN: 4000, maxEntries: 2e6 },
} as const;

/** Fresh test samples per configuration for the (measured) test-margin comparison. */
export const K_DEPENDENCE_TEST_SAMPLES = { small: 200, full: 2000 } as const;

/** β and τ are drawn log-uniformly on this range (as validConfigArb does), 1 being the shrink target. */
const BETA_TAU_RANGE = [0.1, 10] as const;

/** Maps f in [0, 1] log-uniformly onto the integers [lo, hi] (f = 0 -> lo, f = 1 -> hi). */
function logInt(f: number, lo: number, hi: number): number {
  if (lo >= hi) return lo;
  return Math.min(hi, Math.max(lo, Math.round(lo * Math.pow(hi / lo, f))));
}

function betaTau(): fc.Arbitrary<number> {
  const [lo, hi] = BETA_TAU_RANGE;
  return fc.oneof({ withCrossShrink: true }, fc.constant(1), unitFraction().map((f) => lo * Math.pow(hi / lo, f)));
}

/**
 * The smaller configuration of a pair: distinct tokens, K in 1..4, Q and d with
 * 2K+1 <= d <= 5Q (so that the doubled configuration is valid too), v up to the v5 noise limit
 * (which depends on Q only, so it holds at 2K as well), l_b in [1/4, 1/2]. Shrinks toward K = 1,
 * the smallest Q and d, v = 0, l_b = 1/4, β = τ = 1.
 */
export function kDependenceArb(opts: Pick<GenOptions, 'scale'>): fc.Arbitrary<ClusterConfig> {
  const lim = K_DEPENDENCE_LIMITS[opts.scale];
  return fc
    .tuple(
      fc.integer({ min: 1, max: K_DEPENDENCE_MAX_K }),
      edgeFraction(),
      edgeFraction(),
      edgeFraction(),
      edgeFraction(),
      betaTau(),
      betaTau(),
      fc.nat({ max: 0xffffffff }),
    )
    .map(([K, fQ, fD, fV, fLb, beta, tau, seed]) => {
      const dMin = 2 * K + 1;
      const qLo = Math.ceil(dMin / 5);
      const qHi = Math.max(qLo, Math.min(lim.maxQ, Math.floor(lim.maxN / (4 * K)), Math.floor(lim.maxEntries / (4 * K * dMin))));
      const Q = logInt(fQ, qLo, qHi);
      const d = logInt(fD, dMin, Math.max(dMin, Math.min(dimBound(Q), Math.floor(lim.maxEntries / (4 * K * Q)))));
      const v = fV * noiseLimit(Q, 'v5-main');
      const lb = LB_MIN + fLb * (LB_MAX - LB_MIN);
      return ClusterConfigSchema.parse({ K, Q, d, v, lb, beta, tau, seed, tokens: { kind: 'distinct' } });
    });
}

/** The same configuration with 2K concepts (everything else equal). */
export function doubledConfig(config: ClusterConfig): ClusterConfig {
  return ClusterConfigSchema.parse({ ...config, K: 2 * config.K });
}

export const kDependence = defineClaim<ClusterConfig>({
  id: 'k-dependence',
  title: 'At fixed t the mean training margin decreases with K: mean r(τ_1; 2K) < mean r(τ_1; K)',
  section: "THEORY.md §4, Theorem 4.2 (slopes ∝ 1/K); the paper's Figure 5, qualitatively",
  edition: 'all',
  expectation: 'holds',
  generator: `valid configurations with distinct tokens, K in 1..${K_DEPENDENCE_MAX_K}, 2K+1 <= d <= 5Q (the 2K twin is valid too), v <= 1/(32√Q), l_b in [1/4, 1/2], β, τ log-uniform on [0.1, 10]`,
  measures: 'ratio of mean training margins mean r(2K)/mean r(K) at t = τ_1(K) (same Q, d, v, l_b, β, τ, seed); test vs training means recorded',
  bound: `ratio < 1 (violated when mean r(2K) − mean r(K) exceeds ${ERROR_SAFETY_FACTOR}×(both error estimates) + rounding)`,
  runs: { small: 30, full: 150 },
  coverage: { 'K>=2': 0.4 },
  arbitrary: (opts) => kDependenceArb(opts),
  check: async (config, opts): Promise<Trial> => {
    const twin = doubledConfig(config);
    const tEnd = trainingMarginSandwich(config.K, config.beta, config.tau).tau1;
    const testSize = K_DEPENDENCE_TEST_SAMPLES[opts.scale];
    const trajOptions = { tEnd, testSize, gridPoints: 1, solverSteps: false } as const;
    const [small, big] = await Promise.all([flowTrajectory(config, trajOptions), flowTrajectory(twin, trajOptions)]);
    const a = small.result, b = big.result;
    const ratio = b.train.mean / a.train.mean;
    const tol = ERROR_SAFETY_FACTOR * (a.errorEstimate + b.errorEstimate) + ROUNDING_RELATIVE * Math.abs(a.train.mean);
    const excess = b.train.mean - a.train.mean;
    const testA = a.test!.mean, testB = b.test!.mean;
    return {
      violated: excess > tol,
      withinTolerance: excess >= 0 && excess <= tol,
      observed: ratio,
      bound: 1,
      slack: 1 - ratio,
      detail: {
        ...configShape(config),
        meanTrainK: a.train.mean,
        meanTrain2K: b.train.mean,
        meanTestK: testA,
        meanTest2K: testB,
        testRatio: testB / testA,
        // Measured only: do test margins order like training margins, and how close are they?
        testFollowsTrain: testB < testA,
        testOverTrainK: testA / a.train.mean,
        testOverTrain2K: testB / b.train.mean,
        testErrorK: a.test!.error,
        testError2K: b.test!.error,
        tolerance: tol,
      },
      labels: [config.K >= 2 ? 'K>=2' : 'K=1', ...(config.v === 0 ? ['noiseless'] : [])],
    };
  },
});
