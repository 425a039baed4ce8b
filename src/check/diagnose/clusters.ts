/**
 * Which concept and which cluster each sample of a real dataset belongs to (THEORY §3: concept k
 * has the clusters C_{k,+} and C_{k,-} with opposite preferences on one token pair).
 *
 * Concepts come from, in this order: the file's `concept` array; its `cluster` array (the
 * sampler's 2k / 2k+1 ids, concept = ⌊id/2⌋); otherwise the distinct token sets {chosen,
 * rejected}. The cluster sign always comes from the preference direction: within concept k with
 * token set {p_k, n_k} (p_k the smaller token id, so the orientation does not depend on the order
 * of the samples), a sample preferring p_k is in C_{k,+}, one preferring n_k in C_{k,-}.
 */
import type { PreferenceSet } from '../../data/dataset.ts';
import { InvalidInputError } from '../../theory/errors.ts';
import { tokenSharingZ } from '../../theory/tokenSharing.ts';

/** Where the concept ids came from. */
export type ConceptSource = 'concept' | 'cluster' | 'tokens';

/** Samples grouped into the 2K clusters of THEORY §3. */
export interface ClusterAssignment {
  /** Number of concepts K. */
  readonly K: number;
  /** Per sample: 2k for C_{k,+}, 2k+1 for C_{k,-} (k in 0..K-1, concepts in ascending id order). */
  readonly clusterOf: Int32Array;
  /** Samples per cluster (length 2K). */
  readonly sizes: Int32Array;
  /** The concept id of concept k as the file names it (the token-set index for 'tokens'). */
  readonly conceptIds: readonly number[];
  /** Token pair (p_k, n_k) of concept k: C_{k,+} prefers p_k. */
  readonly pairs: ReadonlyArray<readonly [number, number]>;
  /** Z of THEORY §3 from the concepts' token sets. */
  readonly Z: number;
  readonly source: ConceptSource;
}

/** Minimum samples per cluster: a mean and a within-cluster variance need two. */
export const MIN_CLUSTER_SIZE = 2;

function fail(file: string, field: string, message: string): never {
  throw new InvalidInputError(`${file}[${field}]`, message);
}

/**
 * Groups the samples of `set` into concepts and signed clusters (module comment).
 * @param file names the source in error messages.
 * @throws InvalidInputError when a concept has more than one token set, only one cluster, or a
 *   cluster with fewer than {@link MIN_CLUSTER_SIZE} samples, and when no concept ids are given but
 *   every sample has the same token set (concepts cannot be told apart from the tokens).
 * @example identifyClusters(dataset.train, 'd.npz').K
 */
export function identifyClusters(set: PreferenceSet, file: string): ClusterAssignment {
  const n = set.n;
  let source: ConceptSource;
  let raw: Int32Array;
  if (set.concept !== undefined) {
    source = 'concept';
    raw = set.concept;
  } else if (set.cluster !== undefined) {
    source = 'cluster';
    raw = Int32Array.from(set.cluster, (c) => c >> 1);
  } else {
    source = 'tokens';
    const index = new Map<string, number>();
    raw = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const a = Math.min(set.chosen[i], set.rejected[i]);
      const b = Math.max(set.chosen[i], set.rejected[i]);
      const key = `${a},${b}`;
      let k = index.get(key);
      if (k === undefined) index.set(key, (k = index.size));
      raw[i] = k;
    }
    if (index.size === 1 && n > 0) {
      const [key] = index.keys();
      fail(
        file,
        'concept',
        `every sample has the same response pair {${key}}, so concepts cannot be told apart from the tokens (the authors' shared " Yes"/" No" setup); add an integer 'concept' array with one id per sample (all 0 if there is truly one concept)`,
      );
    }
  }
  const field = source === 'tokens' ? 'chosen' : source;
  const ids = [...new Set(raw)].sort((a, b) => a - b);
  const K = ids.length;
  const position = new Map(ids.map((id, k) => [id, k] as const));
  const pairs: Array<[number, number] | undefined> = new Array(K).fill(undefined);
  const clusterOf = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const k = position.get(raw[i])!;
    const lo = Math.min(set.chosen[i], set.rejected[i]);
    const hi = Math.max(set.chosen[i], set.rejected[i]);
    const p = pairs[k];
    if (p === undefined) pairs[k] = [lo, hi];
    else if (p[0] !== lo || p[1] !== hi) {
      fail(
        file,
        field,
        `concept ${ids[k]} has more than one response pair ({${p[0]},${p[1]}} and {${lo},${hi}} at sample ${i}); THEORY §3 gives each concept one token pair`,
      );
    }
    clusterOf[i] = 2 * k + (set.chosen[i] === lo ? 0 : 1);
  }
  const sizes = new Int32Array(2 * K);
  for (let i = 0; i < n; i++) sizes[clusterOf[i]]++;
  for (let k = 0; k < K; k++) {
    const [plus, minus] = [sizes[2 * k], sizes[2 * k + 1]];
    if (plus === 0 || minus === 0) {
      fail(
        file,
        field,
        `concept ${ids[k]} has only one cluster (every sample prefers ${plus === 0 ? pairs[k]![1] : pairs[k]![0]}); THEORY §3 needs both preference directions per concept`,
      );
    }
    for (const [size, sign] of [[plus, '+'], [minus, '-']] as const) {
      if (size < MIN_CLUSTER_SIZE) {
        fail(file, field, `cluster (${ids[k]}, ${sign}) has ${size} sample; at least ${MIN_CLUSTER_SIZE} are needed for a mean and a variance`);
      }
    }
  }
  const finalPairs = pairs.map((p) => p!);
  return { K, clusterOf, sizes, conceptIds: ids, pairs: finalPairs, Z: tokenSharingZ(finalPairs), source };
}
