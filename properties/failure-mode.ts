/**
 * The failure mode of §7 (THEORY.md §4 "Failure mode"): if r(τ_1) <= ln 3 and
 * π_0(l|x)/π_0(w|x) > 3^{1/β}, then π_W(w|x) < π_W(l|x) at τ_1 — DPO moves toward the preferred
 * answer, but not far enough to overturn a strongly held reference preference.
 *
 * End to end, not a restatement of the algebra: a dense reference head W_0 (V × d, V = the data's
 * vocabulary plus unused tokens) is drawn, the flow is integrated by the simulator (whose sparse
 * ΔW does not depend on W_0, THEORY.md §1), ΔW is scattered into the full V × d matrix, and π_W
 * and π_0 come from a float64 log-softmax over the whole vocabulary of (W_0 + ΔW)g and W_0 g, for
 * the training samples and for fresh test samples. The premise is evaluated from those dense
 * log-probabilities (r = β[(ln π_W(w) − ln π_0(w)) − (ln π_W(l) − ln π_0(l))], reference log-odds
 * ln(π_0(l)/π_0(w))), and so is the conclusion ln π_W(w) − ln π_W(l) < 0. The dense margin is also
 * compared with the simulator's β aᵀΔW g (the normaliser cancels, THEORY.md §1).
 */
import * as fc from 'fast-check';
import { defineClaim, type GenOptions, type Trial } from '../src/check/claim.ts';
import { flowTrajectory, testMargins } from '../src/check/measure.ts';
import { unitFraction, validConfigArb } from '../src/data/arbitraries.ts';
import type { ClusterConfig } from '../src/data/config.ts';
import type { FeatureMatrix, PreferenceSet } from '../src/data/dataset.ts';
import { createStream } from '../src/data/rng.ts';
import { sampleTestSet } from '../src/data/sampler.ts';
import type { ActiveRows } from '../src/sim/index.ts';
import { LN3, failureModeThreshold, trainingMarginSandwich } from '../src/theory/index.ts';
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
 * Caps on N = 2KQ and N·d. Ours: the dense pass costs (N + test) · V · d with V up to 2K + 8; these
 * keep it to milliseconds at small scale and well under a second at full scale.
 */
const LIMITS = { small: { maxN: 240, maxEntries: 1e5 }, full: { maxN: 3000, maxEntries: 2e6 } } as const;

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
  /** Samples meeting the premise r <= ln 3 and ln(π_0(l)/π_0(w)) > ln3/β. */
  premise: number;
  /** Samples over the reference threshold whose margin exceeded ln 3 (premise fails on r). */
  overThresholdHighMargin: number;
  /** Samples over the reference threshold (whatever their margin). */
  overThreshold: number;
  /** Largest ln π_W(w) − ln π_W(l) among premise samples (−Infinity when none). */
  worstGap: number;
  /** Its rounding tolerance. */
  worstGapTolerance: number;
  /** Whether some premise sample had gap > its tolerance. */
  violated: boolean;
  /** Largest gap excess over 0 that stayed within tolerance. */
  withinTolerance: boolean;
  /** max |r_dense − r_sim| / (|r_sim| + rounding floor) and whether it exceeded the rounding tolerance. */
  maxMarginRelDiff: number;
  marginMismatch: boolean;
  /** Fraction of samples with π_W(w) < π_W(l) at τ_1 (absolute preference not flipped). */
  notFlipped: number;
}

function evaluateSet(
  set: PreferenceSet,
  simMargins: Float64Array,
  W0: Float64Array,
  W: Float64Array,
  V: number,
  beta: number,
): SetOutcome {
  const { n, d, features: g, chosen, rejected } = set;
  const lnThreshold = failureModeThreshold(beta).lnThreshold;
  const z = new Float64Array(V);
  const out: SetOutcome = {
    premise: 0,
    overThresholdHighMargin: 0,
    overThreshold: 0,
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
    if (!(r <= LN3)) {
      out.overThresholdHighMargin++;
      continue;
    }
    out.premise++;
    if (gap > out.worstGap) {
      out.worstGap = gap;
      out.worstGapTolerance = tol;
    }
    if (gap >= 0) {
      if (gap > tol) out.violated = true;
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

export const failureMode = defineClaim<FailureModeInput>({
  id: 'failure-mode',
  title: 'If r(τ_1) <= ln 3 and π_0(l|x)/π_0(w|x) > 3^{1/β}, then π_W(w|x) < π_W(l|x) at τ_1',
  section: 'THEORY.md §4, "Failure mode (§7)"',
  edition: 'all',
  expectation: 'holds',
  generator: `valid configurations (validConfigArb, N <= ${LIMITS.small.maxN} small / ${LIMITS.full.maxN} full), a dense W_0 over V = vocab + 0..${MAX_EXTRA_TOKENS} tokens with N(0, σ²) entries, σ = [${REFERENCE_SCALE_RANGE.join(', ')}]·ln3/β log-uniform`,
  measures: 'largest ln π_W(w) − ln π_W(l) at τ_1 (dense float64 log-softmax) over training and fresh test samples meeting the premise; max |r_dense − β aᵀΔW g|',
  bound: `< 0 (tolerance ${FAILURE_MODE_ULPS}·(d + V) ulps of the largest Σ|W_vk g_k| + |lse|); slack in units of ln3/β`,
  runs: { small: 48, full: 200 },
  coverage: { 'premise-met': 0.5 },
  arbitrary: (opts) => failureModeArb(opts),
  check: async ({ config, extraTokens, referenceScale, referenceSeed }, opts): Promise<Trial> => {
    const tau1 = trainingMarginSandwich(config.K, config.beta, config.tau).tau1;
    const traj = await flowTrajectory(config, { tEnd: tau1, gridPoints: 1, solverSteps: false });
    const { dataset, result } = traj;
    const d = config.d;
    const V = dataset.vocab + extraTokens;
    const { lnThreshold } = failureModeThreshold(config.beta);
    const W0 = new Float64Array(V * d);
    createStream(referenceSeed, 'failure-mode/reference-head').fillNormal(W0, 0, V * d, referenceScale * lnThreshold);
    const W = denseHead(W0, d, result.rows, result.deltaW);

    const test = sampleTestSet(config, FAILURE_MODE_TEST_SAMPLES[opts.scale], 'failure-mode-test');
    const train = evaluateSet(dataset.train, traj.margins[traj.margins.length - 1]!, W0, W, V, config.beta);
    const fresh = evaluateSet(test, testMargins(result, test), W0, W, V, config.beta);

    const premise = train.premise + fresh.premise;
    const labels = [...configLabels(config), premise > 0 ? 'premise-met' : 'premise-not-met'];
    if (train.premise > 0) labels.push('premise-met-train');
    if (fresh.premise > 0) labels.push('premise-met-test');
    const worst = train.worstGap >= fresh.worstGap ? train : fresh;
    const marginMismatch = train.marginMismatch || fresh.marginMismatch;
    const detail = {
      ...configShape(config),
      V,
      referenceScale,
      lnThreshold,
      premiseTrain: train.premise,
      premiseTest: fresh.premise,
      overThresholdTrain: train.overThreshold,
      overThresholdTest: fresh.overThreshold,
      overThresholdMarginAboveLn3: train.overThresholdHighMargin + fresh.overThresholdHighMargin,
      notFlippedTrain: train.notFlipped,
      notFlippedTest: fresh.notFlipped,
      maxMarginRelDiff: Math.max(train.maxMarginRelDiff, fresh.maxMarginRelDiff),
      marginMismatch,
      worstIn: worst === train ? 'train' : 'test',
      tolerance: worst.worstGapTolerance,
    };
    if (premise === 0) {
      // Nothing to judge on the failure mode; a normaliser mismatch is still a bug.
      return { violated: marginMismatch, vacuous: !marginMismatch, detail, labels };
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
