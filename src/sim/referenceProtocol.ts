/**
 * The shared-memory protocol between the reference backend (referenceBackend.ts) and its worker
 * threads (worker.ts): what a worker is given, and the control word's slots and commands. Kept
 * apart from worker.ts, whose import starts serving.
 */

import type { WasmMemory, WasmModule } from '../data/wasm.ts';

/** What a worker is given: the kernel's memory and module, byte offsets of its buffers, the problem's sizes. */
export interface ReferenceWorkerData {
  readonly index: number;
  readonly workers: number;
  readonly n: number;
  readonly d: number;
  /** Control word (Int32 slots of {@link CTRL}) and parameters [β, β/N, loss code, mask flag]. */
  readonly ctrl: SharedArrayBuffer;
  readonly params: SharedArrayBuffer;
  /** The shared memory holding the features and every buffer below, and the compiled kernel. */
  readonly memory: WasmMemory;
  readonly module: WasmModule;
  readonly f32: boolean;
  /** Byte offset of the features in `memory`. */
  readonly features: number;
  /** Byte offsets of the backend's buffers in `memory` (kernelMemory.ts). */
  readonly at: Readonly<Record<'chosenRow' | 'rejectedRow' | 'localChosen' | 'localRejected' | 'mask' | 'deltaW' | 'margins' | 'partial' | 'scratch' | 'rowEntryStart' | 'rowEntries' | 'direction', number>>;
  /** The fixed block partition (referenceBackend.ts `blockLayout`). */
  readonly blockStart: Int32Array;
  readonly blockRowStart: Int32Array;
  /** Rows of the direction; worker `index` reduces its {@link reductionRows} of them. */
  readonly rowCount: number;
}

/** Control-word slots: generation counter, workers done, command, error flag. */
export const CTRL = { gen: 0, done: 1, cmd: 2, error: 3 } as const;
/** Commands. */
export const CMD = { evaluate: 1, margins: 2, exit: 3, reduce: 4 } as const;

/** Rows [u0, u1) of the direction that worker `index` of `workers` reduces (disjoint, covering all). */
export function reductionRows(rowCount: number, index: number, workers: number): [number, number] {
  return [Math.floor((index * rowCount) / workers), Math.floor(((index + 1) * rowCount) / workers)];
}
