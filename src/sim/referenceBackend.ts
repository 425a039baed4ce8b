/**
 * The 'reference' backend: exact float64 evaluation of the flow's right-hand side
 * (THEORY.md §1–§2) by the fused kernel of `kernel.mjs`, on the calling thread or on worker
 * threads, with results that are bit-identical for any number of workers.
 *
 * Determinism: the samples are cut into fixed blocks of `SAMPLE_BLOCK` samples (boundaries depend
 * on N only, never on the number of workers). Each block accumulates its own partial direction
 * over the rows its samples touch, in sample order; the partials are then summed on the calling
 * thread in block order. Workers only decide WHO computes a block, never how it is summed.
 *
 * Feature storage: when every feature value is exactly a float32 (e.g. PyTorch embeddings), the
 * backend keeps a Float32Array copy and runs the kernel's *F32 variant: half the memory and half
 * the bytes per pass, the same float64 arithmetic, bit-identical results (kernel.mjs header; not
 * measurably faster with scalar JS loops, which are instruction-bound).
 * Otherwise the dataset's Float64Array is used as is.
 *
 * Workers share the features through a SharedArrayBuffer (copied once, or used in place when the
 * dataset's float64 features already live in one) and are driven through `Atomics.wait/notify`, so each
 * evaluation is synchronous. Workers are `unref`ed: they never keep the process alive; `dispose`
 * terminates them.
 */
import { Worker } from 'node:worker_threads';
import { InvalidInputError, requireInt } from '../theory/errors.ts';
import type { BackendOptions, BackendProblem, LossSpec, SimBackend } from './backend.ts';
import { registerBackend } from './backend.ts';
import {
  evaluateBlockF32, evaluateBlockF64, isFloat32Exact, LOSS_CODE, marginsBlockF32, marginsBlockF64, reduceBlocks,
} from './kernel.mjs';

/**
 * Samples per block. Ours: large enough that the per-block bookkeeping (one partial per touched
 * row) is negligible next to the block's O(SAMPLE_BLOCK·d) work, small enough that paper-scale
 * data (N = 28,928) gives 15 blocks to balance over two cores. Changing it changes the summation
 * grouping, hence the last bits of every result.
 */
export const SAMPLE_BLOCK = 2048;

/** The fixed block partition of a training set and each block's touched rows. */
export interface BlockLayout {
  readonly blockCount: number;
  /** Block b covers samples [blockStart[b], blockStart[b+1]). */
  readonly blockStart: Int32Array;
  /** Block b's touched rows are blockRows[blockRowStart[b] .. blockRowStart[b+1]) (ascending). */
  readonly blockRowStart: Int32Array;
  readonly blockRows: Int32Array;
  /** Index of w_i's (l_i's) row within its block's touched-row list. */
  readonly localChosen: Int32Array;
  readonly localRejected: Int32Array;
}

/** Cuts N samples into blocks of `SAMPLE_BLOCK` and lists each block's touched rows. */
export function blockLayout(problem: BackendProblem, blockSize = SAMPLE_BLOCK): BlockLayout {
  const n = problem.data.n;
  const { chosenRow, rejectedRow } = problem.rows;
  const blockCount = Math.max(1, Math.ceil(n / blockSize));
  const blockStart = new Int32Array(blockCount + 1);
  for (let b = 0; b <= blockCount; b++) blockStart[b] = Math.min(n, b * blockSize);
  const blockRowStart = new Int32Array(blockCount + 1);
  const rows: number[] = [];
  const localChosen = new Int32Array(n);
  const localRejected = new Int32Array(n);
  for (let b = 0; b < blockCount; b++) {
    blockRowStart[b] = rows.length;
    const set = new Set<number>();
    for (let i = blockStart[b]!; i < blockStart[b + 1]!; i++) {
      set.add(chosenRow[i]!);
      set.add(rejectedRow[i]!);
    }
    const sorted = [...set].sort((x, y) => x - y);
    const local = new Map<number, number>();
    sorted.forEach((u, j) => local.set(u, j));
    for (let i = blockStart[b]!; i < blockStart[b + 1]!; i++) {
      localChosen[i] = local.get(chosenRow[i]!)!;
      localRejected[i] = local.get(rejectedRow[i]!)!;
    }
    rows.push(...sorted);
  }
  blockRowStart[blockCount] = rows.length;
  return { blockCount, blockStart, blockRowStart, blockRows: Int32Array.from(rows), localChosen, localRejected };
}

/**
 * The feature storage the kernel reads: a Float32Array copy when every value is exactly a float32
 * (lossless, half the memory traffic), otherwise the dataset's own Float64Array. With `shared`,
 * the float32 copy lives in a SharedArrayBuffer for the workers.
 */
export function featureStorage(features: Float64Array, shared = false): Float64Array | Float32Array {
  if (!isFloat32Exact(features)) return features;
  const bytes = Math.max(1, features.length) * Float32Array.BYTES_PER_ELEMENT;
  const out = new Float32Array(shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes), 0, features.length);
  out.set(features);
  return out;
}

function checkSpec(spec: LossSpec, n: number): void {
  if (!(spec.loss in LOSS_CODE)) throw new InvalidInputError('loss', `unknown loss '${String(spec.loss)}'`);
  if (spec.slicMask !== undefined && spec.slicMask.length !== n) {
    throw new InvalidInputError('slicMask', `needs length N = ${n}, got ${spec.slicMask.length}`);
  }
}

/** The calling-thread variant (no workers). Synchronous to create. */
export class ReferenceBackend implements SimBackend {
  readonly name = 'reference';
  readonly n: number;
  readonly d: number;
  readonly rowCount: number;
  private readonly problem: BackendProblem;
  private readonly layout: BlockLayout;
  private readonly partial: Float64Array;
  private readonly scratch: Float64Array;
  /** What the kernel reads (see `featureStorage`); `storage` says which. */
  private readonly features: Float64Array | Float32Array;
  /** 'float32' when the features are stored losslessly as float32, else 'float64'. */
  readonly storage: 'float32' | 'float64';

  constructor(problem: BackendProblem) {
    this.problem = problem;
    this.n = problem.data.n;
    this.d = problem.data.d;
    this.rowCount = problem.rows.tokens.length;
    this.layout = blockLayout(problem);
    this.partial = new Float64Array(this.layout.blockRows.length * this.d);
    this.scratch = new Float64Array(2 * this.d);
    this.features = featureStorage(problem.data.features);
    this.storage = this.features instanceof Float32Array ? 'float32' : 'float64';
  }

  evaluate(deltaW: Float64Array, spec: LossSpec, outMargins: Float64Array, outDirection: Float64Array): void {
    checkSpec(spec, this.n);
    const { rows } = this.problem;
    const L = this.layout;
    const code = LOSS_CODE[spec.loss];
    const scale = spec.beta / this.n;
    const mask = spec.loss === 'slic' && spec.slicMask !== undefined ? spec.slicMask : null;
    const f = this.features;
    for (let b = 0; b < L.blockCount; b++) {
      const r0 = L.blockRowStart[b]!;
      const start = L.blockStart[b]!, end = L.blockStart[b + 1]!, touched = L.blockRowStart[b + 1]! - r0;
      if (f instanceof Float32Array) {
        evaluateBlockF32(f, this.d, start, end, rows.chosenRow, rows.rejectedRow, L.localChosen, L.localRejected,
          touched, deltaW, code, spec.beta, scale, mask, outMargins, this.partial, r0 * this.d, this.scratch);
      } else {
        evaluateBlockF64(f, this.d, start, end, rows.chosenRow, rows.rejectedRow, L.localChosen, L.localRejected,
          touched, deltaW, code, spec.beta, scale, mask, outMargins, this.partial, r0 * this.d, this.scratch);
      }
    }
    reduceBlocks(outDirection, this.d, L.blockCount, L.blockRowStart, L.blockRows, this.partial);
  }

  margins(deltaW: Float64Array, beta: number, out: Float64Array): void {
    const { rows } = this.problem;
    const f = this.features;
    if (f instanceof Float32Array) marginsBlockF32(f, this.d, 0, this.n, rows.chosenRow, rows.rejectedRow, deltaW, beta, out);
    else marginsBlockF64(f, this.d, 0, this.n, rows.chosenRow, rows.rejectedRow, deltaW, beta, out);
  }

  dispose(): void {}
}

const CTRL_GEN = 0;
const CTRL_DONE = 1;
const CTRL_CMD = 2;
const CTRL_ERROR = 3;
const CMD_EVALUATE = 1;
const CMD_MARGINS = 2;
const CMD_EXIT = 3;

function shared<T extends Int32Array | Float64Array | Uint8Array>(src: T): T {
  const ctor = src.constructor as { new (b: SharedArrayBuffer): T; BYTES_PER_ELEMENT: number };
  const out = new ctor(new SharedArrayBuffer(Math.max(1, src.length) * ctor.BYTES_PER_ELEMENT));
  out.set(src as never);
  return out;
}

/**
 * The worker-thread variant: `workers` threads evaluate the fixed blocks (block b goes to worker
 * b mod workers); the calling thread sums the partials in block order.
 */
export class ParallelReferenceBackend implements SimBackend {
  readonly name = 'reference';
  readonly n: number;
  readonly d: number;
  readonly rowCount: number;
  private readonly layout: BlockLayout;
  private readonly threads: Worker[] = [];
  private readonly ctrl: Int32Array;
  private readonly params: Float64Array;
  private readonly deltaW: Float64Array;
  private readonly marginsBuf: Float64Array;
  private readonly partial: Float64Array;
  private readonly mask: Uint8Array;
  private disposed = false;
  /** 'float32' when the features are stored losslessly as float32, else 'float64'. */
  readonly storage: 'float32' | 'float64';

  private constructor(problem: BackendProblem, workers: number) {
    const { data, rows } = problem;
    this.n = data.n;
    this.d = data.d;
    this.rowCount = rows.tokens.length;
    this.layout = blockLayout(problem);
    const L = this.layout;
    const stored = featureStorage(data.features, true);
    const features = stored instanceof Float32Array || stored.buffer instanceof SharedArrayBuffer ? stored : shared(stored);
    this.storage = features instanceof Float32Array ? 'float32' : 'float64';
    this.ctrl = new Int32Array(new SharedArrayBuffer(4 * 4));
    this.params = new Float64Array(new SharedArrayBuffer(8 * 4));
    this.deltaW = new Float64Array(new SharedArrayBuffer(Math.max(1, this.rowCount * this.d) * 8));
    this.marginsBuf = new Float64Array(new SharedArrayBuffer(Math.max(1, this.n) * 8));
    this.partial = new Float64Array(new SharedArrayBuffer(Math.max(1, L.blockRows.length * this.d) * 8));
    this.mask = new Uint8Array(new SharedArrayBuffer(Math.max(1, this.n)));
    const common = {
      n: this.n,
      d: this.d,
      workers,
      blockCount: L.blockCount,
      ctrl: this.ctrl.buffer,
      params: this.params.buffer,
      features: features.buffer,
      featuresOffset: features.byteOffset,
      featuresF32: features instanceof Float32Array,
      chosenRow: shared(rows.chosenRow).buffer,
      rejectedRow: shared(rows.rejectedRow).buffer,
      localChosen: shared(L.localChosen).buffer,
      localRejected: shared(L.localRejected).buffer,
      blockStart: shared(L.blockStart).buffer,
      blockRowStart: shared(L.blockRowStart).buffer,
      deltaW: this.deltaW.buffer,
      margins: this.marginsBuf.buffer,
      partial: this.partial.buffer,
      mask: this.mask.buffer,
    };
    for (let index = 0; index < workers; index++) {
      // Referenced until 'online' (an unreferenced starting worker would let the process exit
      // while `create` awaits it), then unref'ed by `create`.
      this.threads.push(new Worker(new URL('./worker.mjs', import.meta.url), { workerData: { ...common, index } }));
    }
  }

  /** Starts `workers` threads and waits until they are running. */
  static async create(problem: BackendProblem, workers: number): Promise<ParallelReferenceBackend> {
    const b = new ParallelReferenceBackend(problem, workers);
    await Promise.all(
      b.threads.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            w.once('online', () => resolve());
            w.once('error', reject);
          }),
      ),
    );
    for (const w of b.threads) w.unref();
    return b;
  }

  private run(cmd: number): void {
    if (this.disposed) throw new Error('backend used after dispose()');
    Atomics.store(this.ctrl, CTRL_DONE, 0);
    Atomics.store(this.ctrl, CTRL_CMD, cmd);
    Atomics.add(this.ctrl, CTRL_GEN, 1);
    Atomics.notify(this.ctrl, CTRL_GEN);
    const total = this.threads.length;
    for (;;) {
      const done = Atomics.load(this.ctrl, CTRL_DONE);
      if (done >= total) break;
      Atomics.wait(this.ctrl, CTRL_DONE, done);
    }
    if (Atomics.load(this.ctrl, CTRL_ERROR) !== 0) throw new Error('a reference-backend worker failed');
  }

  evaluate(deltaW: Float64Array, spec: LossSpec, outMargins: Float64Array, outDirection: Float64Array): void {
    checkSpec(spec, this.n);
    this.deltaW.set(deltaW);
    this.params[0] = spec.beta;
    this.params[1] = spec.beta / this.n;
    this.params[2] = LOSS_CODE[spec.loss];
    const useMask = spec.loss === 'slic' && spec.slicMask !== undefined;
    this.params[3] = useMask ? 1 : 0;
    if (useMask) this.mask.set(spec.slicMask!);
    this.run(CMD_EVALUATE);
    outMargins.set(this.marginsBuf.subarray(0, this.n));
    const L = this.layout;
    reduceBlocks(outDirection, this.d, L.blockCount, L.blockRowStart, L.blockRows, this.partial);
  }

  margins(deltaW: Float64Array, beta: number, out: Float64Array): void {
    this.deltaW.set(deltaW);
    this.params[0] = beta;
    this.run(CMD_MARGINS);
    out.set(this.marginsBuf.subarray(0, this.n));
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    Atomics.store(this.ctrl, CTRL_CMD, CMD_EXIT);
    Atomics.add(this.ctrl, CTRL_GEN, 1);
    Atomics.notify(this.ctrl, CTRL_GEN);
    for (const w of this.threads) void w.terminate();
  }
}

/**
 * Creates the reference backend: on the calling thread when `options.workers` is 0 or absent,
 * otherwise on that many worker threads.
 */
export async function createReferenceBackend(problem: BackendProblem, options: BackendOptions = {}): Promise<SimBackend> {
  const workers = requireInt('workers', options.workers ?? 0, 0);
  return workers === 0 ? new ReferenceBackend(problem) : ParallelReferenceBackend.create(problem, workers);
}

registerBackend('reference', createReferenceBackend);
