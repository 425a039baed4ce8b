/**
 * THEORY §9: with distinct response pairs the mean test error at τ_1 does not depend on K (the
 * log K of Theorem 4.3 comes from the union bound over concepts, i.e. from the worst concept).
 * Concepts with distinct pairs do not interact (token factor 0, THEORY §2) and τ_1 ∝ K cancels
 * the 1/N = 1/(2KQ) of the flow, so each concept trains as it would alone: the statement holds in
 * expectation by this symmetry, and the measurement checks that the simulator and the exact risk
 * reproduce it. Measured: mean error over training sets at K and at K = 1 (same Q, v, d), the
 * ratio with a 99% interval (delta method on two independent t intervals); violated only if the
 * interval excludes [1/1.25, 1.25], i.e. if a K dependence of more than 25% is established. The
 * interval's width is the trial's resolution (reported as its power proxy). The worst-concept
 * error, which does grow with K, is recorded alongside.
 */
import * as fc from 'fast-check';
import { defineClaim, type Trial } from '../src/check/claim.ts';
import { LAW_SCHEMA_VERSION, validateSettings } from '../src/check/law/grid.ts';
import { measureDataset } from '../src/check/law/measureCell.ts';
import { studentTQuantile } from '../src/check/law/meanInterval.ts';

export interface FlatInput {
  readonly K: number;
  /** 1/v: the single-concept error is about Φ(−1/v). */
  readonly z: number;
  readonly Q: number;
  readonly seed: number;
}

/** Equivalence margin on the ratio mean(K)/mean(1). Ours: 25%, the resolution 8–16 training sets give at these error levels. */
export const FLAT_MARGIN = 1.25;
/** Training sets per K (small / full). */
export const FLAT_DATASETS = { small: 8, full: 16 } as const;

export const lawDistinctFlat = defineClaim<FlatInput>({
  id: 'law-distinct-flat',
  title: 'distinct response pairs: the mean test error at τ_1 does not depend on K (THEORY §9); the worst concept\'s does',
  section: 'docs/theory.md §9 (our derivation); Theorem 4.3\'s log K as a union bound',
  edition: 'all',
  expectation: 'holds',
  generator: 'distinct pairs, K in {2,4,8,16}, v = 1/z with z in [0.8, 2.2] (errors 1%–20%), Q in {20,40,80}, d = 17, exact flow to τ_1; compared with K = 1 at the same Q, v, d',
  measures: `mean exact test error over ${FLAT_DATASETS.small} (small) / ${FLAT_DATASETS.full} (full) training sets at K and at K = 1; ratio with a 99% delta-method interval; worst-concept error`,
  bound: `ratio in [1/${FLAT_MARGIN}, ${FLAT_MARGIN}]; violated only if the 99% interval lies entirely outside it (a K dependence established)`,
  runs: { small: 4, full: 32 },
  arbitrary: () =>
    fc.record({
      K: fc.constantFrom(2, 4, 8, 16),
      z: fc.integer({ min: 8, max: 22 }).map((k) => k / 10),
      Q: fc.constantFrom(20, 40, 80),
      seed: fc.nat({ max: 0xffff }),
    }),
  check: (x, opts): Trial => {
    const n = FLAT_DATASETS[opts.scale];
    const s = validateSettings({
      schemaVersion: LAW_SCHEMA_VERSION, seed: x.seed, Ks: [1, x.K], Qs: [x.Q], tokens: ['distinct'], noises: [{ kind: 'absolute', v: 1 / x.z }],
      d: 17, lb: 0.5, beta: 1, tau: 1, datasets: n, eta: 0.05, training: { optimizer: 'flow', tEnd: 1, tEndUnit: 'tau1' }, departures: [], testSize: 1,
    });
    const regime = { tokens: 'distinct' as const, noise: s.noises[0]! };
    const at = (K: number) => Array.from({ length: n }, (_, i) => measureDataset(s, { regime, K, Q: x.Q }, i));
    const one = at(1);
    const many = at(x.K);
    const stats = (rs: typeof one) => {
      const e = rs.map((r) => r.testError);
      const m = e.reduce((a, b) => a + b, 0) / e.length;
      const v = e.reduce((a, b) => a + (b - m) ** 2, 0) / (e.length - 1) / e.length;
      return { m, v };
    };
    const a = stats(one);
    const b = stats(many);
    const ratio = b.m / a.m;
    // Delta method on ln(ratio): var ≈ v_b/m_b² + v_a/m_a²; t quantile with n−1 dof (conservative).
    const se = Math.sqrt(b.v / (b.m * b.m) + a.v / (a.m * a.m));
    const t = studentTQuantile(0.995, n - 1);
    const low = ratio * Math.exp(-t * se);
    const high = ratio * Math.exp(t * se);
    const worst = many.reduce((acc, r) => acc + (r.worstConceptError ?? 0), 0) / n;
    return {
      violated: low > FLAT_MARGIN || high < 1 / FLAT_MARGIN,
      observed: ratio,
      bound: FLAT_MARGIN,
      slack: 1 - Math.abs(Math.log(ratio)) / Math.log(FLAT_MARGIN),
      detail: { K: x.K, Q: x.Q, v: 1 / x.z, meanErrorK1: a.m, meanErrorK: b.m, ratio, ratioLow: low, ratioHigh: high, resolution: high / low, worstConceptErrorK: worst, worstOverMean: worst / b.m },
      labels: [`K=${x.K}`],
    };
  },
});
