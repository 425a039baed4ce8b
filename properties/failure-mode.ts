/**
 * The failure mode of §7 (THEORY §4 "Failure mode"): at τ_1, a prompt whose reference odds
 * π_0(l|x)/π_0(w|x) exceed 3^{1/β} keeps π_W(w|x) < π_W(l|x) — DPO moves toward the preferred
 * answer, but not far enough to overturn a strongly held reference preference.
 *
 * The paper states it for prompts with r(τ_1) <= ln 3; with r measured from the same
 * log-probabilities as the conclusion that implication is algebra
 * (ln π_W(w)/π_W(l) = r/β − ln π_0(l)/π_0(w), the normaliser cancels, THEORY §1) and cannot
 * fail. So here r(τ_1) <= ln 3 is never measured: it is what the theory guarantees, and the
 * check is whether the trained policy's real probabilities agree. The guarantee is the
 * deterministic certificate of THEORY §5 (Theorem 4.2's own probability is <= 0 at every
 * simulable size):
 * - a training sample: the training set's certificate holds (min λ_j >= 1/(8K), max Λ_j <= 5/K),
 *   so r_j(τ_1) <= β²Λ_j τ_1/τ <= ln 3;
 * - a fresh test sample: the training set's certificate holds and its own
 *   Λ̃ = (P̃/2 − M̃/4)/N <= 5/K, so r̃(τ_1) <= ln 3 (the same σ(−r) ∈ [1/4, 1/2] argument).
 * A sample meeting that and ln(π_0(l)/π_0(w)) > ln3/β must have π_W(w) < π_W(l), where π_W and
 * π_0 are a float64 log-softmax over the whole vocabulary of (W_0 + ΔW)g and W_0 g: a dense
 * reference head W_0 (V × d, V = the data's vocabulary plus unused tokens) is drawn, the flow is
 * integrated by the simulator (whose sparse ΔW does not depend on W_0, THEORY §1), and ΔW is
 * scattered into the full V × d matrix. This fails if the dynamics overshoot the guaranteed
 * margin, if the certificate is wrong, or if the dense and sparse models disagree; the dense
 * margin is also compared with the simulator's β aᵀΔW g directly.
 *
 * Why not the authors' Adam preset (lr 1e-3, β = 0.01, src/sim/tensor/denseHead.ts): the
 * statement is made at the flow time τ_1, which Adam steps do not map to, and for any head the
 * conclusion given a measured r is the same algebra; so the check uses the flow, where the
 * theory predicts the margin.
 */
import * as fc from 'fast-check';
import { defineClaim, type GenOptions, type Trial } from '../src/check/claim.ts';
import { ERROR_SAFETY_FACTOR, flowTrajectory, kernelRowSummaries, testMargins } from '../src/check/measure.ts';
import { unitFraction, validConfigArb } from '../src/data/arbitraries.ts';
import type { ClusterConfig } from '../src/data/config.ts';
import type { FeatureMatrix, PreferenceSet } from '../src/data/dataset.ts';
import { createStream } from '../src/data/rng.ts';
import { sampleTestSet } from '../src/data/sampler.ts';
import type { ActiveRows } from '../src/sim/index.ts';
import { LN3, failureModeThreshold, rowCertificate, trainingMarginSandwich, trainingSetCertificate } from '../src/theory/index.ts';
import { configLabels, configShape } from './_internals/inputs.ts';

/** One input: a valid configuration and the dense reference head drawn for it. */
export interface FailureModeInput {
  readonly config: ClusterConfig;
  /** Vocabulary tokens that never occur in the data (they only enter the softmax normaliser). */
  readonly extraTokens: number;
  /** Standard deviation of W_0's entries, in units of the log-threshold ln3/β. */
  readonly referenceScale: number;
  /** Seed of W_0's entries (stream `failure-mode/reference-head`). */
  readonly referenceSeed: number;
}

/** Largest number of unused vocabulary tokens. Ours: "a few" is enough to make the normaliser non-trivial. */
export const MAX_EXTRA_TOKENS = 8;

/**
 * Range of W_0's entry scale in units of ln3/β (log-uniform). Ours: the reference log-odds of a
 * cluster are about N(0, 2σ²‖g‖²) with ‖g‖ ≈ 1.1, so σ = ln3/β puts a cluster over the threshold
 * with probability ~1/4 and σ = 8 ln3/β with ~1/2, while σ = 1/2 ln3/β still leaves some inputs
 * with no premise sample (vacuous trials, so that coverage is tested rather than assumed).
 */
export const REFERENCE_SCALE_RANGE = [0.5, 8] as const;

/**
 * Caps on N = 2KQ and N·d. Ours: the certificate needs the kernel rows of the training and test
 * samples against the training set (O((N + test)·N·d)), the dense pass (N + test)·V·d; these keep
 * both to milliseconds at small scale and about a second at full scale (as the certificate claim).
 */
const LIMITS = { small: { maxN: 240, maxEntries: 1e5 }, full: { maxN: 800, maxEntries: 4e5 } } as const;

/** Fresh test samples per input. */
export const FAILURE_MODE_TEST_SAMPLES = { small: 100, full: 1000 } as const;

/**
 * Rounding allowance in ulps per summed term. Ours: a logit is a d-term dot product (relative
 * error <= d·u of the sum of |terms|, Higham §3.1) and the log-sum-exp adds a V-term sum whose
 * log loses at most ~V·u of |lse|; ln π_W(w) − ln π_W(l) and the dense margin combine two to four
 * such log-probabilities, and W = W_0 + ΔW adds one rounding per entry. 16 per term covers all of
 * it with room; anything larger is a real disagreement, since the conclusion's gap is at least
 * (ln3/β)·(premise slack) away from 0 for every sample not exactly on the premise's edge.
 */
export const FAILURE_MODE_ULPS = 16;

/** Dense log-probabilities of one sample: the chosen and rejected entries and a rounding scale. */
interface DenseLogProbs {
  readonly chosen: number;
  readonly rejected: number;
  /** max over the vocabulary of Σ_k |W_vk g_k|, plus |lse| (what every rounding error is relative to). */
  readonly scale: number;
}

/**
 * ln softmax(W g)_w and ln softmax(W g)_l over the full vocabulary, in float64 with the max
 * shift. Hand-written: V·d per sample in plain loops, float64 throughout (tfjs would be float32).
 */
function denseLogProbs(W: Float64Array, V: number, d: number, g: FeatureMatrix, off: number, w: number, l: number, z: Float64Array): DenseLogProbs {
  let zMax = -Infinity;
  let absMax = 0;
  for (let v = 0; v < V; v++) {
    let s = 0;
    let a = 0;
    const row = v * d;
    for (let k = 0; k < d; k++) {
      const term = W[row + k]! * g[off + k]!;
      s += term;
      a += Math.abs(term);
    }
    z[v] = s;
    if (s > zMax) zMax = s;
    if (a > absMax) absMax = a;
  }
  let sum = 0;
  for (let v = 0; v < V; v++) sum += Math.exp(z[v]! - zMax);
  const lse = zMax + Math.log(sum);
  return { chosen: z[w]! - lse, rejected: z[l]! - lse, scale: absMax + Math.abs(lse) };
}

/** Per-set outcome of the dense evaluation. */
interface SetOutcome {
  /** Samples meeting the premise: r <= ln 3 guaranteed by the certificate and ln(π_0(l)/π_0(w)) > ln3/β. */
  premise: number;
  /** Samples over the reference threshold (whatever their certificate). */
  overThreshold: number;
  /** Samples over the threshold with a measured margin r <= ln 3 (the paper's premise; reported only). */
  overThresholdMeasuredLowMargin: number;
  /** Largest ln π_W(w) − ln π_W(l) among premise samples (−Infinity when none). */
  worstGap: number;
  /** Its tolerance. */
  worstGapTolerance: number;
  /** Whether some premise sample had gap > its tolerance. */
  violated: boolean;
  /** Whether some premise sample had 0 <= gap <= tolerance (and none beyond). */
  withinTolerance: boolean;
  /** max |r_dense − r_sim| / (|r_sim| + rounding floor) and whether it exceeded the rounding tolerance. */
  maxMarginRelDiff: number;
  marginMismatch: boolean;
  /** Fraction of samples with π_W(w) < π_W(l) at the evaluation time (absolute preference not flipped). */
  notFlipped: number;
}

function evaluateSet(
  set: PreferenceSet,
  simMargins: Float64Array,
  certified: (i: number) => boolean,
  W0: Float64Array,
  W: Float64Array,
  V: number,
  beta: number,
  integratorTolerance: number,
): SetOutcome {
  const { n, d, features: g, chosen, rejected } = set;
  const lnThreshold = failureModeThreshold(beta).lnThreshold;
  const z = new Float64Array(V);
  const out: SetOutcome = {
    premise: 0,
    overThreshold: 0,
    overThresholdMeasuredLowMargin: 0,
    worstGap: -Infinity,
    worstGapTolerance: 0,
    violated: false,
    withinTolerance: false,
    maxMarginRelDiff: 0,
    marginMismatch: false,
    notFlipped: 0,
  };
  let notFlipped = 0;
  for (let i = 0; i < n; i++) {
    const w = chosen[i]!, l = rejected[i]!, off = i * d;
    const ref = denseLogProbs(W0, V, d, g, off, w, l, z);
    const pol = denseLogProbs(W, V, d, g, off, w, l, z);
    const tol = FAILURE_MODE_ULPS * (d + V) * Number.EPSILON * (Math.max(ref.scale, pol.scale) + 1);
    const r = beta * (pol.chosen - ref.chosen - (pol.rejected - ref.rejected));
    const refLogOdds = ref.rejected - ref.chosen;
    const gap = pol.chosen - pol.rejected;
    if (gap < 0) notFlipped++;

    const rSim = simMargins[i]!;
    const marginTol = beta * tol;
    const diff = Math.abs(r - rSim);
    out.maxMarginRelDiff = Math.max(out.maxMarginRelDiff, diff / (Math.abs(rSim) + marginTol));
    if (diff > marginTol) out.marginMismatch = true;

    if (!(refLogOdds > lnThreshold)) continue;
    out.overThreshold++;
    if (r <= LN3) out.overThresholdMeasuredLowMargin++;
    if (!certified(i)) continue;
    out.premise++;
    // The integrator's error in r becomes error/β in the log-odds gap.
    const gapTol = tol + integratorTolerance / beta;
    if (gap > out.worstGap) {
      out.worstGap = gap;
      out.worstGapTolerance = gapTol;
    }
    if (gap >= 0) {
      if (gap > gapTol) out.violated = true;
      else out.withinTolerance = true;
    }
  }
  out.notFlipped = n > 0 ? notFlipped / n : 0;
  return out;
}

/** Scatters the simulator's sparse ΔW (rows × d) onto W_0: W = W_0 + ΔW over the full vocabulary. */
function denseHead(W0: Float64Array, d: number, rows: ActiveRows, deltaW: Float64Array): Float64Array {
  const W = Float64Array.from(W0);
  rows.tokens.forEach((tok, u) => {
    for (let k = 0; k < d; k++) W[tok * d + k]! += deltaW[u * d + k]!;
  });
  return W;
}

/** Inputs: a valid configuration, 0..8 unused tokens, W_0's scale and seed. */
export function failureModeArb(opts: Pick<GenOptions, 'scale'>): fc.Arbitrary<FailureModeInput> {
  const [lo, hi] = REFERENCE_SCALE_RANGE;
  return fc.record({
    config: validConfigArb({ scale: opts.scale, ...LIMITS[opts.scale] }),
    extraTokens: fc.integer({ min: 0, max: MAX_EXTRA_TOKENS }),
    referenceScale: unitFraction().map((f) => lo * Math.pow(hi / lo, f)),
    referenceSeed: fc.nat({ max: 0xffffffff }),
  });
}

/** When the policy is read: injectable so that a test can plant a wrong time (default Theorem 4.2's τ_1). */
export type EvaluationTime = (config: ClusterConfig) => number;

const atTau1: EvaluationTime = (config) => trainingMarginSandwich(config.K, config.beta, config.tau).tau1;

/** Builds the claim, reading the policy at `evaluationTime` (default τ_1). */
export function makeFailureModeClaim(evaluationTime: EvaluationTime = atTau1, id = 'failure-mode') {
  return defineClaim<FailureModeInput>({
    id,
    title: 'at τ_1, every sample whose r <= ln 3 the §5 certificate guarantees and with π_0(l|x)/π_0(w|x) > 3^{1/β} keeps π_W(w|x) < π_W(l|x) (real probabilities)',
    section: 'docs/theory.md §4, "Failure mode (§7)"; premise from §5 (certificate)',
    edition: 'all',
    expectation: 'holds',
    generator: `valid configurations (validConfigArb, N <= ${LIMITS.small.maxN} small / ${LIMITS.full.maxN} full), a dense W_0 over V = vocab + 0..${MAX_EXTRA_TOKENS} tokens with N(0, σ²) entries, σ = [${REFERENCE_SCALE_RANGE.join(', ')}]·ln3/β log-uniform`,
    measures: 'largest ln π_W(w) − ln π_W(l) at τ_1 (dense float64 log-softmax) over training and fresh test samples whose r(τ_1) <= ln 3 is guaranteed by the certificate and whose reference odds exceed 3^{1/β}; max |r_dense − β aᵀΔW g|',
    bound: `< 0 (tolerance ${FAILURE_MODE_ULPS}·(d + V) ulps of the largest Σ|W_vk g_k| + |lse|, plus ${ERROR_SAFETY_FACTOR}× the integrator's error / β); vacuous where the training set's certificate fails or no certified sample is over the threshold`,
    runs: { small: 48, full: 50 },
    coverage: { 'premise-met': 0.3 },
    arbitrary: (opts) => failureModeArb(opts),
    check: async ({ config, extraTokens, referenceScale, referenceSeed }, opts): Promise<Trial> => {
      const tEnd = evaluationTime(config);
      const traj = await flowTrajectory(config, { tEnd, gridPoints: 1, solverSteps: false });
      const { dataset, result } = traj;
      const d = config.d;
      const N = dataset.train.n;
      const V = dataset.vocab + extraTokens;
      const { lnThreshold } = failureModeThreshold(config.beta);
      const W0 = new Float64Array(V * d);
      createStream(referenceSeed, 'failure-mode/reference-head').fillNormal(W0, 0, V * d, referenceScale * lnThreshold);
      const W = denseHead(W0, d, result.rows, result.deltaW);

      // The premise r(τ_1) <= ln 3, from the certificate of THEORY §5 (never from measured margins).
      const cert = trainingSetCertificate(kernelRowSummaries(dataset.train), N, config.K);
      const test = sampleTestSet(config, FAILURE_MODE_TEST_SAMPLES[opts.scale], 'failure-mode-test');
      const testCertified = cert.holds
        ? kernelRowSummaries(dataset.train, test).map((row) => rowCertificate(row, N, config.K).Lambda <= 5 / config.K)
        : [];
      const integratorTolerance = ERROR_SAFETY_FACTOR * result.errorEstimate;
      const train = evaluateSet(dataset.train, traj.margins[traj.margins.length - 1]!, () => cert.holds, W0, W, V, config.beta, integratorTolerance);
      const fresh = evaluateSet(test, testMargins(result, test), (i) => testCertified[i] === true, W0, W, V, config.beta, integratorTolerance);

      const premise = train.premise + fresh.premise;
      const labels = [...configLabels(config), cert.holds ? 'certificate-holds' : 'certificate-fails', premise > 0 ? 'premise-met' : 'premise-not-met'];
      if (train.premise > 0) labels.push('premise-met-train');
      if (fresh.premise > 0) labels.push('premise-met-test');
      const worst = train.worstGap >= fresh.worstGap ? train : fresh;
      const marginMismatch = train.marginMismatch || fresh.marginMismatch;
      const detail = {
        ...configShape(config),
        V,
        referenceScale,
        lnThreshold,
        evaluationTime: tEnd,
        certificateHolds: cert.holds,
        minLambda: cert.minLambda,
        maxLambda: cert.maxLambda,
        testCertified: testCertified.filter(Boolean).length,
        premiseTrain: train.premise,
        premiseTest: fresh.premise,
        overThresholdTrain: train.overThreshold,
        overThresholdTest: fresh.overThreshold,
        // The paper's premise measured (r <= ln 3 from the same log-probabilities): algebra, reported only.
        overThresholdMeasuredMarginAtMostLn3: train.overThresholdMeasuredLowMargin + fresh.overThresholdMeasuredLowMargin,
        notFlippedTrain: train.notFlipped,
        notFlippedTest: fresh.notFlipped,
        maxMarginRelDiff: Math.max(train.maxMarginRelDiff, fresh.maxMarginRelDiff),
        marginMismatch,
        worstIn: worst === train ? 'train' : 'test',
        tolerance: worst.worstGapTolerance,
      };
      if (premise === 0) {
        // Nothing to judge on the failure mode; a normaliser mismatch is still a bug.
        const reason = !cert.holds
          ? `the training set's certificate fails (min λ = ${cert.minLambda.toPrecision(4)}, max Λ = ${cert.maxLambda.toPrecision(4)}): r(τ_1) <= ln 3 is not guaranteed`
          : 'no certified sample has reference odds above 3^{1/β}';
        return { violated: marginMismatch, vacuous: !marginMismatch, detail: { ...detail, reason }, labels };
      }
      const gap = worst.worstGap;
      return {
        violated: train.violated || fresh.violated || marginMismatch,
        withinTolerance: (train.withinTolerance || fresh.withinTolerance) && !train.violated && !fresh.violated,
        observed: gap,
        bound: 0,
        slack: -gap / lnThreshold,
        detail,
        labels,
      };
    },
  });
}

export const failureMode = makeFailureModeClaim();
