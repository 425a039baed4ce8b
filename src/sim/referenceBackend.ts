/**
 * The 'reference' backend: exact float64 evaluation of the flow's right-hand side
 * (THEORY §1–§2) by the WebAssembly kernel of `kernel.ts` (one source:
 * src/sim/assembly/kernel.ts), on the calling thread or on worker threads, with results that are
 * bit-identical for any number of workers.
 *
 * Determinism: the samples are cut into fixed blocks of `SAMPLE_BLOCK` samples (boundaries depend
 * on N only, never on the number of workers). Each block accumulates its own partial direction
 * over the rows its samples touch, in sample order; the partials are then summed in block order,
 * row by row (each worker reduces a range of rows). Workers only decide WHO computes
 * a block or a row, never how it is summed.
 *
 * Feature storage: the dataset's own array, Float64Array or Float32Array (a float32 file stays
 * float32: half the memory and half the bytes per pass), read by the kernel's loops for that
 * storage; the arithmetic is float64 either way and widening float32 is exact, so results are
 * bit-identical to widening the matrix first.
 *
 * Memory: the kernel reads one shared WebAssembly memory (kernelMemory.ts), which holds the
 * features in place when they were loaded or sampled by src/data (copied once otherwise) and the
 * backend's buffers. Workers get the same memory and are driven through `Atomics.wait/notify`, so
 * each evaluation is synchronous. Workers are `unref`ed: they never keep the process alive;
 * `dispose` terminates them and returns the buffers for reuse.
 */
import { Worker } from 'node:worker_threads';
import { InvalidInputError, requireInt } from '../theory/errors.ts';
import type { BackendOptions, BackendProblem, LossSpec, SimBackend } from './backend.ts';
import { registerBackend } from './backend.ts';
import { instantiateKernel, kernelFor, kernelModule, LOSS_CODE, type BlockKernel } from './kernel.ts';
import { KernelMemory } from './kernelMemory.ts';
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
  /**
   * Where each row's partials are: row u's are the entries j of `blockRows` with blockRows[j] = u,
   * listed in rowEntries[rowEntryStart[u] .. rowEntryStart[u+1]) in increasing j (block order).
   */
  readonly rowEntryStart: Int32Array;
  readonly rowEntries: Int32Array;
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
  const rowCount = problem.rows.tokens.length;
  const rowEntryStart = new Int32Array(rowCount + 1);
  for (const u of rows) rowEntryStart[u + 1]!++;
  for (let u = 0; u < rowCount; u++) rowEntryStart[u + 1]! += rowEntryStart[u]!;
  const rowEntries = new Int32Array(rows.length);
  const fill = rowEntryStart.slice(0, rowCount);
  rows.forEach((u, j) => (rowEntries[fill[u]!++] = j));
  return { blockCount, blockStart, blockRowStart, blockRows: Int32Array.from(rows), localChosen, localRejected, rowEntryStart, rowEntries };
}

function checkSpec(spec: LossSpec, n: number): void {
  if (!(spec.loss in LOSS_CODE)) throw new InvalidInputError('loss', `unknown loss '${String(spec.loss)}'`);
  if (spec.slicMask !== undefined && spec.slicMask.length !== n) {
    throw new InvalidInputError('slicMask', `needs length N = ${n}, got ${spec.slicMask.length}`);
  }
}

/** The buffers the kernel works on, by name (all in the kernel's memory, see kernelMemory.ts). */
type BufferName = 'chosenRow' | 'rejectedRow' | 'localChosen' | 'localRejected' | 'mask' | 'deltaW' | 'margins' | 'partial' | 'scratch'
  | 'rowEntryStart' | 'rowEntries' | 'direction';

/**
 * What both variants share: the block layout, the kernel's memory with the problem's row indices
 * written in, and views of the buffers the calling thread fills and reads. `scratchCount` threads
 * each get 2·d doubles of scratch.
 */
class KernelState {
  readonly n: number;
  readonly d: number;
  readonly rowCount: number;
  readonly layout: BlockLayout;
  readonly mem: KernelMemory<BufferName>;
  readonly deltaW: Float64Array;
  readonly margins: Float64Array;
  readonly direction: Float64Array;
  readonly mask: Uint8Array;
  /** 'float32' when the features are stored losslessly as float32, else 'float64'. */
  readonly storage: 'float32' | 'float64';

  constructor(problem: BackendProblem, scratchCount: number) {
    const { data, rows } = problem;
    this.n = data.n;
    this.d = data.d;
    this.rowCount = rows.tokens.length;
    this.layout = blockLayout(problem);
    const L = this.layout;
    const n = this.n, d = this.d;
    this.mem = new KernelMemory<BufferName>(data.features, {
      chosenRow: 4 * n, rejectedRow: 4 * n, localChosen: 4 * n, localRejected: 4 * n, mask: n,
      deltaW: 8 * this.rowCount * d, margins: 8 * n, partial: 8 * L.blockRows.length * d, scratch: 8 * 2 * d * scratchCount,
      rowEntryStart: 4 * (this.rowCount + 1), rowEntries: 4 * L.rowEntries.length, direction: 8 * this.rowCount * d,
    });
    this.mem.i32('rowEntryStart', this.rowCount + 1).set(L.rowEntryStart);
    this.mem.i32('rowEntries', L.rowEntries.length).set(L.rowEntries);
    this.mem.i32('chosenRow', n).set(rows.chosenRow);
    this.mem.i32('rejectedRow', n).set(rows.rejectedRow);
    this.mem.i32('localChosen', n).set(L.localChosen);
    this.mem.i32('localRejected', n).set(L.localRejected);
    this.deltaW = this.mem.f64('deltaW', this.rowCount * d);
    this.margins = this.mem.f64('margins', n);
    this.direction = this.mem.f64('direction', this.rowCount * d);
    this.mask = this.mem.u8('mask', n);
    this.storage = this.mem.f32 ? 'float32' : 'float64';
  }

  /** Writes ΔW and the SLiC mask in; the kernel's (β, β/N, loss code, mask flag). */
  load(deltaW: Float64Array, spec: LossSpec): [number, number, number, number] {
    checkSpec(spec, this.n);
    this.deltaW.set(deltaW);
    const useMask = spec.loss === 'slic' && spec.slicMask !== undefined;
    if (useMask) this.mask.set(spec.slicMask!);
    return [spec.beta, spec.beta / this.n, LOSS_CODE[spec.loss], useMask ? 1 : 0];
  }

  /** Copies the margins and the direction (reduced by the kernel's `reduceRows`) out. */
  finish(outMargins: Float64Array, outDirection: Float64Array): void {
    outMargins.set(this.margins);
    outDirection.set(this.direction);
  }
}

/** The calling-thread variant (no workers). Synchronous to create. */
export class ReferenceBackend implements SimBackend {
  readonly name = 'reference';
  readonly n: number;
  readonly d: number;
  readonly rowCount: number;
  private readonly state: KernelState;
  private readonly kernel: BlockKernel;
  /** 'float32' when the features are stored losslessly as float32, else 'float64'. */
  readonly storage: 'float32' | 'float64';
  private disposed = false;

  constructor(problem: BackendProblem) {
    this.state = new KernelState(problem, 1);
    this.n = this.state.n;
    this.d = this.state.d;
    this.rowCount = this.state.rowCount;
    this.storage = this.state.storage;
    this.kernel = kernelFor(instantiateKernel(this.state.mem.memory), this.state.mem.f32);
  }

  evaluate(deltaW: Float64Array, spec: LossSpec, outMargins: Float64Array, outDirection: Float64Array): void {
    if (this.disposed) throw new Error('backend used after dispose()');
    const S = this.state, L = S.layout, at = S.mem.at, d = this.d;
    const [beta, scale, code, useMask] = S.load(deltaW, spec);
    for (let b = 0; b < L.blockCount; b++) {
      const r0 = L.blockRowStart[b]!;
      this.kernel.evaluateBlock(S.mem.features, d, L.blockStart[b]!, L.blockStart[b + 1]!, at.chosenRow, at.rejectedRow,
        at.localChosen, at.localRejected, L.blockRowStart[b + 1]! - r0, at.deltaW, code, beta, scale, useMask, at.mask,
        at.margins, at.partial + 8 * r0 * d, at.scratch);
    }
    this.kernel.reduceRows(at.partial, d, at.rowEntryStart, at.rowEntries, 0, this.rowCount, at.direction);
    S.finish(outMargins, outDirection);
  }

  margins(deltaW: Float64Array, beta: number, out: Float64Array): void {
    if (this.disposed) throw new Error('backend used after dispose()');
    const S = this.state, at = S.mem.at;
    S.deltaW.set(deltaW);
    this.kernel.marginsBlock(S.mem.features, this.d, 0, this.n, at.chosenRow, at.rejectedRow, at.deltaW, beta, at.margins);
    out.set(S.margins);
  }

  /** Returns the kernel's buffers for reuse by the next backend over the same features. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.state.mem.release();
  }
}

/**
 * The worker-thread variant: `workers` threads evaluate the fixed blocks (block b goes to worker
 * b mod workers) with their own instances of the kernel over the same shared memory; the
 * workers then sum the partials in block order, each over a range of rows.
 */
export class ParallelReferenceBackend implements SimBackend {
  readonly name = 'reference';
  readonly n: number;
  readonly d: number;
  readonly rowCount: number;
  private readonly state: KernelState;
  private readonly threads: Worker[] = [];
  private readonly ctrl: Int32Array<SharedArrayBuffer>;
  private readonly params: Float64Array<SharedArrayBuffer>;
  private disposed = false;
  /** 'float32' when the features are stored losslessly as float32, else 'float64'. */
  readonly storage: 'float32' | 'float64';

  private constructor(problem: BackendProblem, workers: number) {
    this.state = new KernelState(problem, workers);
    const S = this.state, L = S.layout;
    this.n = S.n;
    this.d = S.d;
    this.rowCount = S.rowCount;
    this.storage = S.storage;
    this.ctrl = new Int32Array(new SharedArrayBuffer(4 * 4));
    this.params = new Float64Array(new SharedArrayBuffer(8 * 4));
    const common: Omit<ReferenceWorkerData, 'index'> = {
      n: this.n,
      d: this.d,
      workers,
      ctrl: this.ctrl.buffer,
      params: this.params.buffer,
      memory: S.mem.memory,
      module: kernelModule(),
      f32: S.mem.f32,
      features: S.mem.features,
      at: S.mem.at,
      blockStart: L.blockStart,
      blockRowStart: L.blockRowStart,
      rowCount: this.rowCount,
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
    if (this.disposed) throw new Error('backend used after dispose()');
    this.params.set(this.state.load(deltaW, spec));
    this.run(CMD.evaluate);
    this.run(CMD.reduce);
    this.state.finish(outMargins, outDirection);
  }

  margins(deltaW: Float64Array, beta: number, out: Float64Array): void {
    if (this.disposed) throw new Error('backend used after dispose()');
    this.state.deltaW.set(deltaW);
    this.params[0] = beta;
    this.run(CMD.margins);
    out.set(this.state.margins);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    Atomics.store(this.ctrl, CTRL.cmd, CMD.exit);
    Atomics.add(this.ctrl, CTRL.gen, 1);
    Atomics.notify(this.ctrl, CTRL.gen);
    // The region is returned once every worker has stopped touching it.
    void Promise.all(this.threads.map((w) => w.terminate())).then(() => this.state.mem.release());
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
