/**
 * The token factor of Lemma 4.1 (THEORY §2): a_jᵀa_i = [w_j=w_i] − [w_j=l_i] − [l_j=w_i] + [l_j=l_i]
 * lies in {−2, …, 2}: 2 for the same (w, l), −2 for the swapped pair, 0 for disjoint tokens, and
 * ±1 when exactly one token is shared (+1 in the same role, −1 in opposite roles). Checked
 * against the explicit vectors a = e_w − e_l.
 */
import * as fc from 'fast-check';
import { defineClaim } from '../src/check/claim.ts';
import { tokenFactor } from '../src/sim/marginOde.ts';

/** Vocabulary of the draws. Ours: 5 tokens make every case (same, swapped, one shared, disjoint) frequent. */
const VOCAB = 5;

export interface TokenPairInput {
  readonly wj: number;
  readonly lj: number;
  readonly wi: number;
  readonly li: number;
}

function caseOf({ wj, lj, wi, li }: TokenPairInput): { label: string; expected: number } {
  if (wj === wi && lj === li) return { label: 'same', expected: 2 };
  if (wj === li && lj === wi) return { label: 'swapped', expected: -2 };
  const shared = [wj, lj].filter((t) => t === wi || t === li).length;
  if (shared === 0) return { label: 'disjoint', expected: 0 };
  const sameRole = wj === wi || lj === li;
  return sameRole ? { label: 'one-shared-same-role', expected: 1 } : { label: 'one-shared-opposite-role', expected: -1 };
}

const pair = fc.tuple(fc.integer({ min: 0, max: VOCAB - 1 }), fc.integer({ min: 1, max: VOCAB - 1 })).map(([w, s]) => [w, (w + s) % VOCAB] as const);

export const tokenFactorClaim = defineClaim<TokenPairInput>({
  id: 'token-factor',
  title: 'the token factor a_jᵀa_i is in {−2..2} with the stated cases',
  section: 'docs/theory.md §2, Lemma 4.1',
  edition: 'all',
  expectation: 'holds',
  generator: `two preference pairs (w != l) over a vocabulary of ${VOCAB} tokens`,
  measures: "the simulator's tokenFactor(w_j, l_j, w_i, l_i) and the explicit dot product (e_wj − e_lj)ᵀ(e_wi − e_li)",
  bound: 'equal to each other and to the case value 2 / −2 / 0 / ±1',
  runs: { small: 300, full: 5000 },
  coverage: { same: 0.02, swapped: 0.02, disjoint: 0.05, 'one-shared-same-role': 0.05, 'one-shared-opposite-role': 0.05 },
  arbitrary: () => fc.tuple(pair, pair).map(([[wj, lj], [wi, li]]) => ({ wj, lj, wi, li })),
  check: (input) => {
    const a = (w: number, l: number) => Array.from({ length: VOCAB }, (_, k) => +(k === w) - +(k === l));
    const aj = a(input.wj, input.lj);
    const ai = a(input.wi, input.li);
    const dot = aj.reduce((s, x, k) => s + x * ai[k]!, 0);
    const f = tokenFactor(input.wj, input.lj, input.wi, input.li);
    const { label, expected } = caseOf(input);
    const ok = f === dot && f === expected && Number.isInteger(f) && f >= -2 && f <= 2;
    return { violated: !ok, observed: f, bound: expected, slack: ok ? 1 : -1, detail: { dot, case: label }, labels: [label] };
  },
});
