/**
 * Margins depend on (β, τ, t) only through s = β²t/τ (THEORY §2, Lemma 4.1): with U = βΔW
 * the flow τ dΔW/dt = (β/N) Σ_i σ(−r_i) a_i g_iᵀ becomes dU/ds = (1/N) Σ_i σ(−r_i) a_i g_iᵀ with
 * r_i = a_iᵀ U g_i, so r(t; β, τ) = r(β²t/τ; 1, 1) exactly, for the same training set. This is
 * what makes τ_1 = Kτ ln3/(5β²) and the slopes β²/(8Kτ), 5β²/(Kτ) of Theorem 4.2 consistent.
 *
 * Checked by integrating one sampled training set twice, with (β', τ') to τ_1(K, β', τ') and with
 * (1, 1) to τ_1(K, 1, 1) = β'²τ_1(K, β', τ')/τ', and comparing every margin on the two uniform
 * grids, which map onto each other exactly.
 */
import * as fc from 'fast-check';
import { defineClaim, type GenOptions, type Trial } from '../src/check/claim.ts';
import { trajectoryOf, ERROR_SAFETY_FACTOR, ROUNDING_RELATIVE } from '../src/check/measure.ts';
import { unitFraction, validConfigArb } from '../src/data/arbitraries.ts';
import { ClusterConfigSchema, type ClusterConfig } from '../src/data/config.ts';
import { sampleDataset } from '../src/data/sampler.ts';
import { trainingMarginSandwich } from '../src/theory/index.ts';
import { configLabels, configShape } from './_internals/inputs.ts';

/**
 * Range of β' and τ' (log-uniform). Ours: two decades around 1, the range validConfigArb uses,
 * so s = β'²t/τ' maps times over six decades onto the reference run.
 */
export const BETA_SQUARED_RANGE = [0.1, 10] as const;

/**
 * Cap on N = 2KQ. Ours: the claim runs two simulations per input; 240 keeps a small run well
 * under a second, 1500 keeps full runs around a second each.
 */
const MAX_N = { small: 240, full: 1500 } as const;

/** Grid times compared per input (both runs stop exactly on them). */
export const BETA_SQUARED_GRID = 16;

/**
 * A log-uniform draw on BETA_SQUARED_RANGE with no atom at 1 (validConfigArb's β, τ are exactly 1
 * half the time, which would compare a run with itself).
 */
function logUniform(): fc.Arbitrary<number> {
  const [lo, hi] = BETA_SQUARED_RANGE;
  return unitFraction().map((f) => lo * Math.pow(hi / lo, f));
}

/** Inputs: a valid configuration with β, τ replaced by log-uniform β', τ' on [0.1, 10]. */
export function betaSquaredArb(opts: Pick<GenOptions, 'scale'>): fc.Arbitrary<ClusterConfig> {
  return fc
    .tuple(validConfigArb({ scale: opts.scale, maxN: MAX_N[opts.scale] }), logUniform(), logUniform())
    .map(([config, beta, tau]) => ClusterConfigSchema.parse({ ...config, beta, tau }));
}

/**
 * The time s on the (β, τ) = (1, 1) flow that corresponds to time t on the (β, τ) flow; injectable
 * so that a test can plant a wrong law and see the claim fail.
 */
export type TimeMap = (t: number, beta: number, tau: number) => number;

/** Lemma 4.1's law: s = β²t/τ (THEORY §2). */
export const betaSquaredTime: TimeMap = (t, beta, tau) => (beta * beta * t) / tau;

/** Builds the claim against `timeMap` (default: s = β²t/τ, the statement checked). */
export function makeBetaSquaredClaim(timeMap: TimeMap = betaSquaredTime, id = 'beta-squared') {
  return defineClaim<ClusterConfig>({
    id,
    title: 'Margins depend on β, τ, t only through β²t/τ: r(t; β, τ) = r(β²t/τ; 1, 1) on the same data',
    section: 'docs/theory.md §2, Lemma 4.1 (exact consequence)',
    edition: 'all',
    expectation: 'holds',
    generator: `valid configurations (validConfigArb, N <= ${MAX_N.small} small / ${MAX_N.full} full) with β', τ' log-uniform on [${BETA_SQUARED_RANGE.join(', ')}]`,
    measures: `max over ${BETA_SQUARED_GRID} grid times in (0, τ_1] and all training samples of |r_i(t; β', τ') − r_i(β'²t/τ'; 1, 1)|`,
    bound: `${ERROR_SAFETY_FACTOR}×(error estimates of both runs) + ${ROUNDING_RELATIVE}×|r|`,
    runs: { small: 30, full: 40 },
    coverage: { 'beta-or-tau-far-from-1': 0.3 },
    arbitrary: (opts) => betaSquaredArb(opts),
    check: async (config): Promise<Trial> => {
      const dataset = sampleDataset(config);
      const tEnd = trainingMarginSandwich(config.K, config.beta, config.tau).tau1;
      // = τ_1(K, 1, 1) for the true law; both grids are uniform, so grid point k maps onto grid point k.
      const sEnd = timeMap(tEnd, config.beta, config.tau);
      const options = { gridPoints: BETA_SQUARED_GRID, solverSteps: false } as const;
      const [scaled, unit] = await Promise.all([
        trajectoryOf(dataset, config.beta, config.tau, { ...options, tEnd }),
        trajectoryOf(dataset, 1, 1, { ...options, tEnd: sEnd }),
      ]);
      if (scaled.times.length !== unit.times.length) {
        throw new Error(`beta-squared: grids differ (${scaled.times.length} vs ${unit.times.length} times)`);
      }
      const errs = ERROR_SAFETY_FACTOR * (scaled.result.errorEstimate + unit.result.errorEstimate);
      let worstRatio = 0;
      let worst = { k: -1, i: -1, diff: 0, tol: errs, r: 0 };
      for (let k = 0; k < scaled.times.length; k++) {
        const ra = scaled.margins[k]!, rb = unit.margins[k]!;
        for (let i = 0; i < ra.length; i++) {
          const diff = Math.abs(ra[i]! - rb[i]!);
          const tol = errs + ROUNDING_RELATIVE * Math.max(Math.abs(ra[i]!), Math.abs(rb[i]!));
          const ratio = diff / tol;
          if (ratio > worstRatio || worst.i < 0) {
            worstRatio = ratio;
            worst = { k, i, diff, tol, r: rb[i]! };
          }
        }
      }
      const far = Math.abs(Math.log10(config.beta)) > 0.5 || Math.abs(Math.log10(config.tau)) > 0.5;
      return {
        violated: worstRatio > 1,
        observed: worst.diff,
        bound: worst.tol,
        slack: 1 - worstRatio,
        detail: {
          ...configShape(config),
          worstT: scaled.times[worst.k],
          worstS: unit.times[worst.k],
          worstSample: worst.i,
          marginThere: worst.r,
          errorScaled: scaled.result.errorEstimate,
          errorUnit: unit.result.errorEstimate,
          stepsScaled: scaled.result.accepted,
          stepsUnit: unit.result.accepted,
        },
        labels: [...configLabels(config), far ? 'beta-or-tau-far-from-1' : 'beta-and-tau-near-1'],
      };
    },
  });
}

export const betaSquared = makeBetaSquaredClaim();
