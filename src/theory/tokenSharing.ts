/**
 * Z, the token-sharing number of the data assumption (THEORY §3).
 */
import { InvalidInputError } from './errors.ts';

/**
 * Z = the largest number of concepts whose token set {p_k, n_k} contains one token, counted
 * per concept (THEORY §3, data assumption of §3 of the paper). Distinct pairs give Z = 1;
 * the authors' " Yes"/" No" for every concept gives Z = K.
 *
 * Throws InvalidInputError('pairs') for an empty list, a token that is not a non-negative
 * integer, or a pair whose two tokens are equal (w_i ≠ l_i, THEORY §1). Repeated token sets
 * break the data assumption but Z is still well defined, so they are accepted.
 *
 * @param pairs one (p_k, n_k) per concept k.
 * @example tokenSharingZ([[0, 1], [0, 2], [3, 4]]) // 2 (token 0 is in two concepts)
 */
export function tokenSharingZ(pairs: ReadonlyArray<readonly [number, number]>): number {
  if (pairs.length === 0) throw new InvalidInputError('pairs', 'needs at least one concept');
  const count = new Map<number, number>();
  pairs.forEach(([p, n], k) => {
    for (const t of [p, n]) {
      if (!Number.isSafeInteger(t) || t < 0) {
        throw new InvalidInputError('pairs', `token ${String(t)} of concept ${k} is not a non-negative integer`);
      }
    }
    if (p === n) throw new InvalidInputError('pairs', `concept ${k} has equal tokens (${p}, ${n})`);
    count.set(p, (count.get(p) ?? 0) + 1);
    count.set(n, (count.get(n) ?? 0) + 1);
  });
  let z = 0;
  for (const c of count.values()) if (c > z) z = c;
  return z;
}
