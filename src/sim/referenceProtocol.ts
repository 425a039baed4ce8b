/**
 * The shared-memory protocol between the reference backend (referenceBackend.ts) and its worker
 * threads (worker.ts): what a worker is given, and the control word's slots and commands. Kept
 * apart from worker.ts, whose import starts serving.
 */

/** What a worker is given: shared buffers and the problem's sizes. */
export interface ReferenceWorkerData {
  readonly index: number;
  readonly workers: number;
  readonly n: number;
  readonly d: number;
  readonly blockCount: number;
  readonly ctrl: SharedArrayBuffer;
  readonly params: SharedArrayBuffer;
  readonly features: SharedArrayBuffer;
  readonly featuresOffset: number;
  readonly featuresF32: boolean;
  readonly chosenRow: SharedArrayBuffer;
  readonly rejectedRow: SharedArrayBuffer;
  readonly localChosen: SharedArrayBuffer;
  readonly localRejected: SharedArrayBuffer;
  readonly blockStart: SharedArrayBuffer;
  readonly blockRowStart: SharedArrayBuffer;
  readonly deltaW: SharedArrayBuffer;
  readonly margins: SharedArrayBuffer;
  readonly partial: SharedArrayBuffer;
  readonly mask: SharedArrayBuffer;
}

/** Control-word slots: generation counter, workers done, command, error flag. */
export const CTRL = { gen: 0, done: 1, cmd: 2, error: 3 } as const;
/** Commands. */
export const CMD = { evaluate: 1, margins: 2, exit: 3 } as const;
