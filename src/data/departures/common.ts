/**
 * What every departure of the assumption-breaking generators (breaking.ts) is made of, and the
 * helpers they share: the axis metadata, the measurement of a configuration, and the generation
 * plan (where K, Q, d stay free and how the remaining parameters are drawn). One file per
 * departure in this folder; breaking.ts holds the registry.
 */
import type { ClusterConfig, ConceptVectors, ClusterConfigInput, NoiseModel, TokenAssignment } from '../config.ts';
import { conceptMinDim } from '../concepts.ts';
import { LB_MAX, LB_MIN, noiseBound, sharingBound } from '../conditionEdges.ts';
import { linInt } from '../arbitraries.ts';

/** The conditions of the main theorems (THEORY §3 table) that a departure can break. */
export const PAPER_CONDITIONS = ['Z', 'dim', 'noise', 'shared', 'size', 'ortho'] as const;
export type PaperCondition = (typeof PAPER_CONDITIONS)[number];

/** Metadata of one magnitude axis, for the explorer's frontier search and the CLI's help. */
export interface DepartureAxis<Id extends string = string> {
  readonly id: Id;
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
  /** True when the domain's upper end itself is excluded (e.g. heavy-tail: dof must stay above 2). */
  readonly domainOpenAbove?: boolean;
  /** The m at which the paper's edge lies (1 for paper conditions), or null where there is none. */
  readonly edge: number | null;
  /** The m at which the departure is absent (beyond-paper departures), or null. */
  readonly neutral: number | null;
  /** Departures necessarily broken as well once m is past the edge (see the module comment). */
  readonly alsoBreaks: readonly string[];
}

/** What {@link Departure.measure} reads: a configuration's quantities, computed once by describeBreak. */
export interface Measured {
  readonly config: ClusterConfig;
  /** Smaller and larger cluster size, and |C_{k,-}|. */
  readonly qLo: number;
  readonly qHi: number;
  /** Training-set size N. */
  readonly n: number;
  /** Token-sharing number Z (THEORY §3). */
  readonly Z: number;
  /** Appendix C's allowance approxDeltaBound(Z). */
  readonly deltaBound: number;
  /** Largest per-coordinate noise standard deviation. */
  readonly sigmaMax: number;
  /** Labels the sampler flips. */
  readonly flips: number;
  /** Largest number of concepts with one token set. */
  readonly sharedSet: number;
}

/** One departure: its axis, how to measure it on a configuration, how to generate it. */
export interface Departure<Id extends string = string> {
  readonly axis: DepartureAxis<Id>;
  /** The realised magnitude on this axis, and whether the departure is present (paper: broken). */
  measure(c: Measured): readonly [magnitude: number, present: boolean];
  /** The generation plan for magnitude m; `qMin` is the smallest Q allowed (40 under requireSize). */
  plan(m: number, qMin: number): Plan;
}

/**
 * Largest Appendix C magnitude accepted: δ = m/(128(Z+2)) must stay <= 1 (the schema's cap on
 * δ) for every Z, and Z = 1 gives δ = m/384.
 */
export const ORTHO_MAX_MAGNITUDE = 384;

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

/** Where the departure leaves K, Q and d free. */
export interface Region {
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

/** The parameters of a departure that the common draw does not fix. */
export interface Draw {
  readonly K: number;
  readonly Q: number;
  readonly d: number;
  readonly fLb: number;
  readonly fZ: number;
  readonly alternate: boolean;
  readonly fV: number;
  readonly beta: number;
}

/** v in [0, noiseBound(qHi)/factor] (bound reached at fV = 1), settled so that v·factor <= noiseBound(qHi). */
export function validNoise(fV: number, qHi: number, factor: number): number {
  const cap = noiseBound(qHi);
  const v = fV === 1 ? cap / factor : fV * (cap / factor);
  return settle(v, (y) => y * factor <= cap, false);
}

/** Parameters beyond (K, Q, d) for one departure. */
export interface Finish {
  lb: number;
  Z: number;
  v: number;
  tokens?: TokenAssignment;
  concepts?: ConceptVectors;
  departures?: ClusterConfigInput['departures'];
}

/** Everything that is specific to one departure. */
export interface Plan {
  readonly region: Region;
  finish(draw: Draw): Finish;
}

/** Unit-in-the-last-place steps for settling a value on the intended side of an edge. */
const f64 = new Float64Array(1);
const i64 = new BigInt64Array(f64.buffer);
export function nextAfter(x: number, up: boolean): number {
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
export function rhoStep(rho: number, up: boolean): number {
  return rho * (up ? 1 + RHO_SETTLE_STEP : 1 - RHO_SETTLE_STEP);
}

/**
 * Moves x by single ulps (up when `up`) until `ok(x)`: used where rounding could put a value
 * built to sit on the broken (m > 1) or the holding (m <= 1) side of an edge on the other side.
 * `step` replaces the ulp step where the edge test resolves x more coarsely than its ulp.
 */
export function settle(x: number, ok: (y: number) => boolean, up: boolean, step: (y: number, up: boolean) => number = nextAfter): number {
  let y = x;
  for (let i = 0; i <= MAX_SETTLE_STEPS; i++) {
    if (ok(y)) return y;
    y = step(y, up);
  }
  throw new Error(`departures: could not settle ${x} on the intended side of its edge`);
}

/** Maps f in [0,1] onto [lo, hi] with f = 1 giving hi exactly. */
export function lerp(f: number, lo: number, hi: number): number {
  return f === 1 ? hi : lo + f * (hi - lo);
}

/** lb in [1/4, 1/2] and Z in [1, min(K, sharingBound(lb))] from two fractions (all conditions kept). */
export function validLbZ(draw: Draw, lbRange: readonly [number, number] = [LB_MIN, LB_MAX]): { lb: number; Z: number } {
  const lb = lerp(draw.fLb, lbRange[0], lbRange[1]);
  return { lb, Z: linInt(draw.fZ, 1, Math.min(draw.K, sharingBound(lb))) };
}

/** The region of a departure that leaves K, Q and d free (basis concepts, balanced clusters, Q >= qMin). */
export function plainRegion(qMin: number): Region {
  return {
    kRange: [1, Number.POSITIVE_INFINITY],
    dFloor: (K) => conceptMinDim(K, { kind: 'basis' }),
    neg: (Q) => Q,
    qAllowed: (_K, Q) => Q >= qMin,
    forcedD: () => null,
  };
}

/** l_b, Z and v drawn with every condition kept (noise for the larger cluster size qHi). */
export function holdsDefault(draw: Draw, qHi = draw.Q): Finish {
  const { lb, Z } = validLbZ(draw);
  return { lb, Z, v: validNoise(draw.fV, qHi, 1) };
}

