/**
 * The deterministic part of the cluster means: the shared component b = l_b e_1 and the concept
 * vectors c_k (THEORY §3; Appendix C for the approximately orthogonal kind).
 *
 * Indexing: coordinates are 0-based, so e_1 is coordinate 0 and the paper's c_k = e_{1+k}
 * (k = 1..K) is, for our 0-based concept index k = 0..K-1, coordinate k+1.
 */
import type { ClusterConfig, ConceptVectors } from './config.ts';
import { InvalidInputError } from '../theory/errors.ts';
import { createStream } from './rng.ts';

/**
 * Smallest feature dimension d that the concept-vector kind needs for K concepts:
 * - basis: K+1 (e_1 for b, e_{1+k} for c_k; THEORY §3);
 * - approx with δ > 0: max(K+1, 3) (the off-axis mass needs a coordinate other than e_1 and
 *   e_{1+k});
 * - correlated with ρ > 0: K+2 (the common direction u = e_{K+2} must be orthogonal to e_1 and
 *   every e_{1+k}).
 */
export function conceptMinDim(K: number, concepts: ConceptVectors): number {
  switch (concepts.kind) {
    case 'basis':
      return K + 1;
    case 'approx':
      return concepts.delta > 0 ? Math.max(K + 1, 3) : K + 1;
    case 'correlated':
      return concepts.rho > 0 ? K + 2 : K + 1;
  }
}

/** The shared component b = l_b e_1 as a length-d vector (THEORY §3). */
export function sharedComponent(config: Pick<ClusterConfig, 'd' | 'lb'>): Float64Array {
  const b = new Float64Array(config.d);
  b[0] = config.lb;
  return b;
}

/**
 * Alignment of an Appendix-C concept vector with its basis vector: `1 - δ²/8`
 * (THEORY §4, Appendix C: |<c_k, e_{c_k}>| >= 1 - δ²/8; we sit exactly on the edge).
 */
export function approxAlignment(delta: number): number {
  return 1 - (delta * delta) / 8;
}

/**
 * The K concept vectors c_0..c_{K-1} as a K×d row-major matrix (row k is c_k).
 *
 * - `basis`: c_k = e_{1+k} exactly.
 * - `approx` (Appendix C): c_k = s e_{1+k} + sqrt(1-s²) u_k with s = 1 - δ²/8 stored exactly,
 *   u_k a unit vector drawn uniformly (seeded, stream `concepts/approx/<k>`) among directions
 *   orthogonal to e_{1+k} and to e_1, so that b stays orthogonal to every c_k. Unit norm up to
 *   rounding.
 * - `correlated`: c_k = sqrt(1-ρ) e_{1+k} + sqrt(ρ) e_{K+2} (coordinate K+1), so
 *   <c_j, c_k> = ρ for j != k (up to the rounding of the two square roots), unit norm, orthogonal
 *   to b. Needs d >= K+2 when ρ > 0.
 *
 * @throws InvalidInputError (field `d`) when d is below {@link conceptMinDim}.
 */
export function conceptVectors(config: Pick<ClusterConfig, 'K' | 'd' | 'concepts' | 'seed'>): Float64Array {
  const { K, d, concepts } = config;
  const need = conceptMinDim(K, concepts);
  if (d < need) {
    throw new InvalidInputError('d', `concept vectors of kind '${concepts.kind}' need d >= ${need} for K = ${K}, got ${d}`);
  }
  const c = new Float64Array(K * d);
  switch (concepts.kind) {
    case 'basis':
      for (let k = 0; k < K; k++) c[k * d + k + 1] = 1;
      break;
    case 'approx': {
      const s = approxAlignment(concepts.delta);
      // 1 - s² = (1-s)(1+s) with 1-s = δ²/8: avoids the cancellation of 1 - s*s for small δ.
      const t = concepts.delta * concepts.delta / 8;
      const off = Math.sqrt(t * (2 - t));
      for (let k = 0; k < K; k++) {
        const row = k * d;
        c[row + k + 1] = s;
        if (off === 0) continue;
        const stream = createStream(config.seed, `concepts/approx/${k}`);
        let norm2 = 0;
        // Redraw in the (probability-zero) event of an all-zero direction.
        while (norm2 === 0) {
          for (let j = 1; j < d; j++) {
            if (j === k + 1) continue;
            const z = stream.normal();
            c[row + j] = z;
            norm2 += z * z;
          }
        }
        const scale = off / Math.sqrt(norm2);
        for (let j = 1; j < d; j++) if (j !== k + 1) c[row + j] *= scale;
      }
      break;
    }
    case 'correlated': {
      const onAxis = Math.sqrt(1 - concepts.rho);
      const common = Math.sqrt(concepts.rho);
      for (let k = 0; k < K; k++) {
        c[k * d + k + 1] = onAxis;
        if (common > 0) c[k * d + K + 1] = common;
      }
      break;
    }
  }
  return c;
}
