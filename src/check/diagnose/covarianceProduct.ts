/**
 * The product v -> Σ̂ v with the pooled within-cluster covariance Σ̂ = Σ_i ε_i ε_iᵀ/(N - 2K),
 * ε_i = x_i - μ_{c(i)}, without forming Σ̂ or the centred data (one pass over the features), on the
 * calling thread or split over worker threads.
 *
 * Determinism: the rows are cut into fixed blocks of {@link COVARIANCE_BLOCK_ROWS}; each block's
 * sum is computed by one thread with the same kernel (covarianceKernel.ts) and the block sums are
 * added in block order on the calling thread, so the result is bit-identical for any number of
 * workers (THEORY-independent house rule: same seed, same numbers, whatever the parallelism).
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { workerModule } from '../../data/workerUrl.ts';
import { covarianceBlock } from './covarianceKernel.ts';
import { CMD, CTRL, type CovarianceWorkerData } from './covarianceProtocol.ts';

/** Rows per block. Ours: large enough that a block's d-vector of partial sums costs nothing, small enough to balance two threads. */
export const COVARIANCE_BLOCK_ROWS = 1024;

/**
 * Below this many feature entries the product runs on the calling thread. Ours: a product over
 * 2²² entries takes a few ms, about what waking the workers costs.
 */
export const PARALLEL_MIN_ENTRIES = 2 ** 22;

function shared<T extends Float64Array | Int32Array>(src: T): T {
  if (src.buffer instanceof SharedArrayBuffer) return src;
  const ctor = src.constructor as { new (b: SharedArrayBuffer): T; BYTES_PER_ELEMENT: number };
  const out = new ctor(new SharedArrayBuffer(Math.max(1, src.length) * ctor.BYTES_PER_ELEMENT));
  out.set(src);
  return out;
}

/** Σ̂ as an operator (module comment). Call {@link CovarianceProduct.dispose} when done. */
export class CovarianceProduct {
  private readonly blocks: number;
  private readonly X: Float64Array;
  private readonly cl: Int32Array;
  private readonly v: Float64Array;
  private readonly muDot: Float64Array;
  private readonly partial: Float64Array;
  private readonly coef: Float64Array;
  private readonly ctrl: Int32Array;
  private readonly threads: Worker[] = [];

  /**
   * @param X N×d features (row-major); @param cl cluster of every row (0..C-1);
   * @param means C×d cluster means; @param dof N - C; @param workers worker threads (0 = calling thread).
   */
  constructor(
    X: Float64Array,
    private readonly N: number,
    private readonly d: number,
    cl: Int32Array,
    private readonly means: Float64Array,
    private readonly C: number,
    private readonly dof: number,
    workers: number,
  ) {
    this.blocks = Math.max(1, Math.ceil(N / COVARIANCE_BLOCK_ROWS));
    const threads = N * d >= PARALLEL_MIN_ENTRIES ? Math.min(workers, this.blocks, availableParallelism()) : 0;
    const mk = (n: number) => new Float64Array(threads > 0 ? new SharedArrayBuffer(8 * Math.max(1, n)) : new ArrayBuffer(8 * Math.max(1, n)));
    this.X = threads > 0 ? shared(X) : X;
    this.cl = threads > 0 ? shared(cl) : cl;
    this.v = mk(d);
    this.muDot = mk(C);
    this.partial = mk(this.blocks * d);
    this.coef = mk(this.blocks * C);
    this.ctrl = new Int32Array(new SharedArrayBuffer(4 * 4));
    const url = workerModule(import.meta.url, 'covarianceWorker');
    for (let index = 0; index < threads; index++) {
      const workerData: CovarianceWorkerData = {
        index,
        threads,
        n: N,
        d,
        clusters: C,
        blocks: this.blocks,
        blockRows: COVARIANCE_BLOCK_ROWS,
        ctrl: this.ctrl.buffer as SharedArrayBuffer,
        features: this.X.buffer as SharedArrayBuffer,
        featuresOffset: this.X.byteOffset,
        cluster: this.cl.buffer as SharedArrayBuffer,
        v: this.v.buffer as SharedArrayBuffer,
        muDot: this.muDot.buffer as SharedArrayBuffer,
        partial: this.partial.buffer as SharedArrayBuffer,
        coef: this.coef.buffer as SharedArrayBuffer,
      };
      this.threads.push(new Worker(url, { workerData }));
    }
  }

  /** Worker threads in use (0 = the calling thread computes every block). */
  get workers(): number {
    return this.threads.length;
  }

  /** out = Σ̂ v. */
  apply(v: Float64Array, out: Float64Array): void {
    const { d, C, N, means } = this;
    this.v.set(v);
    for (let a = 0; a < C; a++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += means[a * d + k] * v[k];
      this.muDot[a] = s;
    }
    if (this.threads.length === 0) {
      this.coef.fill(0);
      for (let b = 0; b < this.blocks; b++) {
        const start = b * COVARIANCE_BLOCK_ROWS;
        covarianceBlock(this.X, d, this.cl, this.muDot, this.v, start, Math.min(N, start + COVARIANCE_BLOCK_ROWS), this.partial, b * d, this.coef, b * C);
      }
    } else {
      Atomics.store(this.ctrl, CTRL.done, 0);
      Atomics.store(this.ctrl, CTRL.cmd, CMD.apply);
      Atomics.add(this.ctrl, CTRL.gen, 1);
      Atomics.notify(this.ctrl, CTRL.gen);
      for (;;) {
        const done = Atomics.load(this.ctrl, CTRL.done);
        if (done >= this.threads.length) break;
        Atomics.wait(this.ctrl, CTRL.done, done);
      }
    }
    out.fill(0);
    const coef = new Float64Array(C);
    for (let b = 0; b < this.blocks; b++) {
      for (let k = 0; k < d; k++) out[k] += this.partial[b * d + k];
      for (let a = 0; a < C; a++) coef[a] += this.coef[b * C + a];
    }
    for (let a = 0; a < C; a++) {
      const w = coef[a];
      for (let k = 0; k < d; k++) out[k] -= w * means[a * d + k];
    }
    for (let k = 0; k < d; k++) out[k] /= this.dof;
  }

  /** Stops the workers. */
  dispose(): void {
    if (this.threads.length === 0) return;
    Atomics.store(this.ctrl, CTRL.cmd, CMD.exit);
    Atomics.add(this.ctrl, CTRL.gen, 1);
    Atomics.notify(this.ctrl, CTRL.gen);
    for (const t of this.threads) void t.terminate();
    this.threads.length = 0;
  }
}
