/**
 * The reference backend's kernel (THEORY §1–§2): the WebAssembly module compiled from the one
 * source src/sim/assembly/kernel.ts (see there for the loops and their summation order), the
 * loss codes and weights. Used on the calling thread and inside worker threads, each with its own
 * instance over the same shared memory.
 */
import { KERNEL_WASM_BASE64 } from './kernel.generated.ts';
import { wasm, type WasmMemory, type WasmModule } from '../data/wasm.ts';

/** Loss codes shared with the kernel and the workers (THEORY §2: weight w(r) = -f'(r)). */
export const LOSS_CODE = Object.freeze({ dpo: 0, ipo: 1, slic: 2 } as const);

/**
 * The kernel module's exports. Every pointer is a byte offset into the instance's memory;
 * `useMask` is 0 or 1. See src/sim/assembly/kernel.ts for what each computes.
 */
export interface KernelExports {
  evaluateBlockF64: EvaluateBlock;
  evaluateBlockF32: EvaluateBlock;
  marginsBlockF64: MarginsBlock;
  marginsBlockF32: MarginsBlock;
  /** Rows [u0, u1) of the direction from the block partials, in block order (see the source). */
  reduceRows(partial: number, d: number, rowStart: number, rowEntries: number, u0: number, u1: number, out: number): void;
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

/** The hot loops for one feature storage (and the storage-free reduction). */
export interface BlockKernel {
  readonly evaluateBlock: EvaluateBlock;
  readonly marginsBlock: MarginsBlock;
  readonly rowScores: RowScores;
  readonly reduceRows: KernelExports['reduceRows'];
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
    ? { evaluateBlock: exports.evaluateBlockF32, marginsBlock: exports.marginsBlockF32, rowScores: exports.rowScoresF32, reduceRows: exports.reduceRows }
    : { evaluateBlock: exports.evaluateBlockF64, marginsBlock: exports.marginsBlockF64, rowScores: exports.rowScoresF64, reduceRows: exports.reduceRows };
}
