/**
 * fast-check arbitraries for cluster configurations that satisfy every condition of the v5 main
 * theorems (THEORY §3 table) by construction: each component is drawn inside the interval
 * that the components before it leave open, so no draw is filtered away.
 *
 * Shrinking: the generator is a tuple (K, Q, d, l_b, Z, v, β, τ, seed) of integers and
 * fractions in [0, 1] mapped onto those intervals; fast-check shrinks a tuple left to right and
 * fractions toward 0, i.e. toward the smallest K, then the smallest Q and d, then the smallest
 * magnitudes (l_b = 1/4, Z = 1, v = 0, β = τ = 1, seed 0).
 *
 * Edges: every condition's edge value (conditionEdges.ts) is hit with probability about 1/6 per
 * draw where it is reachable: v = noiseBound(Q), l_b = 1/4 and 1/2, d = 5Q and d = K+1,
 * Z = sharingBound(l_b) (via {@link sharingPairs}), Q = 40 when `requireSize`.
 */
import fc from 'fast-check';
import { ClusterConfigSchema } from './config.ts';
import type { ClusterConfig, ClusterConfigInput } from './config.ts';
import { InvalidInputError, requireInt } from '../theory/errors.ts';
import { LB_MAX, LB_MIN, SIZE_MIN_Q, approxDeltaBound, dimBound, minDim, noiseBound, sharingBound } from './conditionEdges.ts';
import { noiseLimit, zLimit } from '../theory/conditions.ts';
import type { Edition } from '../theory/edition.ts';

/** Size limits of one scale of generated configurations. */
export interface ScaleLimits {
  /** Largest number of concepts K. */
  readonly maxK: number;
  /** Largest samples per cluster Q. */
  readonly maxQ: number;
  /** Largest training-set size N = 2KQ. */
  readonly maxN: number;
  /** Largest feature matrix N·d (entries). */
  readonly maxEntries: number;
}

/**
 * Limits per scale. `small`: N <= 400 and N·d <= 2e5 so that one simulation to τ_1 takes
 * milliseconds and a property can afford hundreds of runs. `full`: N up to 6000 and
 * N·d <= 2e7 (160 MB of features), for a few expensive runs spanning K up to 32.
 */
export const SCALE_LIMITS: Readonly<Record<'small' | 'full', ScaleLimits>> = {
  small: { maxK: 8, maxQ: 200, maxN: 400, maxEntries: 2e5 },
  full: { maxK: 32, maxQ: 1000, maxN: 6000, maxEntries: 2e7 },
};

/**
 * Range of β and τ drawn (log-uniform, with 1 as the shrink target): the theorems hold for any
 * β, τ > 0 (THEORY §4); two decades around 1 exercise the scaling of τ_1 = Kτ ln3/(5β²)
 * without making the flow stiff.
 */
export const BETA_TAU_RANGE = [0.1, 10] as const;

/** Weight of each edge (0 and 1) against the interior (weight {@link INTERIOR_WEIGHT}) in an edge fraction. */
const EDGE_WEIGHT = 1;
/** With edges at weight 1 each, each edge is drawn with probability 1/6: a few hundred draws hit every edge dozens of times. */
const INTERIOR_WEIGHT = 4;

/** Options of {@link validConfigArb}. */
export interface ValidConfigOptions {
  /** Size scale, see {@link SCALE_LIMITS}. */
  readonly scale: 'small' | 'full';
  /** Also satisfy Theorem 4.3's Q >= 40 (THEORY §3, condition "size"). Default false. */
  readonly requireSize?: boolean;
  /** Draw token-sharing patterns with Z up to min(K, sharingBound(l_b)). Default true. */
  readonly allowSharing?: boolean;
  /** Cap on N = 2KQ (default: the scale's). */
  readonly maxN?: number;
  /** Cap on N·d (default: the scale's). */
  readonly maxEntries?: number;
  /**
   * Edition whose conditions are met (THEORY §8): the appendix and v3 allow v <= 1/(4√Q);
   * v3 also needs Z <= Q^{1/4} − 2. Default v5-main.
   */
  readonly edition?: Edition;
}

/**
 * Explicit token pairs for K concepts whose sharing number is exactly Z (THEORY §3): a star in
 * which token 0 belongs to concepts 0..Z-1, paired with tokens 1..Z, and the remaining concepts
 * get fresh disjoint pairs. All token sets differ, so the pairs are a valid assignment.
 * `orientation` 'chosen' puts the shared token on the chosen side (p_k = 0) of every star
 * concept; 'alternating' puts it on the rejected side for odd k, so that star concepts'
 * aligned clusters have token factors a_iᵀa_j of both signs (THEORY §2).
 * @example sharingPairs(4, 3) // [[0,1],[0,2],[0,3],[4,5]]
 */
export function sharingPairs(K: number, Z: number, orientation: 'chosen' | 'alternating' = 'chosen'): Array<[number, number]> {
  requireInt('K', K, 1);
  requireInt('Z', Z, 1);
  if (Z > K) throw new InvalidInputError('Z', `must be <= K = ${K}, got ${Z}`);
  const pairs: Array<[number, number]> = [];
  if (Z === 1) {
    for (let k = 0; k < K; k++) pairs.push([2 * k, 2 * k + 1]);
    return pairs;
  }
  for (let k = 0; k < Z; k++) pairs.push(orientation === 'alternating' && k % 2 === 1 ? [k + 1, 0] : [0, k + 1]);
  for (let k = Z; k < K; k++) {
    const base = Z + 1 + 2 * (k - Z);
    pairs.push([base, base + 1]);
  }
  return pairs;
}

/**
 * Resolution of interior fractions (2^30 steps). Fractions come from integers, not fc.double:
 * fc.double draws uniformly over float *representations*, so on [0, 1] over 90% of its draws are
 * below 1e-3, which would pile every magnitude onto its lower edge.
 */
const FRACTION_STEPS = 2 ** 30;

/** A fraction uniform on [0, 1] (unbiased generation; shrinks toward 0). */
export function unitFraction(): fc.Arbitrary<number> {
  return fc.noBias(fc.integer({ min: 0, max: FRACTION_STEPS })).map((i) => i / FRACTION_STEPS);
}

/** A fraction in [0, 1] that is exactly 0 or exactly 1 with probability 1/6 each, else uniform; shrinks toward 0. */
export function edgeFraction(): fc.Arbitrary<number> {
  return fc.oneof(
    { withCrossShrink: true },
    { arbitrary: fc.constant(0), weight: EDGE_WEIGHT },
    { arbitrary: fc.constant(1), weight: EDGE_WEIGHT },
    { arbitrary: unitFraction(), weight: INTERIOR_WEIGHT },
  );
}

/** Maps f in [0,1] log-uniformly onto the integers [lo, hi] (f = 0 -> lo, f = 1 -> hi exactly). */
export function logInt(f: number, lo: number, hi: number): number {
  if (lo >= hi) return lo;
  const x = Math.round(Math.exp(Math.log(lo) + f * (Math.log(hi) - Math.log(lo))));
  return Math.min(hi, Math.max(lo, x));
}

/** Maps f in [0,1] linearly onto the integers [lo, hi]. */
export function linInt(f: number, lo: number, hi: number): number {
  return Math.min(hi, lo + Math.round(f * (hi - lo)));
}

/** β or τ: exactly 1 (the shrink target) or log-uniform on {@link BETA_TAU_RANGE}. */
export function betaTauArb(): fc.Arbitrary<number> {
  const [lo, hi] = BETA_TAU_RANGE;
  return fc.oneof(
    { withCrossShrink: true },
    fc.constant(1),
    unitFraction().map((f) => lo * Math.pow(hi / lo, f)),
  );
}

/** v3's Z <= Q^{1/4} − 2 (THEORY §8) admits Z = 1 only from Q = 81 = 3⁴ on. */
const V3_MIN_Q = 81;

interface Limits {
  readonly Qmin: number;
  readonly maxQ: number;
  readonly maxN: number;
  readonly maxEntries: number;
  /** Smallest d allowed on top of K+1 (3 for Appendix C's off-axis mass). */
  readonly dFloor: number;
}

/** The Q interval open for K concepts, or null when none is. */
function qRange(K: number, lim: Limits): [number, number] | null {
  const dMin = Math.max(minDim(K), lim.dFloor);
  // d >= dMin must fit under d <= 5Q (condition "dim").
  const lo = Math.max(lim.Qmin, Math.ceil(dMin / 5));
  const hi = Math.min(lim.maxQ, Math.floor(lim.maxN / (2 * K)), Math.floor(lim.maxEntries / (2 * K * dMin)));
  return lo <= hi ? [lo, hi] : null;
}

function resolveLimits(opts: ValidConfigOptions, dFloor: number): { lim: Limits; maxK: number } {
  const scale = SCALE_LIMITS[opts.scale];
  if (scale === undefined) throw new InvalidInputError('scale', `must be 'small' or 'full', got ${String(opts.scale)}`);
  const lim: Limits = {
    Qmin: Math.max(opts.requireSize ? SIZE_MIN_Q : 1, opts.edition === 'v3' ? V3_MIN_Q : 1),
    maxQ: scale.maxQ,
    maxN: requireInt('maxN', opts.maxN ?? scale.maxN, 2),
    maxEntries: requireInt('maxEntries', opts.maxEntries ?? scale.maxEntries, 2),
    dFloor,
  };
  // Feasibility is monotone in K (the Q interval shrinks from both sides as K grows).
  let maxK = 0;
  while (maxK < scale.maxK && qRange(maxK + 1, lim) !== null) maxK++;
  if (maxK === 0) throw new InvalidInputError('maxN', `no configuration fits maxN = ${lim.maxN}, maxEntries = ${lim.maxEntries}`);
  return { lim, maxK };
}

/** The shared tuple of both arbitraries, mapped to a config input plus its Z. */
function baseArb(opts: ValidConfigOptions, dFloor: number): fc.Arbitrary<{ input: ClusterConfigInput; Z: number }> {
  const { lim, maxK } = resolveLimits(opts, dFloor);
  const allowSharing = opts.allowSharing ?? true;
  return fc
    .tuple(
      fc.integer({ min: 1, max: maxK }),
      edgeFraction(),
      edgeFraction(),
      edgeFraction(),
      edgeFraction(),
      fc.boolean(),
      edgeFraction(),
      betaTauArb(),
      betaTauArb(),
      fc.nat({ max: 0xffffffff }),
    )
    .map(([K, fQ, fD, fLb, fZ, alternate, fV, beta, tau, seed]) => {
      const [qLo, qHi] = qRange(K, lim)!;
      const Q = logInt(fQ, qLo, qHi);
      const N = 2 * K * Q;
      const d = logInt(fD, Math.max(minDim(K), lim.dFloor), Math.min(dimBound(Q), Math.floor(lim.maxEntries / N)));
      // l_b on [1/4, 1/2]; f = 1 gives 1/4 + 1/4 = 1/2 exactly.
      const lb = LB_MIN + fLb * (LB_MAX - LB_MIN);
      const edition = opts.edition ?? 'v5-main';
      const zMax = edition === 'v3' ? Math.max(1, Math.min(sharingBound(lb), Math.floor(zLimit(Q, lb, 'v3')))) : sharingBound(lb);
      const Z = allowSharing ? linInt(fZ, 1, Math.min(K, zMax)) : 1;
      const vMax = edition === 'v5-main' ? noiseBound(Q) : noiseLimit(Q, edition);
      const v = fV === 1 ? vMax : fV * vMax;
      const tokens = Z === 1 ? { kind: 'distinct' as const } : { kind: 'pairs' as const, pairs: sharingPairs(K, Z, alternate ? 'alternating' : 'chosen') };
      const input: ClusterConfigInput = { K, Q, d, v, lb, beta, tau, loss: 'dpo', seed, tokens };
      return { input, Z };
    });
}

/**
 * Configurations satisfying every v5 main-text condition (THEORY §3): Z <= 1/(4 l_b²),
 * K+1 <= d <= 5Q, v <= 1/(32 √Q), 1/4 <= l_b <= 1/2, exact basis concepts, and Q >= 40 when
 * `requireSize`. Loss DPO, no departures.
 * @example
 * fc.assert(fc.property(validConfigArb({ scale: 'small' }), (cfg) => sampleDataset(cfg).train.n === 2 * cfg.K * cfg.Q));
 */
export function validConfigArb(opts: ValidConfigOptions): fc.Arbitrary<ClusterConfig> {
  return baseArb(opts, 0).map(({ input }) => ClusterConfigSchema.parse(input));
}

/**
 * Configurations for Appendix C (THEORY §4): as {@link validConfigArb}, but with
 * δ-approximately orthogonal concepts, `concepts: { kind: 'approx', delta }` with
 * 0 <= δ <= approxDeltaBound(Z) = min(ε v/8, 1/4) at the largest admissible
 * ε = 1/(16 v (Z+2)), i.e. δ <= 1/(128 (Z+2)) (δ at its bound with probability about 1/6, 0
 * likewise). d >= 3 so the off-axis mass has room.
 */
export function approxConfigArb(opts: ValidConfigOptions): fc.Arbitrary<ClusterConfig> {
  return fc.tuple(baseArb(opts, 3), edgeFraction()).map(([{ input, Z }, fDelta]) => {
    const delta = fDelta === 1 ? approxDeltaBound(Z) : fDelta * approxDeltaBound(Z);
    return ClusterConfigSchema.parse({ ...input, concepts: { kind: 'approx', delta } });
  });
}
