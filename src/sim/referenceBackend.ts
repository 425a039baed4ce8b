/**
 * The 'reference' backend: exact float64 evaluation of the flow's right-hand side
 * (THEORY §1–§2) by the fused kernel of `kernel.ts`, on the calling thread or on worker
 * threads, with results that are bit-identical for any number of workers.
 *
 * Determinism: the samples are cut into fixed blocks of `SAMPLE_BLOCK` samples (boundaries depend
 * on N only, never on the number of workers). Each block accumulates its own partial direction
 * over the rows its samples touch, in sample order; the partials are then summed on the calling
 * thread in block order. Workers only decide WHO computes a block, never how it is summed.
 *
 * Feature storage: the dataset's own array, Float64Array or Float32Array (a float32 file stays
 * float32: half the memory and half the bytes per pass), read by the kernel copy generated for
 * that storage; the arithmetic is float64 either way and widening float32 is exact, so results are
 * bit-identical to widening the matrix first (kernelSource.ts).
 *
 * Workers share the features through a SharedArrayBuffer (used in place when the dataset's
 * features already live in one, as `loadDataset` reads them; copied once otherwise) and are
 * driven through `Atomics.wait/notify`, so each evaluation is synchronous. Workers are `unref`ed:
 * they never keep the process alive; `dispose` terminates them.
 */
import { Worker } from 'node:worker_threads';
import { InvalidInputError, requireInt } from '../theory/errors.ts';
import type { BackendOptions, BackendProblem, LossSpec, SimBackend } from './backend.ts';
import { registerBackend } from './backend.ts';
import type { FeatureMatrix } from '../data/dataset.ts';
import { kernelFor, LOSS_CODE, reduceBlocks, type BlockKernel } from './kernel.ts';
import { CMD, CTRL, type ReferenceWorkerData } from './referenceProtocol.ts';
import { workerModule } from '../data/workerUrl.ts';

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
 * The feature storage the kernel reads: the dataset's own array; with `shared` (for workers), in
 * a SharedArrayBuffer: the array itself when it already lives in one, else a copy of the same type.
 */
export function featureStorage(features: FeatureMatrix, shared = false): FeatureMatrix {
  if (!shared || features.buffer instanceof SharedArrayBuffer) return features;
  const bytes = Math.max(1, features.length) * features.BYTES_PER_ELEMENT;
  const out = features instanceof Float32Array ? new Float32Array(new SharedArrayBuffer(bytes), 0, features.length) : new Float64Array(new SharedArrayBuffer(bytes), 0, features.length);
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
  private readonly features: FeatureMatrix;
  private readonly kernel: BlockKernel;
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
    this.kernel = kernelFor(this.features);
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
      this.kernel.evaluateBlock(f, this.d, start, end, rows.chosenRow, rows.rejectedRow, L.localChosen, L.localRejected,
        touched, deltaW, code, spec.beta, scale, mask, outMargins, this.partial, r0 * this.d, this.scratch);
    }
    reduceBlocks(outDirection, this.d, L.blockCount, L.blockRowStart, L.blockRows, this.partial);
  }

  margins(deltaW: Float64Array, beta: number, out: Float64Array): void {
    const { rows } = this.problem;
    this.kernel.marginsBlock(this.features, this.d, 0, this.n, rows.chosenRow, rows.rejectedRow, deltaW, beta, out);
  }

  dispose(): void {}
}

/** A copy of `src` in a new SharedArrayBuffer, for the workers. */
function shared(src: Int32Array): SharedArrayBuffer {
  const buffer = new SharedArrayBuffer(Math.max(1, src.length) * Int32Array.BYTES_PER_ELEMENT);
  new Int32Array(buffer).set(src);
  return buffer;
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
  private readonly ctrl: Int32Array<SharedArrayBuffer>;
  private readonly params: Float64Array<SharedArrayBuffer>;
  private readonly deltaW: Float64Array<SharedArrayBuffer>;
  private readonly marginsBuf: Float64Array<SharedArrayBuffer>;
  private readonly partial: Float64Array<SharedArrayBuffer>;
  private readonly mask: Uint8Array<SharedArrayBuffer>;
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
    const features = featureStorage(data.features, true);
    this.storage = features instanceof Float32Array ? 'float32' : 'float64';
    this.ctrl = new Int32Array(new SharedArrayBuffer(4 * 4));
    this.params = new Float64Array(new SharedArrayBuffer(8 * 4));
    this.deltaW = new Float64Array(new SharedArrayBuffer(Math.max(1, this.rowCount * this.d) * 8));
    this.marginsBuf = new Float64Array(new SharedArrayBuffer(Math.max(1, this.n) * 8));
    this.partial = new Float64Array(new SharedArrayBuffer(Math.max(1, L.blockRows.length * this.d) * 8));
    this.mask = new Uint8Array(new SharedArrayBuffer(Math.max(1, this.n)));
    const common: Omit<ReferenceWorkerData, 'index'> = {
      n: this.n,
      d: this.d,
      workers,
      blockCount: L.blockCount,
      ctrl: this.ctrl.buffer,
      params: this.params.buffer,
      features: features.buffer as SharedArrayBuffer, // featureStorage(…, true) guarantees it
      featuresOffset: features.byteOffset,
      featuresF32: features instanceof Float32Array,
      chosenRow: shared(rows.chosenRow),
      rejectedRow: shared(rows.rejectedRow),
      localChosen: shared(L.localChosen),
      localRejected: shared(L.localRejected),
      blockStart: shared(L.blockStart),
      blockRowStart: shared(L.blockRowStart),
      deltaW: this.deltaW.buffer,
      margins: this.marginsBuf.buffer,
      partial: this.partial.buffer,
      mask: this.mask.buffer,
    };
    const url = workerModule(import.meta.url, 'worker');
    for (let index = 0; index < workers; index++) {
      // Referenced until 'online' (an unreferenced starting worker would let the process exit
      // while `create` awaits it), then unref'ed by `create`.
      const workerData: ReferenceWorkerData = { ...common, index };
      this.threads.push(new Worker(url, { workerData }));
    }
  }

  /** Starts `workers` threads and waits until each has loaded the kernel and awaits commands. */
  static async create(problem: BackendProblem, workers: number): Promise<ParallelReferenceBackend> {
    const b = new ParallelReferenceBackend(problem, workers);
    try {
      await Promise.all(
        b.threads.map(
          (w) =>
            new Promise<void>((resolve, reject) => {
              w.once('message', () => resolve());
              w.once('error', reject);
              w.once('exit', (code) => reject(new Error(`a reference-backend worker exited (code ${code}) before it was ready`)));
            }),
        ),
      );
    } catch (e) {
      b.dispose();
      throw e;
    }
    for (const w of b.threads) w.unref();
    return b;
  }

  private run(cmd: number): void {
    if (this.disposed) throw new Error('backend used after dispose()');
    Atomics.store(this.ctrl, CTRL.done, 0);
    Atomics.store(this.ctrl, CTRL.cmd, cmd);
    Atomics.add(this.ctrl, CTRL.gen, 1);
    Atomics.notify(this.ctrl, CTRL.gen);
    const total = this.threads.length;
    for (;;) {
      const done = Atomics.load(this.ctrl, CTRL.done);
      if (done >= total) break;
      Atomics.wait(this.ctrl, CTRL.done, done);
    }
    if (Atomics.load(this.ctrl, CTRL.error) !== 0) throw new Error('a reference-backend worker failed');
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
    this.run(CMD.evaluate);
    outMargins.set(this.marginsBuf.subarray(0, this.n));
    const L = this.layout;
    reduceBlocks(outDirection, this.d, L.blockCount, L.blockRowStart, L.blockRows, this.partial);
  }

  margins(deltaW: Float64Array, beta: number, out: Float64Array): void {
    this.deltaW.set(deltaW);
    this.params[0] = beta;
    this.run(CMD.margins);
    out.set(this.marginsBuf.subarray(0, this.n));
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    Atomics.store(this.ctrl, CTRL.cmd, CMD.exit);
    Atomics.add(this.ctrl, CTRL.gen, 1);
    Atomics.notify(this.ctrl, CTRL.gen);
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
