/**
 * Assumption-breaking generators: for each condition of the main theorems
 * (THEORY §3, "Conditions of the theorems (main text, v5)"; Appendix C for `ortho`) and for
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
 * **Rooms**: one file per departure under `departures/` (its axis, its measurement, its
 * generation plan) with the shared helpers in `departures/common.ts`; this file is the registry
 * ({@link DEPARTURES}) and the public API. Adding a departure = one file + one registry line.
 *
 * **Shrinking**: the magnitude is a parameter, never drawn, so shrinking keeps it fixed; the
 * drawn tuple shrinks toward the smallest feasible K, then the smallest Q and d, then l_b, Z
 * and v toward their lower ends, β = τ = 1 and seed 0 (as in arbitraries.ts).
 */
import fc from 'fast-check';
import { ClusterConfigSchema, tokenPairs } from './config.ts';
import type { ClusterConfig, ClusterConfigInput, TokenAssignment } from './config.ts';
import { SCALE_LIMITS, betaTauArb, edgeFraction, logInt, sharingPairs } from './arbitraries.ts';
import { SIZE_MIN_Q, approxDeltaBound, dimBound } from './conditionEdges.ts';
import { negativeClusterSize } from './sampler.ts';
import { InvalidInputError, requireFinite, requireInt } from '../theory/errors.ts';
import { tokenSharingZ } from '../theory/tokenSharing.ts';
import { PAPER_CONDITIONS, noiseStdFactor, type DepartureAxis as AxisOf, type Measured, type PaperCondition, type Region } from './departures/common.ts';
import { sharingNumber } from './departures/Z.ts';
import { dim } from './departures/dim.ts';
import { noise } from './departures/noise.ts';
import { sharedHigh } from './departures/shared-high.ts';
import { sharedLow } from './departures/shared-low.ts';
import { size } from './departures/size.ts';
import { ortho } from './departures/ortho.ts';
import { orthoCorrelated } from './departures/ortho-correlated.ts';
import { imbalance } from './departures/imbalance.ts';
import { labelNoise } from './departures/label-noise.ts';
import { anisotropic } from './departures/anisotropic.ts';
import { heavyTail } from './departures/heavy-tail.ts';
import { sharedPair } from './departures/shared-pair.ts';
import { refPrefersRejected } from './departures/ref-prefers-rejected.ts';

export { PAPER_CONDITIONS, correlatedDelta, noiseStdFactor } from './departures/common.ts';
export type { PaperCondition } from './departures/common.ts';

/** Every departure, in report order: the paper's conditions first, then the ones beyond it. */
export const DEPARTURES = [
  sharingNumber,
  dim,
  noise,
  sharedHigh,
  sharedLow,
  size,
  ortho,
  orthoCorrelated,
  imbalance,
  labelNoise,
  anisotropic,
  heavyTail,
  sharedPair,
  refPrefersRejected,
] as const;
/** A departure's id, e.g. 'noise'. */
export type DepartureId = (typeof DEPARTURES)[number]['axis']['id'];
/** Every departure id, in report order. */
export const DEPARTURE_IDS: readonly DepartureId[] = DEPARTURES.map((x) => x.axis.id);

/** Metadata of one magnitude axis (see departures/common.ts), with ids checked against the registry. */
export type DepartureAxis = Omit<AxisOf<DepartureId>, 'alsoBreaks'> & { readonly alsoBreaks: readonly DepartureId[] };

const REGISTRY = new Map<DepartureId, (typeof DEPARTURES)[number]>(DEPARTURES.map((x) => [x.axis.id, x]));
for (const x of DEPARTURES) {
  for (const also of x.axis.alsoBreaks) {
    if (!REGISTRY.has(also as DepartureId)) throw new Error(`departure '${x.axis.id}': alsoBreaks names unknown departure '${also}'`);
  }
}

/** Whether `id` names a departure. */
export function isDepartureId(id: string): id is DepartureId {
  return REGISTRY.has(id as DepartureId);
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
  // alsoBreaks was checked against the registry when this module loaded.
  return REGISTRY.get(requireDeparture(id))!.axis as DepartureAxis;
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
  return DEPARTURE_IDS.filter((id) => departureAxis(id).condition === condition);
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
  const { K, d, v, departures: dep } = config;
  const { qLo, qHi, neg } = clusterSizeRange(config);
  const pairs = tokenPairs(config);
  const Z = tokenSharingZ(pairs);
  const n = K * (config.Q + neg);
  const measured: Measured = {
    config, qLo, qHi, n, Z,
    deltaBound: approxDeltaBound(Z),
    sigmaMax: v * noiseStdFactor(dep.noise, d),
    flips: Math.round(dep.labelNoise * n),
    sharedSet: repeatedTokenSet(pairs),
  };
  const rows = Object.fromEntries(DEPARTURES.map((x) => [x.axis.id, x.measure(measured)])) as Record<DepartureId, readonly [number, boolean]>;
  const broken = DEPARTURE_IDS.filter((id) => rows[id][1]);
  const conditions = PAPER_CONDITIONS.filter((cond) => broken.some((id) => departureAxis(id).condition === cond));
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

function tokensFor(K: number, Z: number, alternate: boolean): TokenAssignment {
  return Z === 1 ? { kind: 'distinct' } : { kind: 'pairs', pairs: sharingPairs(K, Z, alternate ? 'alternating' : 'chosen') };
}

function requireMagnitude(id: DepartureId, m: number): number {
  requireFinite('magnitude', m);
  const { domain: [lo, hi], domainOpenAbove } = departureAxis(id);
  const tooHigh = domainOpenAbove === true ? m >= hi : m > hi;
  if (m < lo || tooHigh) {
    const range = domainOpenAbove === true ? `[${lo}, ${hi})` : `[${lo}, ${hi}]`;
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
  const plan = REGISTRY.get(id)!.plan(m, (opts.requireSize ?? true) ? SIZE_MIN_Q : 1);
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
