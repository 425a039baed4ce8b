/**
 * The fused evaluation of the single-token dynamics (THEORY.md §1–§2) as a tfjs program, in
 * float32, for one problem or many stacked ("flattened") problems at once:
 *
 *   r_m = β_m a_mᵀ ΔW g_m                         (margins; the softmax normaliser cancels, §1)
 *   D   = Σ_m c_m w(r_m) a_m g_mᵀ,  c_m = β_m/N_m  (= -∇_W L per problem, §1; w(r) = -f'(r), §2)
 *
 * ΔW holds only the rows of the tokens that occur (`ActiveRows` of `../backend.ts`); B problems
 * are stacked by giving each its own block of rows and offsetting its row indices, so one
 * program runs B configurations (the batching of issue 6). Only gathers, a scatter and
 * elementwise ops are used: O(M·d) per evaluation, no transposed matMul (slow on wasm), and every
 * kernel exists on cpu, wasm and webgpu (wasm has no UnsortedSegmentSum, hence ScatterNd, which
 * sums duplicate indices).
 *
 * Plain JavaScript (types in sparseKernel.d.mts) because the WebGPU worker thread
 * (webgpuWorker.mjs) loads it without a TypeScript loader; the tfjs module is passed in, so this
 * file imports nothing.
 */

/** Uploads the constant part of a stacked problem (see sparseKernel.d.mts for the fields). */
export function uploadSparseProgram(tf, input) {
  const { m, rows, d } = input;
  const features = tf.tensor2d(Float32Array.from(input.features), [m, d], 'float32');
  const chosenRow = tf.tensor1d(input.chosenRow, 'int32');
  const rejectedRow = tf.tensor1d(input.rejectedRow, 'int32');
  const both = new Int32Array(2 * m);
  both.set(input.chosenRow, 0);
  both.set(input.rejectedRow, m);
  const scatterIndex = tf.tensor2d(both, [2 * m, 1], 'int32');
  const beta = tf.tensor1d(input.beta, 'float32');
  const coefficient = tf.tensor1d(input.coefficient, 'float32');
  const all = [features, chosenRow, rejectedRow, scatterIndex, beta, coefficient];
  return {
    tf, m, rows, d, features, chosenRow, rejectedRow, scatterIndex, beta, coefficient,
    dispose: () => all.forEach((t) => t.dispose()),
  };
}

/** r = β a_mᵀ ΔW g_m for every stacked sample; `deltaW` is [R, d]. Returns [M]. */
export function sparseMargins(p, deltaW) {
  const tf = p.tf;
  return tf.tidy(() => {
    const rowDiff = tf.sub(tf.gather(deltaW, p.chosenRow), tf.gather(deltaW, p.rejectedRow));
    return tf.mul(p.beta, tf.sum(tf.mul(rowDiff, p.features), 1));
  });
}

/**
 * The loss weight w(r) = -f'(r) of THEORY.md §2: DPO σ(-r), IPO 2(1-r), SLiC [r < 1] (or the
 * frozen 0/1 `slicMask` the integrator supplies, as a [M] float tensor).
 */
export function lossWeight(tf, loss, margins, slicMask) {
  return tf.tidy(() => {
    switch (loss) {
      case 'dpo':
        return tf.sigmoid(tf.neg(margins));
      case 'ipo':
        return tf.mul(2, tf.sub(1, margins));
      case 'slic':
        return slicMask ?? tf.cast(tf.less(margins, 1), 'float32');
      default:
        throw new Error(`unknown loss '${loss}'`);
    }
  });
}

/**
 * The fused evaluation: margins [M] and the descent direction D = Σ_m c_m w(r_m) a_m g_mᵀ
 * ([R, d]; rows of different problems never mix).
 */
export function sparseEvaluate(p, deltaW, loss, slicMask) {
  const tf = p.tf;
  return tf.tidy(() => {
    const margins = sparseMargins(p, deltaW);
    const weight = tf.mul(p.coefficient, lossWeight(tf, loss, margins, slicMask));
    const weighted = tf.mul(p.features, tf.expandDims(weight, 1));
    // a_m g_mᵀ puts +g_m on row w_m and -g_m on row l_m; ScatterNd sums duplicate rows.
    const updates = tf.concat([weighted, tf.neg(weighted)], 0);
    const direction = tf.scatterND(p.scatterIndex, updates, [p.rows, p.d]);
    return { margins, direction };
  });
}
