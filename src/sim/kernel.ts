/**
 * The reference backend's kernel (THEORY §1–§2): the per-storage hot loops generated from
 * `kernelSource.ts` (see there), the loss codes and weights, the storage picker, and the fixed-
 * order reduction of block partials. Used on the calling thread and inside worker threads.
 */
import type { Features } from './kernelSource.ts';
import { evaluateBlockF32, evaluateBlockF64, marginsBlockF32, marginsBlockF64 } from './kernel.generated.ts';

export { evaluateBlockF32, evaluateBlockF64, marginsBlockF32, marginsBlockF64 };
export type { Features };

/** Loss codes shared with the workers (THEORY §2: weight w(r) = -f'(r)). */
export const LOSS_CODE = Object.freeze({ dpo: 0, ipo: 1, slic: 2 } as const);

/** Loss weight w(r) = -f'(r): DPO σ(-r), IPO 2(1-r), SLiC [r < 1] (THEORY §2). */
export function lossWeight(code: number, r: number): number {
  if (code === 0) return 1 / (1 + Math.exp(r));
  if (code === 1) return 2 * (1 - r);
  return r < 1 ? 1 : 0;
}

type Rest<F> = F extends (first: never, ...rest: infer R) => unknown ? R : never;

/**
 * The two hot loops of one feature storage. Method syntax: a kernel accepts exactly the storage
 * {@link kernelFor} picked it for, which the caller passes back.
 */
export interface BlockKernel {
  evaluateBlock(features: Features, ...rest: Rest<typeof evaluateBlockF64>): void;
  marginsBlock(features: Features, ...rest: Rest<typeof marginsBlockF64>): void;
}

const F64_KERNEL: BlockKernel = { evaluateBlock: evaluateBlockF64, marginsBlock: marginsBlockF64 };
const F32_KERNEL: BlockKernel = { evaluateBlock: evaluateBlockF32, marginsBlock: marginsBlockF32 };

/** The generated copy of the hot loops for `features`' storage (pass the same `features` to it). */
export function kernelFor(features: Features): BlockKernel {
  return features instanceof Float32Array ? F32_KERNEL : F64_KERNEL;
}

/**
 * Adds the block partials into `out` (rowCount × d, overwritten) in block order 0, 1, 2, …:
 * the one reduction order used whatever the number of workers.
 */
export function reduceBlocks(out: Float64Array, d: number, blockCount: number, blockRowStart: Int32Array, blockRows: Int32Array, partial: Float64Array): void {
  out.fill(0);
  for (let b = 0; b < blockCount; b++) {
    const r0 = blockRowStart[b];
    const r1 = blockRowStart[b + 1];
    for (let j = r0; j < r1; j++) {
      const dst = blockRows[j] * d;
      const src = j * d;
      for (let k = 0; k < d; k++) out[dst + k] += partial[src + k];
    }
  }
}
