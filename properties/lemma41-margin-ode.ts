/**
 * Lemma 4.1 (THEORY §2): along the gradient flow, τ dr_j/dt = (β²/N) Σ_i w(r_i) C_ij with
 * C_ij = (a_jᵀ a_i)(g_iᵀ g_j), for ANY features, tokens and state (no cluster assumption). The
 * simulator's dr/dt is taken without finite differences: one W-space evaluation of the flow's
 * direction, mapped to margins by the (linear) margin map.
 */
import * as fc from 'fast-check';
import { defineClaim } from '../src/check/claim.ts';
import type { LossName } from '../src/data/config.ts';
import { activeRows } from '../src/sim/backend.ts';
import { flowMarginVelocity, marginKernel, marginVelocityFromKernel } from '../src/sim/marginOde.ts';
import { lossWeight } from '../src/sim/metrics.ts';
import { ReferenceBackend } from '../src/sim/referenceBackend.ts';

/** One draw: arbitrary samples, an arbitrary state ΔW over the used rows, and the loss. */
export interface MarginOdeInput {
  readonly n: number;
  readonly d: number;
  readonly features: readonly number[];
  readonly chosen: readonly number[];
  readonly rejected: readonly number[];
  /** Values for the active rows (row-major); only the first rows·d entries are used. */
  readonly state: readonly number[];
  readonly beta: number;
  readonly tau: number;
  readonly loss: LossName;
}

/**
 * Rounding allowance in ulps per summed term. Ours: both sides sum the same N·d products in a
 * different order (W-space: rows of G first, then the dot product with g_j; r-space: kernel
 * entries first), so each side carries at most about (N + d) rounding errors of the sum of
 * absolute terms; 16 covers both sides and the β², 1/(Nτ) factors.
 */
export const MARGIN_ODE_ULPS = 16;

/**
 * Absolute allowance for gradual underflow. Ours: the generator may draw subnormal features,
 * whose products lose all relative precision; a discrepancy below 1e-300 is underflow, never a
 * property of the dynamics.
 */
export const UNDERFLOW_FLOOR = 1e-300;

const MAX_VOCAB = 6;
const num = (min: number, max: number) => fc.double({ min, max, noNaN: true, noDefaultInfinity: true });

export const lemma41MarginOde = defineClaim<MarginOdeInput>({
  id: 'lemma41-margin-ode',
  title: 'Along the flow, τ dr_j/dt = (β²/N) Σ_i w(r_i) C_ij for arbitrary data and state',
  section: 'docs/theory.md §2, Lemma 4.1',
  edition: 'all',
  expectation: 'holds',
  generator: `N 1..12 samples in dimension 1..6 with arbitrary features in [-2, 2], tokens from a vocabulary of ${MAX_VOCAB} (w != l, sharing allowed), an arbitrary ΔW in [-1, 1], β in [0.05, 4], τ in [0.1, 10], loss dpo/ipo/slic`,
  measures: 'max_j |dr_j/dt (W-space evaluation) - (β²/(Nτ)) Σ_i w(r_i) C_ij|',
  bound: `${MARGIN_ODE_ULPS}·(N + d) ulps of (β²/(Nτ)) Σ_i |w(r_i)|·2·Σ_k |g_ik g_jk|`,
  runs: { small: 60, full: 2000 },
  arbitrary: () =>
    fc
      .record({ n: fc.integer({ min: 1, max: 12 }), d: fc.integer({ min: 1, max: 6 }) })
      .chain(({ n, d }) =>
        fc.record({
          n: fc.constant(n),
          d: fc.constant(d),
          features: fc.array(num(-2, 2), { minLength: n * d, maxLength: n * d }),
          chosen: fc.array(fc.integer({ min: 0, max: MAX_VOCAB - 1 }), { minLength: n, maxLength: n }),
          shifts: fc.array(fc.integer({ min: 1, max: MAX_VOCAB - 1 }), { minLength: n, maxLength: n }),
          state: fc.array(num(-1, 1), { minLength: MAX_VOCAB * d, maxLength: MAX_VOCAB * d }),
          beta: num(0.05, 4),
          tau: num(0.1, 10),
          loss: fc.constantFrom<LossName>('dpo', 'ipo', 'slic'),
        }),
      )
      .map(({ shifts, ...x }) => ({ ...x, rejected: x.chosen.map((w, i) => (w + shifts[i]!) % MAX_VOCAB) })),
  check: ({ n, d, features, chosen, rejected, state, beta, tau, loss }) => {
    const data = { n, d, features: Float64Array.from(features), chosen: Int32Array.from(chosen), rejected: Int32Array.from(rejected) };
    const rows = activeRows(data);
    const deltaW = Float64Array.from(state.slice(0, rows.tokens.length * d));
    const backend = new ReferenceBackend({ data, rows });
    let margins: Float64Array, velocity: Float64Array;
    try {
      ({ margins, velocity } = flowMarginVelocity(backend, deltaW, { loss, beta }, tau));
    } finally {
      backend.dispose();
    }
    const lemma = marginVelocityFromKernel(marginKernel(data), margins, { beta, tau, loss });
    let worst = -Infinity, observed = 0, bound = 0;
    for (let j = 0; j < n; j++) {
      let scale = 0;
      for (let i = 0; i < n; i++) {
        const touches = chosen[i] === chosen[j] || chosen[i] === rejected[j] || rejected[i] === chosen[j] || rejected[i] === rejected[j];
        if (!touches) continue;
        let s = 0;
        for (let k = 0; k < d; k++) s += Math.abs(features[i * d + k]! * features[j * d + k]!);
        scale += Math.abs(lossWeight(loss, margins[i]!)) * 2 * s;
      }
      const tol = MARGIN_ODE_ULPS * (n + d) * Number.EPSILON * ((beta * beta) / (n * tau)) * scale + UNDERFLOW_FLOOR;
      const diff = Math.abs(velocity[j]! - lemma[j]!);
      const slack = (tol - diff) / tol;
      if (-slack > worst) (worst = -slack), (observed = diff), (bound = tol);
    }
    return {
      violated: worst > 0,
      observed,
      bound,
      slack: -worst,
      labels: [loss, new Set(chosen.concat(rejected)).size < 2 * n ? 'shared-tokens' : 'disjoint-tokens'],
    };
  },
});

export default lemma41MarginOde;
