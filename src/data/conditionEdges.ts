/**
 * The edge value of every condition of the main theorems (THEORY §3, "Conditions of the
 * theorems (main text, v5)") and of Appendix C, one named function per condition, so that
 * generators can build configurations that sit exactly on an edge (the arbitraries here) or
 * break exactly one condition by a chosen magnitude (the explorer's generators, later).
 *
 * These restate the paper's numbers for constructing data; the verdict-side checks live in
 * src/theory. Each function returns the bound exactly as the inequality is written in THEORY §3,
 * evaluated in float64 in that order, so a value built as `v = noiseBound(Q)` satisfies
 * `v <= 1 / (32 * Math.sqrt(Q))` bit for bit.
 */

/** Smallest shared-component length l_b allowed (THEORY §3, condition "shared": 1/4 <= l_b). */
export const LB_MIN = 1 / 4;
/** Largest shared-component length l_b allowed (THEORY §3, condition "shared": l_b <= 1/2). */
export const LB_MAX = 1 / 2;
/** Smallest Q for Theorem 4.3 (THEORY §3, condition "size": Q >= 40). */
export const SIZE_MIN_Q = 40;

/**
 * Largest noise scale v allowed with Q samples per cluster: `1/(32 √Q)` (THEORY §3, condition
 * "noise", v5 main text; the appendix and v3 use 1/(4√Q), THEORY §8).
 * @example noiseBound(64) // 1/256
 */
export function noiseBound(Q: number): number {
  return 1 / (32 * Math.sqrt(Q));
}

/**
 * Largest feature dimension d allowed with Q samples per cluster: `5Q` (THEORY §3, condition
 * "dim": d <= 5Q).
 */
export function dimBound(Q: number): number {
  return 5 * Q;
}

/**
 * Smallest feature dimension for K concepts: `K + 1` (THEORY §3: b = l_b e_1 and c_k = e_{1+k}
 * need K+1 orthogonal directions).
 */
export function minDim(K: number): number {
  return K + 1;
}

/**
 * Largest token-sharing number Z allowed at shared-component length l_b: the largest integer
 * `<= 1/(4 l_b²)` (THEORY §3, condition "Z"). Between 1 (l_b = 1/2) and 4 (l_b = 1/4).
 * @example sharingBound(0.25) // 4
 */
export function sharingBound(lb: number): number {
  return Math.floor(1 / (4 * lb * lb));
}

/**
 * Largest proof parameter ε of Appendix B at noise v and sharing Z: `1/(16 v (Z+2))`
 * (THEORY §4, Lemma B.1 / condition B.3; +Infinity at v = 0).
 */
export function epsilonBound(v: number, Z: number): number {
  return 1 / (16 * v * (Z + 2));
}

/**
 * Largest δ of Appendix C (δ-approximately orthogonal concepts) at sharing Z:
 * `min(ε v / 8, 1/4)` with the largest admissible ε = 1/(16 v (Z+2)) (THEORY §4, Appendix C).
 * The v cancels: ε v / 8 = 1/(128 (Z+2)), which is always below 1/4, so the bound is
 * `1/(128 (Z+2))` for every v (also in the limit v -> 0).
 * @example approxDeltaBound(1) // 1/384
 */
export function approxDeltaBound(Z: number): number {
  return Math.min(1 / (128 * (Z + 2)), 1 / 4);
}
