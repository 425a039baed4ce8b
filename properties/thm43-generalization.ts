/**
 * Theorem 4.3 (THEORY.md §4): under the conditions and Q >= 40, with the same probability as
 * Theorem 4.2, the population risk at τ_1 satisfies R(P) <= 2KQ²e^{−Q/45}. R(P) is estimated by
 * Monte Carlo on fresh samples from the paper's test distribution (equal-weight mixture of the
 * 2K clusters) with an exact Clopper–Pearson interval; a violation needs the interval's lower
 * end above the bound. Vacuous where the bound is >= 1 (Q < ~609) or the stated probability is
 * <= 0 (Q < ~1.4e5).
 */
import * as fc from 'fast-check';
import { defineClaim, type GenOptions, type Trial } from '../src/check/claim.ts';
import { kernelRowSummaries, testMargins } from '../src/check/measure.ts';
import { clopperPearson } from '../src/check/statistics.ts';
import { validConfigArb } from '../src/data/arbitraries.ts';
import { ClusterConfigSchema, type ClusterConfig } from '../src/data/config.ts';
import { sampleTestSet } from '../src/data/sampler.ts';
import { firstQBelow, generalizationBound, noiseLimit, testSampleCertificate, trainingMarginSandwich } from '../src/theory/index.ts';
import { cachedTrajectory, configLabels, configShape, nonVacuousConfigArb, theorem42Vacuous, BERNSTEIN_C } from './_internals/inputs.ts';
import { CERTIFICATE_MAX_N } from './_internals/repeat.ts';

/** Fresh test samples per configuration. Ours: 0 errors in 2000 gives a 95% upper bound of 0.0018. */
const TEST_SAMPLES = { small: 2000, full: 20000 } as const;
/** Test samples whose §5 certificate is evaluated (N × this kernel entries). */
const CERTIFIED_TEST_SAMPLES = 200;

/** Configurations where the bound itself is informative (< 1) but Theorem 4.2's probability is not. */
function boundInformativeArb(): fc.Arbitrary<ClusterConfig> {
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
        const Q = firstQBelow(K, 1, 'v5-main') + extraQ;
        return ClusterConfigSchema.parse({ K, Q, d: K + 1 + extraD, v: vFrac * noiseLimit(Q, 'v5-main'), lb, seed });
      }),
  );
}

export function theorem43Arb(opts: GenOptions): fc.Arbitrary<ClusterConfig> {
  return fc.oneof(
    { arbitrary: validConfigArb({ scale: opts.scale, requireSize: true }), weight: 3 },
    { arbitrary: boundInformativeArb(), weight: 2 },
    { arbitrary: nonVacuousConfigArb(opts.scale), weight: 1 },
  );
}

export const thm43Generalization = defineClaim<ClusterConfig>({
  id: 'thm43-generalization',
  explorable: true,
  title: 'the test 0-1 error at τ_1 is at most 2KQ²e^{−Q/45}',
  section: 'THEORY.md §4, Theorem 4.3',
  edition: 'v5-main',
  expectation: 'holds',
  generator: 'valid configurations with Q >= 40; Q just above where the bound is < 1 (K <= 2); the non-vacuous branch of Theorem 4.2 (Q >= 1.4e5)',
  measures: `test 0-1 error at τ_1 on ${TEST_SAMPLES.small} (small) / ${TEST_SAMPLES.full} (full) fresh samples, 95% Clopper–Pearson interval; fraction of certified test samples (§5)`,
  bound: `2KQ²e^{−Q/45}; violated only if the interval's lower end exceeds it; vacuous where the bound >= 1 or the probability (c = ${BERNSTEIN_C}) <= 0`,
  runs: { small: 10, full: 60 },
  coverage: { 'non-vacuous': 0.05, 'bound-informative': 0.2 },
  arbitrary: (opts) => theorem43Arb(opts),
  check: async (config, opts): Promise<Trial> => {
    const tau1 = trainingMarginSandwich(config.K, config.beta, config.tau).tau1;
    const traj = await cachedTrajectory(config, { tEnd: tau1 });
    const test = sampleTestSet(config, TEST_SAMPLES[opts.scale]);
    const rt = testMargins(traj.result, test);
    let errors = 0;
    for (let i = 0; i < rt.length; i++) if (rt[i]! <= 0) errors++;
    const [ciLow, ciHigh] = clopperPearson(errors, rt.length);
    const g = generalizationBound(config.K, config.Q, 'v5-main');
    const p = theorem42Vacuous(config, 'theorem43');
    const vacuous = g.vacuous || p.vacuous;
    let certifiedFraction: number | null = null;
    if (traj.dataset.train.n <= CERTIFICATE_MAX_N) {
      const sub = sampleTestSet(config, CERTIFIED_TEST_SAMPLES, 'certificate-test');
      const rows = kernelRowSummaries(traj.dataset.train, sub);
      certifiedFraction = rows.filter((row) => testSampleCertificate(row).holds).length / rows.length;
    }
    const labels = configLabels(config);
    if (!g.vacuous) labels.push('bound-informative');
    const testError = errors / rt.length;
    return {
      violated: !vacuous && ciLow > g.bound,
      vacuous,
      observed: testError,
      bound: g.bound,
      slack: ciLow === 0 ? 1 : 1 - ciLow / g.bound,
      detail: {
        ...configShape(config),
        conclusionHeld: ciLow <= g.bound,
        testError,
        ciLow,
        ciHigh,
        testSamples: rt.length,
        lnBound: g.lnBound,
        probability: p.probability,
        certifiedFraction,
      },
      labels,
    };
  },
});
