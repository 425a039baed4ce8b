/**
 * The reference backend's kernel (THEORY §1–§2): the WebAssembly module compiled from the one
 * source src/sim/assembly/kernel.ts (see there for the loops and their summation order), the
 * loss codes and weights, and the fixed-order reduction of block partials. Used on the calling
 * thread and inside worker threads, each with its own instance over the same shared memory.
 */
import { KERNEL_WASM_BASE64 } from './kernel.generated.ts';
import { wasm, type WasmMemory, type WasmModule } from '../data/wasm.ts';

/** Loss codes shared with the kernel and the workers (THEORY §2: weight w(r) = -f'(r)). */
export const LOSS_CODE = Object.freeze({ dpo: 0, ipo: 1, slic: 2 } as const);

/** Loss weight w(r) = -f'(r): DPO σ(-r), IPO 2(1-r), SLiC [r < 1] (THEORY §2); the kernel's `weight`. */
export function lossWeight(code: number, r: number): number {
  if (code === 0) return 1 / (1 + Math.exp(r));
  if (code === 1) return 2 * (1 - r);
  return r < 1 ? 1 : 0;
}

/**
 * The kernel module's exports. Every pointer is a byte offset into the instance's memory;
 * `useMask` is 0 or 1. See src/sim/assembly/kernel.ts for what each computes.
 */
export interface KernelExports {
  evaluateBlockF64: EvaluateBlock;
  evaluateBlockF32: EvaluateBlock;
  marginsBlockF64: MarginsBlock;
  marginsBlockF32: MarginsBlock;
  rowScoresF64: RowScores;
  rowScoresF32: RowScores;
  streamSumF64(features: number, n: number): number;
  streamSumF32(features: number, n: number): number;
}

export type EvaluateBlock = (
  features: number, d: number, start: number, end: number, chosenRow: number, rejectedRow: number,
  localChosen: number, localRejected: number, touchedCount: number, deltaW: number, lossCode: number,
  beta: number, scale: number, useMask: number, mask: number, margins: number, partial: number, scratch: number,
) => void;
export type MarginsBlock = (
  features: number, d: number, start: number, end: number, chosenRow: number, rejectedRow: number,
  deltaW: number, beta: number, margins: number,
) => void;

export type RowScores = (features: number, d: number, start: number, end: number, wt: number, m: number, out: number) => void;

/** The hot loops for one feature storage. */
export interface BlockKernel {
  readonly evaluateBlock: EvaluateBlock;
  readonly marginsBlock: MarginsBlock;
  readonly rowScores: RowScores;
}

let compiled: WasmModule | undefined;

/** The compiled kernel module (compiled once per thread; it can be posted to workers as is). */
export function kernelModule(): WasmModule {
  compiled ??= new wasm.Module(Buffer.from(KERNEL_WASM_BASE64, 'base64'));
  return compiled;
}

/** An instance of the kernel over `memory` (σ uses this thread's Math.exp). */
export function instantiateKernel(memory: WasmMemory, module: WasmModule = kernelModule()): KernelExports {
  const instance = new wasm.Instance(module, { env: { memory, exp: Math.exp } });
  return instance.exports as unknown as KernelExports;
}

/** The loops of `exports` for float32 (`f32`) or float64 feature storage. */
export function kernelFor(exports: KernelExports, f32: boolean): BlockKernel {
  return f32
    ? { evaluateBlock: exports.evaluateBlockF32, marginsBlock: exports.marginsBlockF32, rowScores: exports.rowScoresF32 }
    : { evaluateBlock: exports.evaluateBlockF64, marginsBlock: exports.marginsBlockF64, rowScores: exports.rowScoresF64 };
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
