/**
 * In-memory preference data, the one format every layer below `data` consumes.
 *
 * Features are stored row-major in one typed array (sample i occupies `features[i*d .. i*d+d)`):
 * a `Float64Array`, or a `Float32Array` for float32 data (real embeddings exported from PyTorch
 * as float32 stay float32 in memory; every consumer widens each value to float64, which is exact,
 * before any arithmetic). Tokens are stored as `Int32Array`. A sample is `(g_i, w_i, l_i)` with
 * `w_i != l_i` (THEORY §1).
 */
export interface PreferenceSet {
  /** Number of samples. */
  readonly n: number;
  /** Feature dimension d. */
  readonly d: number;
  /** n × d row-major feature matrix g(x_i). */
  readonly features: FeatureMatrix;
  /** Preferred token w_i per sample. */
  readonly chosen: Int32Array;
  /** Rejected token l_i per sample. */
  readonly rejected: Int32Array;
  /** Cluster index per sample when drawn from a ClusterConfig: 2k for C_{k,+}, 2k+1 for C_{k,-}. */
  readonly cluster?: Int32Array;
  /** Concept id per sample (real data: which value/topic a prompt belongs to), when the file gives one. */
  readonly concept?: Int32Array;
  /** Optional reference log-probabilities ln pi_0(w_i|x_i), ln pi_0(l_i|x_i) (real data). */
  readonly refChosenLogp?: Float64Array;
  readonly refRejectedLogp?: Float64Array;
}

/** A feature matrix as stored: float64, or float32 as read from a float32 file. */
export type FeatureMatrix = Float64Array | Float32Array;

/** A training set, an optional held-out test set, and the vocabulary size V. */
export interface Dataset {
  readonly train: PreferenceSet;
  readonly test?: PreferenceSet;
  /** Vocabulary size V (> every token id used). */
  readonly vocab: number;
}
