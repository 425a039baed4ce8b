/**
 * THEORY §6: with multi-token responses the softmax normaliser no longer cancels, and the
 * gradient-flow rate of a token reward r(y) read at state h* obeys the derived identity
 *   τ dr(y)/dt = (β²/N) Σ_i σ(-r_i) Σ_j [(h_{ijw}ᵀh*)(e_y - s*)ᵀ(e_{y_w} - s_{ijw}) - (same for l)].
 * Checked two independent ways on random sequences: float64 central finite differences of the
 * full model (no derivative taken by hand), and tfjs autodiff in float32.
 */
import * as fc from 'fast-check';
import { defineClaim } from '../src/check/claim.ts';
import {
  multiTokenLoss, tokenReward, tokenRewardRate, tokenRewardRateByFiniteDifferences, type MultiTokenProblem,
} from '../src/sim/tensor/multiToken.ts';
import { tokenRewardRateByAutodiff } from '../src/sim/tensor/multiTokenAutodiff.ts';
import { loadTensorBackend } from '../src/sim/tensor/registry.ts';

/**
 * Central-difference step. Ours: the error of a central difference is about step²·|f'''|/6
 * (truncation) plus eps64·|f|/step (rounding); with O(1) derivatives both are ~1e-10 at 1e-5,
 * the usual cube-root-of-eps64 choice.
 */
export const FD_STEP = 1e-5;
/**
 * Finite differences: allowed error relative to the identity's scale (the sum of |terms|), plus
 * the rounding floor below. Ours: the two nested central differences are accurate to ~1e-9 of
 * the scale for the entry ranges drawn; 1e-6 leaves three orders of margin and still fails any
 * sign or factor error in the identity (those are O(1) of the scale).
 */
export const FD_RELATIVE_TOLERANCE = 1e-6;
/**
 * Rounding floor of the nested differences, in units of eps64·(|L| + |r(y)| + 1)/step: each
 * central difference loses eps64·|f|/step, and the error of D enters through ⟨∇r(y), δD⟩ with
 * |∇r(y)| = O(β·|h*|). Ours: 1e3 covers the V·d entries of D and those factors.
 */
export const FD_ROUNDING_FACTOR = 1e3;
/**
 * float32 autodiff: allowed error in units of eps32·(V + d + N·L_max)·scale·(1 + β·M), where the
 * count bounds the longest float32 sum (Higham's γ_n), and β·M (M = max over samples of the summed
 * |log-probabilities|) accounts for the float32 error of r_i inside σ(-r_i). Ours: 8 covers the
 * handful of elementwise roundings around each sum.
 */
export const AUTODIFF_SLACK = 8;
const EPS32 = 2 ** -23;

/**
 * Entries below this magnitude are drawn as exactly 0. Ours: float32 flushes values below ~1e-38
 * (and loses relative precision below ~1e-38 in subnormals), which is an underflow, not a rounding
 * error the scaled tolerance models; real hidden states and heads never hold such values.
 */
export const SMALLEST_NONZERO_ENTRY = 1e-6;
const entry = (max: number) =>
  fc.double({ min: -max, max, noNaN: true, noDefaultInfinity: true }).map((x) => (Math.abs(x) < SMALLEST_NONZERO_ENTRY ? 0 : x));

function sequenceArb(V: number, d: number) {
  return fc.integer({ min: 1, max: 4 }).chain((L) =>
    fc.record({
      tokens: fc.array(fc.integer({ min: 0, max: V - 1 }), { minLength: L, maxLength: L }),
      states: fc.array(fc.array(entry(1.5), { minLength: d, maxLength: d }), { minLength: L, maxLength: L }),
    }),
  );
}

export const multitokenIdentity = defineClaim<MultiTokenProblem>({
  id: 'multitoken-identity',
  title: 'Multi-token token-reward rate under gradient flow equals the derived identity of THEORY §6',
  section: 'docs/theory.md §6 (§4.3, Appendix D)',
  edition: 'all',
  expectation: 'holds',
  generator: 'V 2..8, d 1..5, N 1..4 preferences, response lengths 1..4, states in [-1.5,1.5]^d, W_0 in [-2,2], W = W_0 + ΔW with ΔW in [-1,1], β in [0.05, 2], any probe token and state',
  measures: 'identity vs float64 central finite differences, and vs tfjs (cpu) float32 autodiff ⟨∇r(y), -∇L⟩',
  bound: `FD: ${FD_RELATIVE_TOLERANCE}·scale + rounding floor; autodiff: ${AUTODIFF_SLACK}·eps32·(V+d+N·L)·scale·(1+βM)`,
  runs: { small: 12, full: 300 },
  arbitrary: () =>
    fc
      .record({ V: fc.integer({ min: 2, max: 8 }), d: fc.integer({ min: 1, max: 5 }), N: fc.integer({ min: 1, max: 4 }) })
      .chain(({ V, d, N }) =>
        fc.record({
          vocab: fc.constant(V),
          d: fc.constant(d),
          beta: fc.double({ min: 0.05, max: 2, noNaN: true }),
          initialHead: fc.array(entry(2), { minLength: V * d, maxLength: V * d }),
          delta: fc.array(entry(1), { minLength: V * d, maxLength: V * d }),
          samples: fc.array(fc.record({ chosen: sequenceArb(V, d), rejected: sequenceArb(V, d) }), { minLength: N, maxLength: N }),
          probe: fc.record({ token: fc.integer({ min: 0, max: V - 1 }), state: fc.array(entry(1.5), { minLength: d, maxLength: d }) }),
        }),
      )
      .map(({ delta, ...p }) => ({ ...p, head: p.initialHead.map((w, k) => w + delta[k]!) })),
  check: async (p) => {
    const { rate, scale } = tokenRewardRate(p);
    const fd = tokenRewardRateByFiniteDifferences(p, FD_STEP);
    const loss = multiTokenLoss(p);
    const probeReward = Math.abs(tokenReward(p, p.head, p.probe.token, p.probe.state));
    const fdTol = FD_RELATIVE_TOLERANCE * scale + (FD_ROUNDING_FACTOR * Number.EPSILON * (loss + probeReward + 1)) / FD_STEP;
    const rt = await loadTensorBackend('cpu');
    const ad = await tokenRewardRateByAutodiff(rt, p);
    const V = p.vocab;
    const longest = Math.max(...p.samples.flatMap((s) => [s.chosen.tokens.length, s.rejected.tokens.length]));
    // M: the summed |log-probabilities| of a sample bound the float32 error of its margin.
    let maxLogit = 0;
    for (const s of p.samples) for (const seq of [s.chosen, s.rejected]) for (const h of seq.states) {
      for (let y = 0; y < V; y++) {
        let a = 0, b = 0;
        for (let k = 0; k < p.d; k++) { a += Math.abs(p.head[y * p.d + k]! * h[k]!); b += Math.abs(p.initialHead[y * p.d + k]! * h[k]!); }
        maxLogit = Math.max(maxLogit, a, b);
      }
    }
    const M = 4 * longest * (maxLogit + Math.log(V) + 1);
    const adTol = AUTODIFF_SLACK * EPS32 * (V + p.d + p.samples.length * longest) * scale * (1 + p.beta * M);
    const fdErr = Math.abs(fd - rate);
    const adErr = Math.abs(ad - rate);
    const violated = !(fdErr <= fdTol) || !(adErr <= adTol);
    return {
      violated,
      observed: rate,
      bound: fd,
      slack: Math.min(1 - fdErr / fdTol, 1 - adErr / adTol),
      detail: { identity: rate, finiteDifferences: fd, autodiff32: ad, scale, fdTolerance: fdTol, autodiffTolerance: adTol },
      labels: [rate === 0 ? 'zero-rate' : Math.abs(rate) < 1e-3 * scale ? 'cancelling' : 'generic', p.samples.some((s) => s.chosen.tokens.length > 1) ? 'multi-token' : 'single-token'],
    };
  },
  coverage: { 'multi-token': 0.3 },
});
