/**
 * Theorem 4.3 (THEORY §4): under the conditions and Q >= 40, with the same probability as
 * Theorem 4.2, the population risk at τ_1 satisfies R(P) <= 2KQ²e^{−Q/45}. R(P) on the paper's
 * test distribution (equal-weight mixture of the 2K clusters) is computed exactly for Gaussian
 * noise (THEORY §9, exact test error; compared with the bound in logs, so errors of 1e-300 are
 * still measured), and estimated by Monte Carlo with a Clopper–Pearson interval only for noise
 * without a closed form (heavy tails), where a violation needs the interval's lower end above
 * the bound. Vacuous where the bound is >= 1 (Q < ~609) or the stated probability is
 * <= 0 (Q < ~1.4e5).
 */
import * as fc from 'fast-check';
import { defineClaim, type GenOptions, type Trial } from '../src/check/claim.ts';
import { kernelRowSummaries, testMargins } from '../src/check/measure.ts';
import { exactClusterRisk } from '../src/sim/clusterRisk.ts';
import { clopperPearson } from '../src/check/statistics.ts';
import { validConfigArb } from '../src/data/arbitraries.ts';
import { ClusterConfigSchema, type ClusterConfig } from '../src/data/config.ts';
import { sampleTestSet } from '../src/data/sampler.ts';
import { EDITIONS, firstQBelow, generalizationBound, noiseLimit, testSampleCertificate, trainingMarginSandwich, tokenSharingZ, type Edition } from '../src/theory/index.ts';
import { tokenPairs } from '../src/data/config.ts';
import { cachedTrajectory, configLabels, configShape, nonVacuousConfigArb, theorem42Vacuous, BERNSTEIN_C } from './_internals/inputs.ts';
import { CERTIFICATE_MAX_N } from './_internals/repeat.ts';

/** Fresh test samples per configuration. Ours: 0 errors in 2000 gives a 95% upper bound of 0.0018. */
const TEST_SAMPLES = { small: 2000, full: 20000 } as const;
/** Test samples whose §5 certificate is evaluated (N × this kernel entries). */
const CERTIFIED_TEST_SAMPLES = 200;

/**
 * Where each edition's bound first falls below 1 is searched in; v3's form 2KQ²e^{−Q^{1/4}/6}
 * does so only from Q ≈ 5.6e9, far beyond any simulation, so its branch uses v5-main's Q range
 * (every v3 trial is then vacuous, and the report says why).
 */
function informativeFrom(K: number, edition: Edition): number {
  return firstQBelow(K, 1, edition === 'v3' ? 'v5-main' : edition);
}

/** Q from which v3's generalisation bound is below 1 (K = 1), for the report. */
const V3_FIRST_INFORMATIVE_Q = 5.6e9;

/** Configurations where the bound itself is informative (< 1) but Theorem 4.2's probability is not. */
function boundInformativeArb(edition: Edition): fc.Arbitrary<ClusterConfig> {
  return fc.integer({ min: 1, max: 2 }).chain((K) =>
    fc
      .record({
        extraQ: fc.integer({ min: 0, max: 600 }),
        extraD: fc.integer({ min: 0, max: 2 }),
        vFrac: fc.oneof(fc.constant(1), fc.integer({ min: 0, max: 1000 }).map((k) => k / 1000)),
        lb: fc.oneof(fc.constant(0.5), fc.constant(0.25), fc.integer({ min: 250, max: 500 }).map((k) => k / 1000)),
        seed: fc.integer({ min: 0, max: 0xffff }),
      })
      .map(({ extraQ, extraD, vFrac, lb, seed }) => {
        const Q = informativeFrom(K, edition) + extraQ;
        return ClusterConfigSchema.parse({ K, Q, d: K + 1 + extraD, v: vFrac * noiseLimit(Q, edition), lb, seed });
      }),
  );
}

/**
 * Weights of the three branches (valid, bound-informative, non-vacuous). Ours: only the
 * non-vacuous branch counts as evidence (Theorem 4.3 inherits Theorem 4.2's probability), so at
 * full scale four draws in five come from it, so 44 runs reach 29 counted inputs in about 99% of
 * runs; the small scale keeps `npm test` fast.
 */
const BRANCH_WEIGHTS = { small: [3, 2, 1], full: [1, 1, 8] } as const;

export function theorem43Arb(opts: GenOptions): fc.Arbitrary<ClusterConfig> {
  const [valid, informative, nonVacuous] = BRANCH_WEIGHTS[opts.scale];
  return fc.oneof(
    { arbitrary: validConfigArb({ scale: opts.scale, requireSize: true, edition: opts.edition }), weight: valid },
    { arbitrary: boundInformativeArb(opts.edition), weight: informative },
    { arbitrary: nonVacuousConfigArb(opts.scale, opts.edition), weight: nonVacuous },
  );
}

export const thm43Generalization = defineClaim<ClusterConfig>({
  id: 'thm43-generalization',
  explorable: true,
  title: 'the test 0-1 error at τ_1 is at most 2KQ²e^{−Q/45}',
  section: 'docs/theory.md §4, Theorem 4.3; §8 (v3 form, appendix refined form)',
  edition: 'v5-main',
  editions: EDITIONS,
  expectation: 'holds',
  generator: 'valid configurations with Q >= 40; Q just above where the bound is < 1 (K <= 2); the non-vacuous branch of Theorem 4.2 (Q >= 1.4e5)',
  measures: `exact test 0-1 error at τ_1 (Gaussian clusters, THEORY §9: Φ(−aᵀΔWμ/(v‖ΔWᵀa‖)) per cluster, with its log); Monte Carlo on ${TEST_SAMPLES.small} (small) / ${TEST_SAMPLES.full} (full) fresh samples with a 95% Clopper–Pearson interval only for heavy-tailed noise; fraction of certified test samples (§5)`,
  bound: `2KQ²e^{−Q/45} (v5-main), 2KQ²e^{−Q^{1/4}/6} (v3; below 1 only from Q ≈ ${V3_FIRST_INFORMATIVE_Q.toExponential(1)}, so vacuous at every simulable size), the refined form (v5-appendix); violated if the exact error (or the Monte Carlo interval's lower end) exceeds it; vacuous where the bound >= 1 or the probability (c = ${BERNSTEIN_C}) <= 0`,
  // Ours: about 4 in 5 inputs are counted, so 38 give the 29 counted inputs "held" needs, and
  // leave appendixC-sandwich its share of the default budget.
  runs: { small: 10, full: 38 },
  coverage: { 'non-vacuous': 0.05, 'bound-informative': 0.2 },
  arbitrary: (opts) => theorem43Arb(opts),
  check: async (config, opts): Promise<Trial> => {
    const tau1 = trainingMarginSandwich(config.K, config.beta, config.tau).tau1;
    const traj = await cachedTrajectory(config, { tEnd: tau1 });
    // Exact risk for Gaussian noise (THEORY §9, exact test error); Monte Carlo only without a closed form.
    const exact = exactClusterRisk(config, traj.result.rows, traj.result.deltaW);
    let testError: number, lnTestError: number, ciLow: number, ciHigh: number, testSamples: number | null = null;
    if (exact !== null) {
      ({ testError, lnTestError } = exact);
      ciLow = ciHigh = testError;
    } else {
      const rt = testMargins(traj.result, sampleTestSet(config, TEST_SAMPLES[opts.scale]));
      let errors = 0;
      for (let i = 0; i < rt.length; i++) if (rt[i]! <= 0) errors++;
      [ciLow, ciHigh] = clopperPearson(errors, rt.length);
      testError = errors / rt.length;
      lnTestError = Math.log(testError);
      testSamples = rt.length;
    }
    const g = generalizationBound(config.K, config.Q, opts.edition, { Z: tokenSharingZ(tokenPairs(config)) });
    const p = theorem42Vacuous(config, 'theorem43', opts.edition);
    const vacuous = g.vacuous || p.vacuous;
    let certifiedFraction: number | null = null;
    if (traj.dataset.train.n <= CERTIFICATE_MAX_N) {
      const sub = sampleTestSet(config, CERTIFIED_TEST_SAMPLES, 'certificate-test');
      const rows = kernelRowSummaries(traj.dataset.train, sub);
      certifiedFraction = rows.filter((row) => testSampleCertificate(row).holds).length / rows.length;
    }
    const labels = configLabels(config, opts.edition);
    if (!g.vacuous) labels.push('bound-informative');
    return {
      // Exact risk: compared in logs (both may underflow); Monte Carlo: the interval's lower end.
      violated: !vacuous && (exact !== null ? lnTestError > g.lnBound : ciLow > g.bound),
      vacuous,
      observed: testError,
      bound: g.bound,
      slack: exact !== null ? -Math.expm1(lnTestError - g.lnBound) : ciLow === 0 ? 1 : 1 - ciLow / g.bound,
      detail: {
        ...configShape(config),
        conclusionHeld: exact !== null ? lnTestError <= g.lnBound : ciLow <= g.bound,
        testError,
        lnTestError,
        exactRisk: exact !== null,
        worstConceptError: exact?.worstConceptError ?? null,
        ciLow,
        ciHigh,
        testSamples,
        lnBound: g.lnBound,
        probability: p.probability,
        certifiedFraction,
        boundForm: g.form,
        ...(opts.edition === 'v3' && g.vacuous ? { note: `v3's bound is below 1 only from Q ≈ ${V3_FIRST_INFORMATIVE_Q.toExponential(1)}: vacuous at every simulable size` } : {}),
      },
      labels,
    };
  },
});
