/**
 * A held-out test split of a training set, as the authors' last-layer experiment made one (90/10,
 * THEORY §7): a seeded random fraction of every cluster goes to the test set, so each cluster keeps
 * its share and at least two training samples.
 */
import type { Dataset, PreferenceSet } from '../../data/dataset.ts';
import { createStream } from '../../data/rng.ts';
import { InvalidInputError } from '../../theory/errors.ts';
import type { ClusterAssignment } from './clusters.ts';
import { MIN_CLUSTER_SIZE } from './clusters.ts';

function subset(set: PreferenceSet, idx: readonly number[]): PreferenceSet {
  const d = set.d;
  const features = new Float64Array(idx.length * d);
  idx.forEach((i, r) => features.set(set.features.subarray(i * d, (i + 1) * d), r * d));
  const pick = (v: Int32Array) => Int32Array.from(idx, (i) => v[i]);
  const pickF = (v: Float64Array) => Float64Array.from(idx, (i) => v[i]);
  return {
    n: idx.length,
    d,
    features,
    chosen: pick(set.chosen),
    rejected: pick(set.rejected),
    ...(set.cluster !== undefined ? { cluster: pick(set.cluster) } : {}),
    ...(set.concept !== undefined ? { concept: pick(set.concept) } : {}),
    ...(set.refChosenLogp !== undefined && set.refRejectedLogp !== undefined
      ? { refChosenLogp: pickF(set.refChosenLogp), refRejectedLogp: pickF(set.refRejectedLogp) }
      : {}),
  };
}

/**
 * Splits `dataset.train` into train and test: round(fraction · n_a) samples of every cluster a go
 * to the test set (chosen by a seeded shuffle), keeping the file order within each part.
 * @throws InvalidInputError when a cluster would keep fewer than 2 training samples or the test set would be empty.
 * @example heldOutSplit(ds, clusters, 0.1, 0).test!.n
 */
export function heldOutSplit(dataset: Dataset, clusters: ClusterAssignment, fraction: number, seed: number): Dataset {
  const train = dataset.train;
  const members: number[][] = Array.from({ length: 2 * clusters.K }, () => []);
  for (let i = 0; i < train.n; i++) members[clusters.clusterOf[i]].push(i);
  const rng = createStream(seed, 'diagnose/split');
  const isTest = new Uint8Array(train.n);
  members.forEach((idx, a) => {
    const m = Math.round(fraction * idx.length);
    if (idx.length - m < MIN_CLUSTER_SIZE) {
      throw new InvalidInputError('--split', `${fraction} leaves cluster ${a} (${idx.length} samples) with fewer than ${MIN_CLUSTER_SIZE} training samples`);
    }
    const order = [...idx];
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rng.uniform() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    for (let j = 0; j < m; j++) isTest[order[j]] = 1;
  });
  const keep: number[] = [], held: number[] = [];
  for (let i = 0; i < train.n; i++) (isTest[i] ? held : keep).push(i);
  if (held.length === 0) throw new InvalidInputError('--split', `${fraction} puts no sample into the test set (clusters are too small)`);
  return { train: subset(train, keep), test: subset(train, held), vocab: dataset.vocab };
}
