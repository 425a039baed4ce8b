import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  DEPARTURE_IDS,
  PAPER_CONDITIONS,
  breakingConfigArb,
  departureAxis,
  departuresBreaking,
  describeBreak,
} from '../../src/data/breaking.ts';
import type { BreakingConfigOptions, DepartureId, PaperCondition } from '../../src/data/breaking.ts';
import { validConfigArb, SCALE_LIMITS } from '../../src/data/arbitraries.ts';
import { ClusterConfigSchema, tokenPairs } from '../../src/data/config.ts';
import type { ClusterConfig } from '../../src/data/config.ts';
import { conceptVectors } from '../../src/data/concepts.ts';
import { sampleDataset } from '../../src/data/sampler.ts';
import { theoremConditions, tokenSharingZ, LN3 } from '../../src/theory/index.ts';
import type { ConditionCheck, ConditionId } from '../../src/theory/index.ts';
import { InvalidInputError } from '../../src/theory/errors.ts';

/** Draws per (departure, magnitude): a few hundred, as the coverage statistic asks. */
const DRAWS = 200;
/** Relative tolerance for magnitudes that are exact up to a few roundings (products, sqrt). */
const EXACT_REL = 1e-12;
/**
 * Relative tolerance for correlated concepts, whose δ is read back from the vectors' alignment
 * sqrt(1-ρ): one ulp of an alignment near 1 is about 1e-16/(δ²/8) ~ 1e-10 of δ at the allowance,
 * so δ cannot be set closer than that; 1e-8 leaves a hundredfold margin.
 */
const VECTOR_REL = 1e-8;

/** Magnitudes probed per departure: the edge (or neutral value) and two breaks inside the default range. */
const PROBES: Record<DepartureId, number[]> = {
  Z: [0.5, 1, 1.5, 4],
  dim: [0.5, 1, 1.3, 6],
  noise: [1, 2, 32],
  'shared-high': [0.75, 1, 1.2, 4],
  'shared-low': [0.75, 1, 1.2, 16],
  size: [0.5, 1, 1.5, 13],
  ortho: [0, 1, 2, 96],
  'ortho-correlated': [0, 1, 2, 96],
  imbalance: [1, 1.5, 4],
  'label-noise': [0, 0.1, 0.5],
  anisotropic: [1, 3, 100],
  'heavy-tail': [0, 0.2, 0.45],
  'shared-pair': [1, 2, 4],
  'ref-prefers-rejected': [0, 1, 3.5],
};

/** Z, δ, cluster sizes and the largest noise standard deviation, measured independently of breaking.ts. */
function measure(c: ClusterConfig): { Z: number; delta: number; qLo: number; qHi: number; sigmaMax: number } {
  const Z = tokenSharingZ(tokenPairs(c));
  let delta = 0;
  if (c.concepts.kind === 'approx') delta = c.concepts.delta;
  if (c.concepts.kind === 'correlated') {
    // Appendix C: alignment |<c_k, e_{1+k}>| >= 1 - δ²/8, read off the sampled vectors.
    const vecs = conceptVectors(c);
    let align = 1;
    for (let k = 0; k < c.K; k++) align = Math.min(align, Math.abs(vecs[k * c.d + k + 1]));
    delta = Math.sqrt(8 * (1 - align));
  }
  // Sampler's documented rule: |C_{k,-}| = max(1, round(imbalance Q)).
  const neg = Math.max(1, Math.round(c.departures.imbalance * c.Q));
  let factor = 1;
  const noise = c.departures.noise;
  if (noise.kind === 'anisotropic') {
    // Variances ratio^{j/(d-1)} normalised to mean 1: the largest is ratio / mean.
    let sum = 0;
    for (let j = 0; j < c.d; j++) sum += noise.ratio ** (j / (c.d - 1));
    factor = Math.sqrt(noise.ratio / (sum / c.d));
  }
  return { Z, delta, qLo: Math.min(c.Q, neg), qHi: Math.max(c.Q, neg), sigmaMax: c.v * factor };
}

/**
 * src/theory's verdict on every condition, kept for both cluster sizes (dim and size bind at the
 * smaller, noise at the larger): holds iff it holds for both, slack = the smaller.
 */
function theoryChecks(c: ClusterConfig): Map<ConditionId, { holds: boolean; slack: number }> {
  const { Z, delta, qLo, qHi, sigmaMax } = measure(c);
  const both = [qLo, qHi].map((Q) => theoremConditions({ K: c.K, Q, d: c.d, v: sigmaMax, lb: c.lb, Z, delta }));
  const out = new Map<ConditionId, { holds: boolean; slack: number }>();
  for (const check of both[0]) {
    const other = both[1].find((x) => x.id === check.id) as ConditionCheck;
    out.set(check.id, { holds: check.holds && other.holds, slack: Math.min(check.slack, other.slack) });
  }
  return out;
}

/** The THEORY §3 conditions a draw at magnitude m is meant to break. */
function intendedConditions(id: DepartureId, m: number): Set<PaperCondition> {
  const axis = departureAxis(id);
  const out = new Set<PaperCondition>();
  if (axis.condition !== null && m > 1) {
    out.add(axis.condition);
    for (const also of axis.alsoBreaks) out.add(departureAxis(also).condition as PaperCondition);
  }
  return out;
}

/** The departure ids a draw at magnitude m is meant to carry. */
function intendedIds(id: DepartureId, m: number): DepartureId[] {
  const axis = departureAxis(id);
  const present = axis.kind === 'paper' ? m > 1 : axis.neutral !== m && !(id === 'shared-pair' && Math.floor(m) === 1);
  return present ? DEPARTURE_IDS.filter((x) => x === id || axis.alsoBreaks.includes(x)) : [];
}

/** Checks the realised magnitude against the intended one, with the rounding each construction allows. */
function checkMagnitude(id: DepartureId, m: number, c: ClusterConfig, realised: number): void {
  const { qLo, delta, Z } = measure(c);
  const n = c.K * (c.Q + qLo);
  switch (id) {
    case 'dim':
      // d = ceil(5mQ): realised in [m, m + 1/(5Q)].
      expect(c.d).toBe(Math.ceil(5 * m * c.Q));
      expect(realised).toBeGreaterThanOrEqual(m * (1 - EXACT_REL));
      expect(realised).toBeLessThanOrEqual(m + 1 / (5 * c.Q) + EXACT_REL);
      return;
    case 'size':
      expect(c.Q).toBe(Math.floor(40 / m));
      expect(realised).toBeCloseTo(40 / c.Q, 12);
      return;
    case 'imbalance':
      // |C-| = round(Q/m): |Q/|C-| - m| <= m/(2|C-|).
      expect(Math.abs(realised - m)).toBeLessThanOrEqual(m / (2 * qLo) + EXACT_REL);
      return;
    case 'label-noise':
      expect(Math.abs(realised - m)).toBeLessThanOrEqual(1 / (2 * n) + EXACT_REL);
      return;
    case 'shared-pair':
      expect(realised).toBe(Math.floor(m));
      expect(c.K).toBe(Math.floor(m));
      return;
    case 'ortho':
    case 'ortho-correlated': {
      // Independently of describeBreak: δ read from the config/vectors over 1/(128 (Z+2)).
      const fromVectors = delta * 128 * (Z + 2);
      const tol = id === 'ortho' ? EXACT_REL : VECTOR_REL;
      expect(Math.abs(fromVectors - m)).toBeLessThanOrEqual(tol * Math.max(1, m));
      expect(Math.abs(realised - m)).toBeLessThanOrEqual(tol * Math.max(1, m));
      return;
    }
    case 'ref-prefers-rejected':
      expect(Math.abs((c.departures.refLogOdds * c.beta) / LN3 - m)).toBeLessThanOrEqual(EXACT_REL * Math.max(1, m));
      expect(Math.abs(realised - m)).toBeLessThanOrEqual(EXACT_REL * Math.max(1, m));
      return;
    default:
      expect(Math.abs(realised - m)).toBeLessThanOrEqual(EXACT_REL * Math.max(1, m));
  }
}

/** Theory condition id -> paper condition (dimK is implied by the schema and must always hold). */
const THEORY_TO_PAPER: Partial<Record<ConditionId, PaperCondition>> = {
  Z: 'Z',
  dim: 'dim',
  noise: 'noise',
  shared: 'shared',
  size: 'size',
  ortho: 'ortho',
};

function checkDraws(id: DepartureId, m: number, opts: BreakingConfigOptions, draws: number, seed: number): ClusterConfig[] {
  const samples = fc.sample(breakingConfigArb(id, m, opts), { numRuns: draws, seed });
  const axis = departureAxis(id);
  const wantConditions = intendedConditions(id, m);
  const wantIds = intendedIds(id, m);
  const lim = SCALE_LIMITS[opts.scale];
  for (const c of samples) {
    expect(ClusterConfigSchema.parse(c)).toEqual(c);
    const { qLo, qHi } = measure(c);
    const N = c.K * (qLo + qHi);
    expect(N).toBeLessThanOrEqual(opts.maxN ?? lim.maxN);
    expect(N * c.d).toBeLessThanOrEqual(opts.maxEntries ?? lim.maxEntries);
    expect(c.K).toBeLessThanOrEqual(lim.maxK);

    // src/theory's verdicts: exactly the intended conditions break (size only if it is the one).
    const checks = theoryChecks(c);
    expect(checks.get('dimK')!.holds).toBe(true);
    for (const [tid, check] of checks) {
      const cond = THEORY_TO_PAPER[tid];
      if (cond === undefined) continue;
      const sizeExempt = cond === 'size' && opts.requireSize === false && id !== 'size';
      if (sizeExempt) continue;
      expect({ id, m, cond, holds: check.holds }).toEqual({ id, m, cond, holds: !wantConditions.has(cond) });
    }

    // The labeller agrees, from the config alone.
    const label = describeBreak(c);
    const labelled = opts.requireSize === false ? label.broken.filter((x) => x !== 'size' || id === 'size') : label.broken;
    expect(labelled).toEqual(wantIds);
    expect(new Set(label.conditions.filter((x) => opts.requireSize !== false || x !== 'size' || id === 'size'))).toEqual(wantConditions);

    // Paper axes: describeBreak's magnitude is 1/slack of src/theory's check (both sides of the edge).
    if (axis.condition !== null && m >= 1) {
      const tid = axis.condition as ConditionId;
      const fromTheory = 1 / checks.get(tid)!.slack;
      const tol = id === 'ortho-correlated' ? VECTOR_REL : EXACT_REL;
      expect(Math.abs(label.magnitudes[id] - fromTheory)).toBeLessThanOrEqual(tol * Math.max(1, fromTheory));
    }
    if (m >= 1 || axis.kind === 'beyond') checkMagnitude(id, m, c, label.magnitudes[id]);
  }
  return samples;
}

describe('breakingConfigArb: coverage (a few hundred draws per departure and magnitude)', () => {
  for (const id of DEPARTURE_IDS) {
    it(`${id}: breaks exactly what it says, by the realised magnitude, and keeps every other condition`, () => {
      for (const [i, m] of PROBES[id].entries()) {
        const samples = checkDraws(id, m, { scale: 'small' }, DRAWS, 1000 + i);
        // The draws are spread, not one configuration repeated.
        expect(new Set(samples.map((c) => `${c.K},${c.Q},${c.d}`)).size).toBeGreaterThan(id === 'size' || id === 'dim' || id === 'imbalance' ? 2 : 10);
      }
      // The full scale at the largest probe, fewer draws (bigger K, Q).
      const probes = PROBES[id];
      checkDraws(id, probes[probes.length - 1], { scale: 'full' }, 50, 7);
    });
  }

  it('requireSize: false reaches Q < 40 and still breaks only the intended condition of Theorem 4.2', () => {
    for (const id of ['noise', 'dim', 'Z', 'imbalance'] as const) {
      const samples = checkDraws(id, 3, { scale: 'small', requireSize: false }, DRAWS, 11);
      expect(Math.min(...samples.map((c) => c.Q))).toBeLessThan(40);
    }
  });

  it('keeps the other conditions at their edges too (v at its bound, d at 5Q)', () => {
    const samples = fc.sample(breakingConfigArb('ref-prefers-rejected', 2, { scale: 'small' }), { numRuns: 300, seed: 3 });
    expect(samples.filter((c) => c.v === 1 / (32 * Math.sqrt(c.Q))).length).toBeGreaterThan(15);
    expect(samples.filter((c) => c.d === 5 * c.Q).length).toBeGreaterThan(5);
    expect(samples.filter((c) => c.lb === 0.5).length).toBeGreaterThan(15);
  });

  it('respects maxN and maxEntries', () => {
    for (const c of fc.sample(breakingConfigArb('dim', 2, { scale: 'full', maxN: 200, maxEntries: 50_000 }), { numRuns: 200, seed: 5 })) {
      expect(2 * c.K * c.Q).toBeLessThanOrEqual(200);
      expect(2 * c.K * c.Q * c.d).toBeLessThanOrEqual(50_000);
    }
  });
});

describe('breakingConfigArb: sampling, determinism, shrinking', () => {
  it('is deterministic given the fast-check seed', () => {
    for (const id of DEPARTURE_IDS) {
      const m = PROBES[id][PROBES[id].length - 1];
      const a = fc.sample(breakingConfigArb(id, m, { scale: 'small' }), { numRuns: 20, seed: 99 });
      const b = fc.sample(breakingConfigArb(id, m, { scale: 'small' }), { numRuns: 20, seed: 99 });
      expect(a).toEqual(b);
    }
  });

  it('shrinks to a small configuration that still breaks the condition by the same magnitude', () => {
    for (const id of DEPARTURE_IDS) {
      const m = PROBES[id][PROBES[id].length - 1];
      const arb = breakingConfigArb(id, m, { scale: 'small' });
      const out = fc.check(fc.property(arb, () => false), { seed: 42, numRuns: 5 });
      expect(out.failed).toBe(true);
      const [c] = out.counterexample as [ClusterConfig];
      const label = describeBreak(c);
      expect(label.broken).toEqual(intendedIds(id, m));
      checkMagnitude(id, m, c, label.magnitudes[id]);
      // Smallest K and Q the departure allows, d at its floor (or forced), fractions at 0.
      const sample = fc.sample(arb, { numRuns: 200, seed: 1 });
      expect(c.K).toBe(Math.min(...sample.map((s) => s.K)));
      expect(c.Q).toBe(Math.min(...sample.filter((s) => s.K === c.K).map((s) => s.Q)));
      if (id === 'dim') expect(c.d).toBe(Math.ceil(5 * m * c.Q));
      else expect(c.d).toBe(id.startsWith('ortho') ? Math.max(3, c.K + (id === 'ortho-correlated' ? 2 : 1)) : c.K + 1);
      expect([c.beta, c.tau, c.seed]).toEqual([1, 1, 0]);
      // A small one samples, with the departure visible in the dataset.
      const ds = sampleDataset(c);
      expect(ds.train.d).toBe(c.d);
    }
  });

  it('shrinking toward a predicate that needs K >= 2 stops at K = 2 with the break intact', () => {
    const out = fc.check(fc.property(breakingConfigArb('noise', 4, { scale: 'small' }), (c) => c.K < 2), { seed: 3, numRuns: 200 });
    expect(out.failed).toBe(true);
    const [c] = out.counterexample as [ClusterConfig];
    expect(c.K).toBe(2);
    expect(c.Q).toBe(40);
    expect(describeBreak(c).broken).toEqual(['noise']);
    expect(describeBreak(c).magnitudes.noise).toBeCloseTo(4, 12);
  });

  it('the sampled datasets carry the beyond-paper departures', () => {
    const first = (id: DepartureId, m: number): ClusterConfig => fc.sample(breakingConfigArb(id, m, { scale: 'small' }), { numRuns: 1, seed: 8 })[0];

    const imb = first('imbalance', 2);
    const sizes = new Map<number, number>();
    for (const cl of sampleDataset(imb).train.cluster!) sizes.set(cl, (sizes.get(cl) ?? 0) + 1);
    expect(sizes.get(0)).toBe(imb.Q);
    expect(sizes.get(1)).toBe(Math.round(imb.Q / 2));

    const ln = first('label-noise', 0.25);
    const lnTrain = sampleDataset(ln).train;
    const lnCluster = lnTrain.cluster!;
    const pairs = tokenPairs(ln);
    let flipped = 0;
    for (let i = 0; i < lnTrain.n; i++) {
      const [p] = pairs[lnCluster[i] >> 1];
      const aligned = lnCluster[i] % 2 === 0;
      if ((lnTrain.chosen[i] === p) !== aligned) flipped++;
    }
    expect(flipped).toBe(Math.round(0.25 * lnTrain.n));

    const sp = first('shared-pair', 3);
    const spTrain = sampleDataset(sp).train;
    expect(new Set([...spTrain.chosen, ...spTrain.rejected])).toEqual(new Set([0, 1]));

    const ref = first('ref-prefers-rejected', 2);
    const refTrain = sampleDataset(ref).train;
    expect((refTrain.refRejectedLogp![0] - refTrain.refChosenLogp![0]) * ref.beta).toBeCloseTo(2 * LN3, 10);
  });
});

describe('describeBreak on hand-written configurations', () => {
  it('labels nothing on configurations satisfying every condition', () => {
    for (const c of fc.sample(validConfigArb({ scale: 'small', requireSize: true }), { numRuns: 200, seed: 4 })) {
      const label = describeBreak(c);
      expect(label.broken).toEqual([]);
      expect(label.conditions).toEqual([]);
      for (const id of ['Z', 'dim', 'noise', 'shared-high', 'shared-low', 'size'] as const) expect(label.magnitudes[id]).toBeLessThanOrEqual(1);
    }
  });

  it("the authors' experiment (8 concepts, one token pair) breaks Z and shares the pair", () => {
    const c = ClusterConfigSchema.parse({ K: 8, Q: 100, d: 16, v: 0.001, lb: 0.5, tokens: { kind: 'shared-pair' } });
    const label = describeBreak(c);
    expect(label.broken).toEqual(['Z', 'shared-pair']);
    expect(label.conditions).toEqual(['Z']);
    expect(label.magnitudes.Z).toBe(8);
    expect(label.magnitudes['shared-pair']).toBe(8);
  });

  it('with imbalanced clusters, noise binds at the larger cluster and dim and size at the smaller', () => {
    // |C+| = 100, |C-| = 50: v is 1.2x the bound at Q = 100 but within it at Q = 50; d = 300 is
    // within 5·100 but 1.2x over 5·50; 50 >= 40 keeps size.
    const c = ClusterConfigSchema.parse({ K: 1, Q: 100, d: 300, v: 1.2 / (32 * 10), lb: 0.5, departures: { imbalance: 0.5 } });
    const label = describeBreak(c);
    expect(label.broken).toEqual(['dim', 'noise', 'imbalance']);
    expect(label.magnitudes.noise).toBeCloseTo(1.2, 12);
    expect(label.magnitudes.dim).toBeCloseTo(1.2, 12);
    expect(label.magnitudes.size).toBe(40 / 50);
    expect(label.magnitudes.imbalance).toBe(2);
  });

  it('measures the noisiest coordinate of anisotropic noise', () => {
    // d = 2, ratio 9: variances 1 and 9 normalised to mean 1 are 0.2 and 1.8, so the largest
    // standard deviation is v·sqrt(1.8).
    const bound = 1 / (32 * Math.sqrt(40));
    const c = ClusterConfigSchema.parse({ K: 1, Q: 40, d: 2, v: bound, lb: 0.5, departures: { noise: { kind: 'anisotropic', ratio: 9 } } });
    const label = describeBreak(c);
    expect(label.broken).toEqual(['noise', 'anisotropic']);
    expect(label.magnitudes.noise).toBeCloseTo(Math.sqrt(1.8), 12);
  });

  it('measures several departures at once, each by its own magnitude', () => {
    const c = ClusterConfigSchema.parse({
      K: 2,
      Q: 20,
      d: 200,
      v: 1 / (32 * Math.sqrt(20)) * 3,
      lb: 0.125,
      concepts: { kind: 'approx', delta: 2 / 384 },
      departures: { labelNoise: 0.1, noise: { kind: 'student-t', dof: 4 }, refLogOdds: -1 },
    });
    const label = describeBreak(c);
    expect(label.broken).toEqual(['dim', 'noise', 'shared-low', 'size', 'ortho', 'label-noise', 'heavy-tail']);
    expect(label.conditions).toEqual(['dim', 'noise', 'shared', 'size', 'ortho']);
    expect(label.magnitudes.dim).toBe(2);
    expect(label.magnitudes.noise).toBeCloseTo(3, 12);
    expect(label.magnitudes['shared-low']).toBe(2);
    expect(label.magnitudes.size).toBe(2);
    expect(label.magnitudes.ortho).toBeCloseTo(2, 12);
    expect(label.magnitudes['label-noise']).toBe(8 / 80);
    expect(label.magnitudes['heavy-tail']).toBe(0.25);
    // A reference that prefers the chosen answer is measured but is not this departure.
    expect(label.magnitudes['ref-prefers-rejected']).toBeCloseTo(-1 / LN3, 12);
  });
});

describe('departureAxis and errors', () => {
  it('has consistent metadata for every departure', () => {
    for (const id of DEPARTURE_IDS) {
      const axis = departureAxis(id);
      expect(axis.id).toBe(id);
      expect(axis.description.length).toBeGreaterThan(10);
      expect(axis.magnitudeMeaning.length).toBeGreaterThan(10);
      const [lo, hi] = axis.defaultRange;
      expect(lo).toBeLessThan(hi);
      expect(lo).toBeGreaterThanOrEqual(axis.domain[0]);
      expect(hi).toBeLessThanOrEqual(axis.domain[1]);
      if (axis.kind === 'paper') {
        expect(axis.edge).toBe(1);
        expect(axis.condition).not.toBeNull();
      } else {
        expect(axis.condition).toBeNull();
        expect(axis.neutral).not.toBeNull();
      }
      // Every default range is reachable at the small scale (its ends generate).
      for (const m of axis.defaultRange) expect(() => breakingConfigArb(id, m, { scale: 'small' })).not.toThrow();
    }
    for (const cond of PAPER_CONDITIONS) expect(departuresBreaking(cond).length).toBeGreaterThan(0);
    expect(departuresBreaking('shared')).toEqual(['shared-high', 'shared-low']);
    expect(departuresBreaking('ortho')).toEqual(['ortho', 'ortho-correlated']);
  });

  it('rejects unknown departures, magnitudes outside the domain, and infeasible limits with InvalidInputError', () => {
    const field = (f: () => unknown): string | undefined => {
      try {
        f();
      } catch (e) {
        if (e instanceof InvalidInputError) return e.field;
        throw e;
      }
      return undefined;
    };
    expect(field(() => breakingConfigArb('bogus' as DepartureId, 1, { scale: 'small' }))).toBe('departure');
    expect(field(() => departureAxis('bogus' as DepartureId))).toBe('departure');
    expect(field(() => breakingConfigArb('noise', -1, { scale: 'small' }))).toBe('magnitude');
    expect(field(() => breakingConfigArb('noise', Number.NaN, { scale: 'small' }))).toBe('magnitude');
    expect(field(() => breakingConfigArb('heavy-tail', 0.5, { scale: 'small' }))).toBe('magnitude');
    expect(field(() => breakingConfigArb('shared-pair', 5, { scale: 'small' }))).toBe('magnitude');
    expect(field(() => breakingConfigArb('label-noise', 0.6, { scale: 'small' }))).toBe('magnitude');
    // Z = 8 needs K >= 8, but Q >= 40 caps K at 5 when N <= 400.
    expect(field(() => breakingConfigArb('Z', 8, { scale: 'small' }))).toBe('magnitude');
    expect(() => breakingConfigArb('Z', 8, { scale: 'full' })).not.toThrow();
    expect(field(() => breakingConfigArb('noise', 2, { scale: 'small', maxN: 1 }))).toBe('maxN');
    expect(field(() => departuresBreaking('nope' as PaperCondition))).toBe('condition');
  });
});
