/**
 * Lemma 4.1's first step (THEORY §1): with single-token responses the softmax normaliser
 * cancels, so the DPO margin computed from full log-probabilities over a vocabulary of size V with
 * an arbitrary dense W_0 equals the simulator's r = β aᵀ ΔW g.
 */
import * as fc from 'fast-check';
import { defineClaim } from '../src/check/claim.ts';
import { activeRows } from '../src/sim/backend.ts';
import { ReferenceBackend } from '../src/sim/referenceBackend.ts';

/** One draw: vocabulary, dimension, dense W_0 and ΔW (V×d), a feature g and a token pair. */
export interface NormaliserInput {
  readonly V: number;
  readonly d: number;
  readonly beta: number;
  readonly W0: readonly number[];
  readonly dW: readonly number[];
  readonly g: readonly number[];
  readonly w: number;
  readonly l: number;
}

/**
 * Rounding allowance in ulps per term. Ours: each logit is a d-term dot product and each
 * log-softmax adds a V-term log-sum-exp, so an entry carries at most about (d + V) rounding errors
 * of the largest logit magnitude; four entries enter the full margin and the slack of 16 covers
 * the combination and the max-shift.
 */
export const NORMALISER_ULPS = 16;

const entry = fc.double({ min: -3, max: 3, noNaN: true, noDefaultInfinity: true });

function logSoftmax(z: number[]): number[] {
  const m = Math.max(...z);
  const lse = m + Math.log(z.reduce((s, x) => s + Math.exp(x - m), 0));
  return z.map((x) => x - lse);
}

export const lemma41Normaliser = defineClaim<NormaliserInput>({
  id: 'lemma41-normaliser',
  title: 'The DPO margin from full log-softmax probabilities equals β aᵀ ΔW g (the normaliser cancels)',
  section: 'docs/theory.md §1 (Eq. 2) and §2, Lemma 4.1',
  edition: 'all',
  expectation: 'holds',
  generator: 'vocabulary 2..40, dimension 1..8, dense W_0 and ΔW with entries in [-3, 3], any feature g, any token pair w != l, β in [0.01, 5]',
  measures: '|β[(ln π_W(w) - ln π_0(w)) - (ln π_W(l) - ln π_0(l))] - β aᵀ ΔW g|',
  bound: `${NORMALISER_ULPS}·(d + V) ulps of β·(largest |logit| + 1)`,
  runs: { small: 60, full: 2000 },
  arbitrary: () =>
    fc
      .record({ V: fc.integer({ min: 2, max: 40 }), d: fc.integer({ min: 1, max: 8 }) })
      .chain(({ V, d }) =>
        fc.record({
          V: fc.constant(V),
          d: fc.constant(d),
          beta: fc.double({ min: 0.01, max: 5, noNaN: true }),
          W0: fc.array(entry, { minLength: V * d, maxLength: V * d }),
          dW: fc.array(entry, { minLength: V * d, maxLength: V * d }),
          g: fc.array(entry, { minLength: d, maxLength: d }),
          w: fc.integer({ min: 0, max: V - 1 }),
          shift: fc.integer({ min: 1, max: V - 1 }),
        }),
      )
      .map(({ shift, ...x }) => ({ ...x, l: (x.w + shift) % x.V })),
  check: ({ V, d, beta, W0, dW, g, w, l }) => {
    const logits = (M: (v: number, k: number) => number) =>
      Array.from({ length: V }, (_, v) => g.reduce((s, gk, k) => s + M(v, k) * gk, 0));
    const z0 = logits((v, k) => W0[v * d + k]!);
    const z = logits((v, k) => W0[v * d + k]! + dW[v * d + k]!);
    const lp0 = logSoftmax(z0), lp = logSoftmax(z);
    const full = beta * (lp[w]! - lp0[w]! - (lp[l]! - lp0[l]!));
    // The simulator's margin: one sample, ΔW restricted to its two rows, the reference kernel.
    const data = { n: 1, d, features: Float64Array.from(g), chosen: Int32Array.of(w), rejected: Int32Array.of(l) };
    const rows = activeRows(data);
    const restricted = new Float64Array(rows.tokens.length * d);
    rows.tokens.forEach((tok, u) => restricted.set(dW.slice(tok * d, tok * d + d), u * d));
    const out = new Float64Array(1);
    const backend = new ReferenceBackend({ data, rows });
    try {
      backend.margins(restricted, beta, out);
    } finally {
      backend.dispose();
    }
    const scale = Math.max(...z0.map(Math.abs), ...z.map(Math.abs)) + 1;
    const tol = NORMALISER_ULPS * (d + V) * Number.EPSILON * beta * scale;
    const diff = Math.abs(full - out[0]!);
    return {
      violated: diff > tol,
      observed: diff,
      bound: tol,
      slack: (tol - diff) / tol,
      labels: [V > 20 ? 'large-vocab' : 'small-vocab'],
    };
  },
});

export default lemma41Normaliser;
