/**
 * Assumption-breaking generators (issue 5): for each condition of the main theorems
 * (THEORY.md §3, "Conditions of the theorems (main text, v5)"; Appendix C for `ortho`) and for
 * each departure beyond the paper, a fast-check arbitrary of configurations that break exactly
 * that one thing by a chosen magnitude m and satisfy every other condition, plus a labeller
 * ({@link describeBreak}) that measures, from a configuration alone, what it breaks and by how
 * much.
 *
 * **Magnitude axes.** For a paper condition m is the factor by which the constrained quantity
 * exceeds what the condition allows: m = 1 is exactly the edge (the condition holds with
 * equality), m < 1 is inside the condition (it holds with room to spare), m > 1 breaks it. So m
 * is 1/slack of src/theory's `theoremConditions`. For a departure beyond the paper, m is the
 * natural size of the departure and `neutral` is the value at which it is absent.
 *
 * | id | kind | construction (m = magnitude) | m = 1 | neutral / m < 1 | domain | default range |
 * |---|---|---|---|---|---|---|
 * | `Z` | paper | Z concepts share token 0 ({@link sharingPairs}), Z ∈ [max(1,⌈m⌉), min(K,⌊4m⌋)], l_b = sqrt(m/(4Z)) ∈ [1/4, 1/2], so m = 4 l_b² Z | Z = 1/(4 l_b²) | Z below its allowance | [1/4, maxK] | [1, 4] |
 * | `dim` | paper | d = ⌈5mQ⌉, so the realised m = d/(5Q) is within 1/(5Q) above m | d = 5Q | d < 5Q (needs 5mQ >= K+1) | (0, ∞) | [1, 10] |
 * | `noise` | paper | v = m/(32 √Q), so m = v/noiseBound(Q) | v = 1/(32√Q) | m = 0: noiseless; m = 8: the appendix/v3 edge 1/(4√Q) (THEORY §8) | [0, ∞) | [1, 32] |
 * | `shared-high` | paper (`shared`) | l_b = m/2, Z = 1 when m > 1 | l_b = 1/2 | [1/2, 1): l_b ∈ [1/4, 1/2) | [1/2, ∞) | [1, 4] |
 * | `shared-low` | paper (`shared`) | l_b = 1/(4m) | l_b = 1/4 | [1/2, 1): l_b ∈ (1/4, 1/2] | [1/2, ∞) | [1, 16] |
 * | `size` | paper | Q = ⌊40/m⌋, so the realised m = 40/Q | Q = 40 | Q > 40 | [40/maxQ, 40] | [1, 40] |
 * | `ortho` | paper | Appendix C concepts, δ = m · approxDeltaBound(Z) = m/(128(Z+2)) | δ at Appendix C's allowance | m = 0: exact basis | [0, 384] | [1, 96] |
 * | `ortho-correlated` | paper (`ortho`) | correlated concepts <c_j,c_k> = ρ whose alignment sqrt(1-ρ) = 1 - δ²/8 with δ as for `ortho` | as `ortho` | m = 0: exact basis | [0, 384] | [1, 96] |
 * | `imbalance` | beyond | \|C_{k,-}\| = round(Q/m), so m = \|C_{k,+}\|/\|C_{k,-}\| | balanced (neutral) | — | [1, ∞) | [1, 5] |
 * | `label-noise` | beyond | a fraction m of training samples has (w, l) swapped | — | 0 (neutral) | [0, 1/2] | [0, 0.5] |
 * | `anisotropic` | beyond | noise variances spread geometrically over a ratio m (max/min) | isotropic (neutral) | — | [1, ∞) | [1, 100] |
 * | `heavy-tail` | beyond | Student-t noise with dof = 1/m, variance v² | — | 0: Gaussian (neutral) | [0, 1/2) | [0, 0.45] |
 * | `shared-pair` | beyond | K = ⌊m⌋ concepts, all with the one token pair (0, 1) (authors' " Yes"/" No") | one concept (neutral) | — | [1, 4] | [1, 4] |
 * | `ref-prefers-rejected` | beyond | reference log-odds ln(pi_0(l)/pi_0(w)) = m ln3/β | the failure-mode edge pi_0(l)/pi_0(w) = 3^{1/β} (THEORY §4, failure mode) | 0: indifferent (neutral); m < 0 prefers the chosen | (-∞, ∞) | [0, 4] |
 *
 * **Every other condition holds**, constructively: each generator draws the remaining
 * parameters inside the region the broken one leaves open (no filtering). With imbalanced
 * clusters the conditions are kept for both cluster sizes (d <= 5 min, Q >= 40 for the smaller,
 * v <= 1/(32 √Q) for the larger); with anisotropic noise the noise condition is kept for the
 * noisiest coordinate. By default Theorem 4.3's Q >= 40 is kept too (`requireSize`).
 *
 * **One unavoidable exception**: `shared-high` with m > 1 also breaks `Z`: Z >= 1 and
 * Z <= 1/(4 l_b²) force l_b <= 1/2, so the upper end of `shared` is implied by `Z` (Z is taken
 * as 1, the smallest break, whose magnitude is then m²). This is recorded in
 * {@link DepartureAxis.alsoBreaks}. Likewise `shared-pair` stops at K = 4 = 1/(4·(1/4)²): five
 * concepts sharing one pair break `Z` whatever l_b.
 *
 * **Shrinking**: the magnitude is a parameter, never drawn, so shrinking keeps it fixed; the
 * drawn tuple shrinks toward the smallest feasible K, then the smallest Q and d, then l_b, Z
 * and v toward their lower ends, β = τ = 1 and seed 0 (as in arbitraries.ts).
 */
import fc from 'fast-check';
import { ClusterConfigSchema, tokenPairs } from './config.ts';
import type { ClusterConfig, ClusterConfigInput, ConceptVectors, NoiseModel, TokenAssignment } from './config.ts';
import { SCALE_LIMITS, betaTauArb, edgeFraction, linInt, logInt, sharingPairs, unitFraction } from './arbitraries.ts';
import { LB_MAX, LB_MIN, SIZE_MIN_Q, approxDeltaBound, dimBound, noiseBound, sharingBound } from './conditionEdges.ts';
import { conceptMinDim } from './concepts.ts';
import { negativeClusterSize } from './sampler.ts';
import { InvalidInputError, requireFinite, requireInt } from '../theory/errors.ts';
import { LN3 } from '../theory/numerics.ts';
import { tokenSharingZ } from '../theory/tokenSharing.ts';

/** Every departure, in report order: the paper's conditions first, then the ones beyond it. */
export const DEPARTURE_IDS = [
  'Z',
  'dim',
  'noise',
  'shared-high',
  'shared-low',
  'size',
  'ortho',
  'ortho-correlated',
  'imbalance',
  'label-noise',
  'anisotropic',
  'heavy-tail',
  'shared-pair',
  'ref-prefers-rejected',
] as const;
export type DepartureId = (typeof DEPARTURE_IDS)[number];

/** The conditions of the main theorems (THEORY.md §3 table) that a departure can break. */
export const PAPER_CONDITIONS = ['Z', 'dim', 'noise', 'shared', 'size', 'ortho'] as const;
export type PaperCondition = (typeof PAPER_CONDITIONS)[number];

/** Metadata of one magnitude axis, for the explorer's frontier search and the CLI's help. */
export interface DepartureAxis {
  readonly id: DepartureId;
  /** 'paper': breaks a condition of THEORY §3; 'beyond': a departure the paper does not consider. */
  readonly kind: 'paper' | 'beyond';
  /** The THEORY §3 condition it breaks (null for departures beyond the paper). */
  readonly condition: PaperCondition | null;
  /** One line: what is changed. */
  readonly description: string;
  /** What m measures, and what m = 0 and m = 1 mean. */
  readonly magnitudeMeaning: string;
  /** The range of m worth exploring, from the edge (or the neutral value) outward. */
  readonly defaultRange: readonly [number, number];
  /** Every m {@link breakingConfigArb} accepts (scale limits may narrow it further). */
  readonly domain: readonly [number, number];
  /** The m at which the paper's edge lies (1 for paper conditions), or null where there is none. */
  readonly edge: number | null;
  /** The m at which the departure is absent (beyond-paper departures), or null. */
  readonly neutral: number | null;
  /** Departures necessarily broken as well once m is past the edge (see the module comment). */
  readonly alsoBreaks: readonly DepartureId[];
}

/**
 * Largest Appendix C magnitude accepted: δ = m/(128(Z+2)) must stay <= 1 (the schema's cap on
 * δ) for every Z, and Z = 1 gives δ = m/384.
 */
const ORTHO_MAX_MAGNITUDE = 384;

const AXES: Readonly<Record<DepartureId, DepartureAxis>> = {
  Z: {
    id: 'Z',
    kind: 'paper',
    condition: 'Z',
    description: 'Z concepts share one token, with l_b chosen so that Z = m/(4 l_b^2)',
    magnitudeMeaning: 'm = 4 l_b^2 Z, the sharing number over its allowance 1/(4 l_b^2); 1 = at the edge, > 1 broken',
    // Z <= K, and with Q >= 40 the small scale (N <= 400) fits K <= 5.
    defaultRange: [1, 4],
    domain: [0.25, 32],
    edge: 1,
    neutral: null,
    alsoBreaks: [],
  },
  dim: {
    id: 'dim',
    kind: 'paper',
    condition: 'dim',
    description: 'feature dimension d = ceil(5 m Q) above the allowed 5Q',
    magnitudeMeaning: 'm = d/(5Q); 1 = d at 5Q, > 1 broken',
    defaultRange: [1, 10],
    domain: [Number.MIN_VALUE, Number.POSITIVE_INFINITY],
    edge: 1,
    neutral: null,
    alsoBreaks: [],
  },
  noise: {
    id: 'noise',
    kind: 'paper',
    condition: 'noise',
    description: 'noise scale v = m/(32 sqrt Q)',
    magnitudeMeaning: 'm = 32 v sqrt(Q); 0 = noiseless, 1 = the v5 main-text edge, 8 = the appendix/v3 edge 1/(4 sqrt Q)',
    defaultRange: [1, 32],
    domain: [0, Number.POSITIVE_INFINITY],
    edge: 1,
    neutral: null,
    alsoBreaks: [],
  },
  'shared-high': {
    id: 'shared-high',
    kind: 'paper',
    condition: 'shared',
    description: 'shared component l_b = m/2 above 1/2 (also breaks Z, which forces l_b <= 1/2)',
    magnitudeMeaning: 'm = 2 l_b; 1 = l_b at 1/2, > 1 broken (and Z broken by m^2)',
    defaultRange: [1, 4],
    domain: [0.5, Number.POSITIVE_INFINITY],
    edge: 1,
    neutral: null,
    alsoBreaks: ['Z'],
  },
  'shared-low': {
    id: 'shared-low',
    kind: 'paper',
    condition: 'shared',
    description: 'shared component l_b = 1/(4m) below 1/4',
    magnitudeMeaning: 'm = 1/(4 l_b); 1 = l_b at 1/4, > 1 broken',
    defaultRange: [1, 16],
    domain: [0.5, Number.POSITIVE_INFINITY],
    edge: 1,
    neutral: null,
    alsoBreaks: [],
  },
  size: {
    id: 'size',
    kind: 'paper',
    condition: 'size',
    description: 'samples per cluster Q = floor(40/m) below the 40 of Theorem 4.3',
    magnitudeMeaning: 'm = 40/Q (realised after the floor); 1 = Q at 40, > 1 broken, 40 = Q of 1',
    defaultRange: [1, 40],
    domain: [0.04, 40],
    edge: 1,
    neutral: null,
    alsoBreaks: [],
  },
  ortho: {
    id: 'ortho',
    kind: 'paper',
    condition: 'ortho',
    description: "Appendix C's delta-approximately orthogonal concepts with delta = m/(128(Z+2))",
    magnitudeMeaning: "m = delta over Appendix C's allowance min(eps v/8, 1/4) = 1/(128(Z+2)); 0 = exact basis, 1 = at the allowance",
    defaultRange: [1, 96],
    domain: [0, ORTHO_MAX_MAGNITUDE],
    edge: 1,
    neutral: null,
    alsoBreaks: [],
  },
  'ortho-correlated': {
    id: 'ortho-correlated',
    kind: 'paper',
    condition: 'ortho',
    description: 'correlated concepts <c_j, c_k> = rho, with alignment sqrt(1-rho) = 1 - delta^2/8 for delta as in ortho',
    magnitudeMeaning: "m = delta_eq over Appendix C's allowance, delta_eq = sqrt(8(1 - sqrt(1-rho))); 0 = exact basis, 1 = at the allowance",
    defaultRange: [1, 96],
    domain: [0, ORTHO_MAX_MAGNITUDE],
    edge: 1,
    neutral: null,
    alsoBreaks: [],
  },
  imbalance: {
    id: 'imbalance',
    kind: 'beyond',
    condition: null,
    description: 'each misaligned cluster C_{k,-} has round(Q/m) samples instead of Q',
    magnitudeMeaning: 'm = |C_{k,+}|/|C_{k,-}| (realised after rounding); 1 = balanced',
    defaultRange: [1, 5],
    domain: [1, Number.POSITIVE_INFINITY],
    edge: null,
    neutral: 1,
    alsoBreaks: [],
  },
  'label-noise': {
    id: 'label-noise',
    kind: 'beyond',
    condition: null,
    description: 'a fraction m of the training samples has chosen and rejected swapped',
    magnitudeMeaning: 'm = round(m N)/N, the flipped fraction; 0 = clean labels, 1/2 = labels carry no information',
    defaultRange: [0, 0.5],
    domain: [0, 0.5],
    edge: null,
    neutral: 0,
    alsoBreaks: [],
  },
  anisotropic: {
    id: 'anisotropic',
    kind: 'beyond',
    condition: null,
    description: 'Gaussian noise with per-coordinate variances spread geometrically over a ratio m',
    magnitudeMeaning: 'm = largest/smallest coordinate variance; 1 = isotropic',
    defaultRange: [1, 100],
    domain: [1, Number.POSITIVE_INFINITY],
    edge: null,
    neutral: 1,
    alsoBreaks: [],
  },
  'heavy-tail': {
    id: 'heavy-tail',
    kind: 'beyond',
    condition: null,
    description: 'Student-t noise with 1/m degrees of freedom, scaled to variance v^2',
    magnitudeMeaning: 'm = 1/dof; 0 = Gaussian, toward 1/2 the variance becomes infinite (dof -> 2)',
    defaultRange: [0, 0.45],
    domain: [0, 0.5],
    edge: null,
    neutral: 0,
    alsoBreaks: [],
  },
  'shared-pair': {
    id: 'shared-pair',
    kind: 'beyond',
    condition: null,
    description: 'all K = floor(m) concepts answer with one token pair (the authors\' " Yes"/" No")',
    magnitudeMeaning: 'm = number of concepts sharing the pair; 1 = a single concept (no sharing); at most 4, where Z = K still fits 1/(4 l_b^2)',
    defaultRange: [1, 4],
    domain: [1, 4],
    edge: null,
    neutral: 1,
    alsoBreaks: [],
  },
  'ref-prefers-rejected': {
    id: 'ref-prefers-rejected',
    kind: 'beyond',
    condition: null,
    description: 'the reference policy has log-odds ln(pi_0(l)/pi_0(w)) = m ln3/beta for every sample',
    magnitudeMeaning: 'm = beta ln(pi_0(l)/pi_0(w))/ln 3; 0 = indifferent, 1 = the failure-mode edge pi_0(l)/pi_0(w) = 3^{1/beta}, < 0 prefers the chosen',
    defaultRange: [0, 4],
    domain: [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY],
    edge: 1,
    neutral: 0,
    alsoBreaks: [],
  },
};

/** Whether `id` names a departure. */
export function isDepartureId(id: string): id is DepartureId {
  return (DEPARTURE_IDS as readonly string[]).includes(id);
}

function requireDeparture(id: string): DepartureId {
  if (!isDepartureId(id)) throw new InvalidInputError('departure', `must be one of ${DEPARTURE_IDS.join(', ')}, got '${id}'`);
  return id;
}

/**
 * Metadata of a departure's magnitude axis (see the table in the module comment).
 * @example departureAxis('noise').defaultRange // [1, 32]
 */
export function departureAxis(id: DepartureId): DepartureAxis {
  return AXES[requireDeparture(id)];
}

/**
 * The departures that break one THEORY §3 condition (e.g. `shared` -> shared-high, shared-low),
 * so that `--condition shared` can explore both directions.
 * @example departuresBreaking('ortho') // ['ortho', 'ortho-correlated']
 */
export function departuresBreaking(condition: PaperCondition): DepartureId[] {
  if (!(PAPER_CONDITIONS as readonly string[]).includes(condition)) {
    throw new InvalidInputError('condition', `must be one of ${PAPER_CONDITIONS.join(', ')}, got '${String(condition)}'`);
  }
  return DEPARTURE_IDS.filter((id) => AXES[id].condition === condition);
}

// ---------------------------------------------------------------------------------------------
// Measuring a configuration

/** What a configuration breaks (paper conditions) or departs from (beyond the paper), and by how much. */
export interface BreakDescription {
  /** Departures present: paper conditions broken (m > 1) and beyond-paper departures away from neutral, in {@link DEPARTURE_IDS} order. */
  readonly broken: DepartureId[];
  /** The THEORY §3 conditions broken, in {@link PAPER_CONDITIONS} order. */
  readonly conditions: PaperCondition[];
  /** The realised magnitude of every axis (paper axes: 1/slack; beyond-paper: the neutral value when absent). */
  readonly magnitudes: Record<DepartureId, number>;
}

/**
 * Appendix C's δ that correlated concepts amount to, as the sampled concept vectors show it:
 * their alignment with the basis vector is a = sqrt(1-ρ) (stored exactly so by concepts.ts), and
 * Appendix C asks for a >= 1 - δ²/8 (THEORY §4), so the smallest admissible δ is
 * sqrt(8 (1 - a)). 1 - a is exact (a is near 1), so this is the δ of the stored vectors; it
 * resolves δ to about 1e-16/(δ²/8) relative (1e-10 at Appendix C's allowance).
 */
export function correlatedDelta(rho: number): number {
  return Math.sqrt(8 * (1 - Math.sqrt(1 - rho)));
}

/**
 * Largest per-coordinate noise standard deviation over v, for the noise law of a
 * configuration: 1 for isotropic and Student-t (scaled to variance v²); for anisotropic noise
 * the largest of the sampler's sqrt(s_j / mean s) with s_j = ratio^{j/(d-1)}, evaluated the
 * way sampler.ts does.
 */
export function noiseStdFactor(noise: NoiseModel, d: number): number {
  if (noise.kind !== 'anisotropic' || d === 1) return 1;
  const mult = new Float64Array(d);
  let sum = 0;
  for (let j = 0; j < d; j++) {
    mult[j] = Math.pow(noise.ratio, j / (d - 1));
    sum += mult[j];
  }
  let worst = 0;
  for (let j = 0; j < d; j++) worst = Math.max(worst, Math.sqrt(mult[j] / (sum / d)));
  return worst;
}

/** Cluster sizes as the conditions see them: the larger and smaller of |C_{k,+}| = Q and |C_{k,-}|. */
function clusterSizeRange(config: Pick<ClusterConfig, 'Q' | 'departures'>): { qLo: number; qHi: number; neg: number } {
  const neg = negativeClusterSize(config.Q, config.departures.imbalance);
  return { qLo: Math.min(config.Q, neg), qHi: Math.max(config.Q, neg), neg };
}

/** Largest number of concepts with one and the same token set (1 when all sets differ). */
function repeatedTokenSet(pairs: ReadonlyArray<readonly [number, number]>): number {
  const count = new Map<string, number>();
  for (const [p, n] of pairs) {
    const key = `${Math.min(p, n)},${Math.max(p, n)}`;
    count.set(key, (count.get(key) ?? 0) + 1);
  }
  return Math.max(...count.values());
}

/**
 * Labels what a configuration breaks and by how much, measured from the configuration itself
 * (not from how it was generated), with the same inequalities as THEORY §3 written in
 * conditionEdges.ts:
 * - `Z`: m = 4 l_b² Z, broken iff Z > 1/(4 l_b²) (Z from the token pairs, THEORY §3);
 * - `dim`: m = d/(5 Q_lo), `size`: m = 40/Q_lo, `noise`: m = σ_max/(1/(32 √Q_hi)), where Q_lo,
 *   Q_hi are the smaller and larger cluster sizes and σ_max the largest per-coordinate noise
 *   standard deviation ({@link noiseStdFactor} · v);
 * - `shared-high`: m = 2 l_b (broken iff l_b > 1/2); `shared-low`: m = 1/(4 l_b) (iff l_b < 1/4);
 * - `ortho`: δ/approxDeltaBound(Z) for approx concepts (0 otherwise); `ortho-correlated`:
 *   {@link correlatedDelta}(ρ)/approxDeltaBound(Z) for correlated concepts (0 otherwise);
 * - beyond the paper: `imbalance` Q_hi/Q_lo, `label-noise` round(f N)/N (the sampler's flips),
 *   `anisotropic` the variance ratio, `heavy-tail` 1/dof, `shared-pair` the largest number of
 *   concepts with one token set, `ref-prefers-rejected` β·refLogOdds/ln 3 (present iff > 0).
 * @example describeBreak(cfg) // { broken: ['noise'], conditions: ['noise'], magnitudes: { noise: 2.0, ... } }
 */
export function describeBreak(config: ClusterConfig): BreakDescription {
  const { K, d, v, lb, departures: dep } = config;
  const { qLo, qHi, neg } = clusterSizeRange(config);
  const pairs = tokenPairs(config);
  const Z = tokenSharingZ(pairs);
  const deltaBound = approxDeltaBound(Z);
  const sigmaMax = v * noiseStdFactor(dep.noise, d);
  const n = K * (config.Q + neg);
  const flips = Math.round(dep.labelNoise * n);
  const sharedSet = repeatedTokenSet(pairs);
  const c = config.concepts;
  const rows: Record<DepartureId, [number, boolean]> = {
    Z: [4 * lb * lb * Z, Z > 1 / (4 * lb * lb)],
    dim: [d / dimBound(qLo), d > dimBound(qLo)],
    noise: [sigmaMax / noiseBound(qHi), sigmaMax > noiseBound(qHi)],
    'shared-high': [lb / LB_MAX, lb > LB_MAX],
    'shared-low': [LB_MIN / lb, lb < LB_MIN],
    size: [SIZE_MIN_Q / qLo, qLo < SIZE_MIN_Q],
    ortho: c.kind === 'approx' ? [c.delta / deltaBound, c.delta > deltaBound] : [0, false],
    'ortho-correlated': c.kind === 'correlated' ? [correlatedDelta(c.rho) / deltaBound, correlatedDelta(c.rho) > deltaBound] : [0, false],
    imbalance: [qHi / qLo, qHi !== qLo],
    'label-noise': [flips / n, flips > 0],
    anisotropic: dep.noise.kind === 'anisotropic' ? [dep.noise.ratio, dep.noise.ratio > 1] : [1, false],
    'heavy-tail': dep.noise.kind === 'student-t' ? [1 / dep.noise.dof, true] : [0, false],
    'shared-pair': [sharedSet, sharedSet > 1],
    'ref-prefers-rejected': [(config.beta * dep.refLogOdds) / LN3, dep.refLogOdds > 0],
  };
  const broken = DEPARTURE_IDS.filter((id) => rows[id][1]);
  const conditions = PAPER_CONDITIONS.filter((cond) => broken.some((id) => AXES[id].condition === cond));
  const magnitudes = Object.fromEntries(DEPARTURE_IDS.map((id) => [id, rows[id][0]])) as Record<DepartureId, number>;
  return { broken, conditions, magnitudes };
}

// ---------------------------------------------------------------------------------------------
// Generating

/** Options of {@link breakingConfigArb}. */
export interface BreakingConfigOptions {
  /** Size scale, see SCALE_LIMITS in arbitraries.ts. */
  readonly scale: 'small' | 'full';
  /** Cap on the training-set size N (default: the scale's). */
  readonly maxN?: number;
  /** Cap on N·d (default: the scale's). */
  readonly maxEntries?: number;
  /**
   * Keep Theorem 4.3's Q >= 40 (THEORY §3, condition "size") for every departure but `size`.
   * Default true, so that a configuration breaks exactly one condition of either theorem; set
   * false to reach smaller configurations when only Theorem 4.2 is under test.
   */
  readonly requireSize?: boolean;
}

/** Unit-in-the-last-place steps for settling a value on the intended side of an edge. */
const f64 = new Float64Array(1);
const i64 = new BigInt64Array(f64.buffer);
function nextAfter(x: number, up: boolean): number {
  if (x === 0) return up ? Number.MIN_VALUE : -Number.MIN_VALUE;
  f64[0] = x;
  i64[0] += (x > 0) === up ? 1n : -1n;
  return f64[0];
}

/**
 * Most ulp steps {@link settle} takes: a value computed as m × (edge) or sqrt(m/(4Z)) lands
 * within a couple of ulps of where the edge test flips, so more than this is a bug.
 */
const MAX_SETTLE_STEPS = 16;

/**
 * Relative step for settling ρ of correlated concepts: {@link correlatedDelta} resolves δ only to
 * about 1e-10 relative (one ulp of the alignment near 1), far coarser than an ulp of ρ, so ρ
 * moves by 2^-34 (6e-11) relative per step, which {@link MAX_SETTLE_STEPS} steps more than cover.
 */
const RHO_SETTLE_STEP = 2 ** -34;
function rhoStep(rho: number, up: boolean): number {
  return rho * (up ? 1 + RHO_SETTLE_STEP : 1 - RHO_SETTLE_STEP);
}

/**
 * Moves x by single ulps (up when `up`) until `ok(x)`: used where rounding could put a value
 * built to sit on the broken (m > 1) or the holding (m <= 1) side of an edge on the other side.
 * `step` replaces the ulp step where the edge test resolves x more coarsely than its ulp.
 */
function settle(x: number, ok: (y: number) => boolean, up: boolean, step: (y: number, up: boolean) => number = nextAfter): number {
  let y = x;
  for (let i = 0; i <= MAX_SETTLE_STEPS; i++) {
    if (ok(y)) return y;
    y = step(y, up);
  }
  throw new Error(`breaking.ts: could not settle ${x} on the intended side of its edge`);
}

/** Maps f in [0,1] onto [lo, hi] with f = 1 giving hi exactly. */
function lerp(f: number, lo: number, hi: number): number {
  return f === 1 ? hi : lo + f * (hi - lo);
}

/** Where the departure leaves K, Q and d free. */
interface Region {
  /** Candidate K range before the size limits. */
  readonly kRange: readonly [number, number];
  /** Smallest d for K concepts (conceptMinDim of the concept kind used). */
  dFloor(K: number): number;
  /** Size of each misaligned cluster for Q. */
  neg(Q: number): number;
  /**
   * Whether (K, Q) is allowed: the size condition, the size departure's fixed Q, and that the
   * departure is realised at all after rounding (e.g. at least one flipped label).
   */
  qAllowed(K: number, Q: number): boolean;
  /** The d forced by the departure (dim), or null when d is free. */
  forcedD(Q: number): number | null;
}

/** The cluster-size-dependent d interval for (K, Q), or null when infeasible. */
function dInterval(region: Region, K: number, Q: number, maxEntries: number): [number, number] | null {
  const neg = region.neg(Q);
  const N = K * (Q + neg);
  const entriesCap = Math.floor(maxEntries / N);
  const lo = region.dFloor(K);
  const forced = region.forcedD(Q);
  if (forced !== null) return forced >= lo && forced <= entriesCap ? [forced, forced] : null;
  const hi = Math.min(dimBound(Math.min(Q, neg)), entriesCap);
  return lo <= hi ? [lo, hi] : null;
}

/** The parameters of a departure that the common draw does not fix. */
interface Draw {
  readonly K: number;
  readonly Q: number;
  readonly d: number;
  readonly fLb: number;
  readonly fZ: number;
  readonly alternate: boolean;
  readonly fV: number;
  readonly beta: number;
}

/** lb in [1/4, 1/2] and Z in [1, min(K, sharingBound(lb))] from two fractions (all conditions kept). */
function validLbZ(draw: Draw, lbRange: readonly [number, number] = [LB_MIN, LB_MAX]): { lb: number; Z: number } {
  const lb = lerp(draw.fLb, lbRange[0], lbRange[1]);
  return { lb, Z: linInt(draw.fZ, 1, Math.min(draw.K, sharingBound(lb))) };
}

function tokensFor(K: number, Z: number, alternate: boolean): TokenAssignment {
  return Z === 1 ? { kind: 'distinct' } : { kind: 'pairs', pairs: sharingPairs(K, Z, alternate ? 'alternating' : 'chosen') };
}

/** v in [0, noiseBound(qHi)/factor] (bound reached at fV = 1), settled so that v·factor <= noiseBound(qHi). */
function validNoise(fV: number, qHi: number, factor: number): number {
  const cap = noiseBound(qHi);
  const v = fV === 1 ? cap / factor : fV * (cap / factor);
  return settle(v, (y) => y * factor <= cap, false);
}

/** Parameters beyond (K, Q, d) for one departure. */
interface Finish {
  lb: number;
  Z: number;
  v: number;
  tokens?: TokenAssignment;
  concepts?: ConceptVectors;
  departures?: ClusterConfigInput['departures'];
}

/** Everything that is specific to one departure. */
interface Plan {
  readonly region: Region;
  finish(draw: Draw): Finish;
}

function planFor(id: DepartureId, m: number, requireSize: boolean): Plan {
  const qMin = requireSize ? SIZE_MIN_Q : 1;
  const basisFloor = (K: number): number => conceptMinDim(K, { kind: 'basis' });
  const plain: Region = {
    kRange: [1, Number.POSITIVE_INFINITY],
    dFloor: basisFloor,
    neg: (Q) => Q,
    qAllowed: (_K, Q) => Q >= qMin,
    forcedD: () => null,
  };
  const holdsDefault = (draw: Draw, qHi = draw.Q): Finish => {
    const { lb, Z } = validLbZ(draw);
    return { lb, Z, v: validNoise(draw.fV, qHi, 1) };
  };
  const broken = m > 1;
  switch (id) {
    case 'Z': {
      // Z in [max(1, ceil m), floor(4m)] keeps l_b = sqrt(m/(4Z)) in [1/4, 1/2].
      const zLo = Math.max(1, Math.ceil(m));
      const zHi = Math.floor(4 * m);
      return {
        region: { ...plain, kRange: [zLo, Number.POSITIVE_INFINITY] },
        finish: (draw) => {
          const Z = linInt(draw.fZ, zLo, Math.min(draw.K, zHi));
          const lb0 = Math.min(LB_MAX, Math.max(LB_MIN, Math.sqrt(m / (4 * Z))));
          const lb = settle(lb0, (y) => Z > 1 / (4 * y * y) === broken, broken);
          return { lb, Z, v: validNoise(draw.fV, draw.Q, 1) };
        },
      };
    }
    case 'dim':
      return {
        // For m > 1 the exact product m·5Q exceeds 5Q by at least 5Q·2^-52, one ulp of 5Q, so
        // the rounded product is above 5Q and its ceiling breaks the condition; for m <= 1 it is
        // at most 5Q (rounding is monotone), so the condition holds.
        region: { ...plain, forcedD: (Q) => Math.ceil(m * dimBound(Q)) },
        finish: (draw) => holdsDefault(draw),
      };
    case 'noise':
      return {
        region: plain,
        finish: (draw) => {
          const { lb, Z } = validLbZ(draw);
          const bound = noiseBound(draw.Q);
          const v = settle(m * bound, (y) => y > bound === broken, broken);
          return { lb, Z, v };
        },
      };
    case 'shared-high':
      return {
        region: plain,
        finish: (draw) => {
          const lb = m / 2;
          const Z = broken ? 1 : linInt(draw.fZ, 1, Math.min(draw.K, sharingBound(lb)));
          return { lb, Z, v: validNoise(draw.fV, draw.Q, 1) };
        },
      };
    case 'shared-low':
      return {
        region: plain,
        finish: (draw) => {
          const lb = 1 / (4 * m);
          const Z = linInt(draw.fZ, 1, Math.min(draw.K, sharingBound(lb)));
          return { lb, Z, v: validNoise(draw.fV, draw.Q, 1) };
        },
      };
    case 'size': {
      const Q = Math.floor(SIZE_MIN_Q / m);
      return { region: { ...plain, qAllowed: (_K, q) => q === Q }, finish: (draw) => holdsDefault(draw) };
    }
    case 'ortho':
    case 'ortho-correlated': {
      const correlated = id === 'ortho-correlated';
      const kind: ConceptVectors = m === 0 ? { kind: 'basis' } : correlated ? { kind: 'correlated', rho: 0.5 } : { kind: 'approx', delta: 0.5 };
      return {
        region: { ...plain, dFloor: (K) => conceptMinDim(K, kind) },
        finish: (draw) => {
          const { lb, Z, v } = holdsDefault(draw);
          if (m === 0) return { lb, Z, v, concepts: { kind: 'basis' } };
          const bound = approxDeltaBound(Z);
          const target = m * bound;
          if (!correlated) {
            const delta = settle(target, (y) => y > bound === broken, broken);
            return { lb, Z, v, concepts: { kind: 'approx', delta } };
          }
          // Alignment sqrt(1-ρ) = 1 - δ²/8 = 1 - t, i.e. ρ = t(2 - t).
          const t = (target * target) / 8;
          const rho = settle(t * (2 - t), (y) => correlatedDelta(y) > bound === broken, broken, rhoStep);
          return { lb, Z, v, concepts: { kind: 'correlated', rho } };
        },
      };
    }
    case 'imbalance': {
      const neg = (Q: number): number => negativeClusterSize(Q, 1 / m);
      return {
        // Past m = 1 the rounded |C_{k,-}| must still differ from Q (else nothing is imbalanced).
        region: { ...plain, neg, qAllowed: (_K, Q) => neg(Q) >= qMin && (m === 1 || neg(Q) < Q) },
        finish: (draw) => ({ ...holdsDefault(draw), departures: { imbalance: 1 / m } }),
      };
    }
    case 'label-noise':
      return {
        // The sampler flips round(m N) labels: at least one must flip when m > 0.
        region: { ...plain, qAllowed: (K, Q) => Q >= qMin && (m === 0 || Math.round(m * 2 * K * Q) >= 1) },
        finish: (draw) => ({ ...holdsDefault(draw), departures: { labelNoise: m } }),
      };
    case 'anisotropic':
      return {
        region: plain,
        finish: (draw) => {
          const noise: NoiseModel = m > 1 ? { kind: 'anisotropic', ratio: m } : { kind: 'isotropic' };
          const { lb, Z } = validLbZ(draw);
          return { lb, Z, v: validNoise(draw.fV, draw.Q, noiseStdFactor(noise, draw.d)), departures: { noise } };
        },
      };
    case 'heavy-tail':
      return {
        region: plain,
        finish: (draw) => ({
          ...holdsDefault(draw),
          departures: { noise: m > 0 ? { kind: 'student-t', dof: 1 / m } : { kind: 'isotropic' } },
        }),
      };
    case 'shared-pair': {
      const K = Math.floor(m);
      // Z = K <= 1/(4 l_b²) needs l_b <= 1/(2 sqrt K).
      const lbHi = settle(Math.min(LB_MAX, 1 / (2 * Math.sqrt(K))), (y) => K <= 1 / (4 * y * y), false);
      return {
        region: { ...plain, kRange: [K, K] },
        finish: (draw) => {
          const lb = lerp(draw.fLb, LB_MIN, lbHi);
          return { lb, Z: K, v: validNoise(draw.fV, draw.Q, 1), tokens: { kind: 'shared-pair' } };
        },
      };
    }
    case 'ref-prefers-rejected':
      return {
        region: plain,
        finish: (draw) => ({ ...holdsDefault(draw), departures: { refLogOdds: (m * LN3) / draw.beta } }),
      };
  }
}

function requireMagnitude(id: DepartureId, m: number): number {
  requireFinite('magnitude', m);
  const [lo, hi] = AXES[id].domain;
  const tooHigh = id === 'heavy-tail' ? m >= hi : m > hi;
  if (m < lo || tooHigh) {
    const range = id === 'heavy-tail' ? `[${lo}, ${hi})` : `[${lo}, ${hi}]`;
    throw new InvalidInputError('magnitude', `must be in ${range} for departure '${id}', got ${m}`);
  }
  return m;
}

/**
 * Configurations that break exactly one condition (or carry exactly one beyond-paper departure)
 * by the magnitude m of its axis (table in the module comment) and satisfy every other
 * condition of THEORY §3 (Q >= 40 too unless `requireSize: false`; `shared-high` past its edge
 * also breaks Z, see {@link DepartureAxis.alsoBreaks}). The magnitude realised after rounding
 * (Q = ⌊40/m⌋, d = ⌈5mQ⌉, cluster sizes, flip counts) is what {@link describeBreak} reports.
 * Deterministic given fast-check's seed; shrinks toward the smallest K, Q and d with m fixed.
 *
 * @param departure which condition to break or which departure to add.
 * @param magnitude m on that axis (its `domain`, see {@link departureAxis}).
 * @throws InvalidInputError (`departure`, `magnitude`, `maxN`, `maxEntries`) for an unknown id, an
 *   m outside the axis' domain, or limits that leave no configuration at that magnitude.
 * @example
 * fc.assert(fc.property(breakingConfigArb('noise', 2, { scale: 'small' }), (cfg) =>
 *   describeBreak(cfg).broken.join() === 'noise'));
 */
export function breakingConfigArb(departure: DepartureId, magnitude: number, opts: BreakingConfigOptions): fc.Arbitrary<ClusterConfig> {
  const id = requireDeparture(departure);
  const m = requireMagnitude(id, magnitude);
  const scale = SCALE_LIMITS[opts.scale];
  if (scale === undefined) throw new InvalidInputError('scale', `must be 'small' or 'full', got ${String(opts.scale)}`);
  const maxN = requireInt('maxN', opts.maxN ?? scale.maxN, 2);
  const maxEntries = requireInt('maxEntries', opts.maxEntries ?? scale.maxEntries, 2);
  const plan = planFor(id, m, opts.requireSize ?? true);
  const { region } = plan;

  // Feasible (K, Q): all sizes up to the scale's limits, scanned once (at most 32 × 1000).
  const feasible: Array<{ K: number; Qs: number[] }> = [];
  const kHi = Math.min(scale.maxK, region.kRange[1]);
  for (let K = region.kRange[0]; K <= kHi; K++) {
    const Qs: number[] = [];
    for (let Q = 1; Q <= scale.maxQ; Q++) {
      if (!region.qAllowed(K, Q) || K * (Q + region.neg(Q)) > maxN) continue;
      if (dInterval(region, K, Q, maxEntries) !== null) Qs.push(Q);
    }
    if (Qs.length > 0) feasible.push({ K, Qs });
  }
  if (feasible.length === 0) {
    throw new InvalidInputError(
      'magnitude',
      `no configuration of scale '${opts.scale}' (maxN = ${maxN}, maxEntries = ${maxEntries}) breaks '${id}' by ${m} while keeping the other conditions`,
    );
  }

  return fc
    .tuple(
      fc.integer({ min: 0, max: feasible.length - 1 }),
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
    .map(([ki, fQ, fD, fLb, fZ, alternate, fV, beta, tau, seed]) => {
      const { K, Qs } = feasible[ki];
      const target = logInt(fQ, Qs[0], Qs[Qs.length - 1]);
      const Q = Qs.find((q) => q >= target)!;
      const [dLo, dHi] = dInterval(region, K, Q, maxEntries)!;
      const d = logInt(fD, dLo, dHi);
      const f = plan.finish({ K, Q, d, fLb, fZ, alternate, fV, beta });
      const input: ClusterConfigInput = {
        K,
        Q,
        d,
        v: f.v,
        lb: f.lb,
        beta,
        tau,
        loss: 'dpo',
        seed,
        tokens: f.tokens ?? tokensFor(K, f.Z, alternate),
        ...(f.concepts === undefined ? {} : { concepts: f.concepts }),
        ...(f.departures === undefined ? {} : { departures: f.departures }),
      };
      return ClusterConfigSchema.parse(input);
    });
}
