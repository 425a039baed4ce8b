/**
 * Worker thread that owns a tfjs WebGPU backend and answers fused evaluations synchronously for
 * the main thread (see webgpuWorkerBackend.ts): tfjs cannot read WebGPU tensors synchronously in
 * Node (its readSync needs OffscreenCanvas), but the simulator's `SimBackend` interface is
 * synchronous. The main thread writes ΔW into shared memory, flips `state` to REQUEST and blocks
 * in `Atomics.wait`; this worker computes with the shared kernel (sparseKernel.ts), reads the
 * results asynchronously, writes them back and flips `state` to DONE (or ERROR, with the message
 * posted on `port`).
 *
 * Started through ../../data/workerUrl.ts (from the .ts sources under tsx, or compiled as .js).
 */
import type { MessagePort } from 'node:worker_threads';
import { workerData } from 'node:worker_threads';
import { sparseEvaluate, sparseMargins, uploadSparseProgram, type LossName, type SparseProgram, type Tf } from './sparseKernel.ts';

/** Shared-state codes (keep in sync with webgpuWorkerBackend.ts). */
const REQUEST = 1, DONE = 2, ERROR = 3, SHUTDOWN = 4, READY = 5, FAILED = 6;
const OP_MARGINS = 2; // 1 = evaluate
const LOSSES: readonly LossName[] = ['dpo', 'ipo', 'slic'];

/** What webgpuWorkerBackend.ts passes. */
interface WebgpuWorkerData {
  readonly sab: SharedArrayBuffer;
  readonly port: MessagePort;
  readonly n: number;
  readonly rows: number;
  readonly d: number;
  readonly features: Float32Array;
  readonly chosenRow: Int32Array;
  readonly rejectedRow: Int32Array;
}

const { sab, port, n, rows, d, features, chosenRow, rejectedRow } = workerData as WebgpuWorkerData;
const ctrl = new Int32Array(sab, 0, 4); // state, op, loss code, has SLiC mask
const betaSlot = new Float64Array(sab, 16, 1);
let offset = 24;
const view = (length: number): Float32Array => { const a = new Float32Array(sab, offset, length); offset += 4 * length; return a; };
const deltaW = view(rows * d);
const marginsOut = view(n);
const directionOut = view(rows * d);
const maskIn = view(n);

/** Atomics.waitAsync (ES2024, in Node since 16), typed here because the project's lib is ES2022. */
const waitAsync = (Atomics as unknown as {
  waitAsync(a: Int32Array, index: number, value: number): { async: boolean; value: Promise<string> | string };
}).waitAsync;

function finish(state: number): void {
  Atomics.store(ctrl, 0, state);
  Atomics.notify(ctrl, 0);
}

let tf!: Tf;
let program: SparseProgram | undefined;
let started = false;
let currentBeta = 1;
try {
  const { create, globals } = await import('webgpu');
  Object.assign(globalThis, globals);
  const gpu = create([]);
  // The GPU object must stay referenced for the life of the thread (a collected GPU object
  // invalidates the device tfjs holds).
  Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  tf = await import('@tensorflow/tfjs');
  await import('@tensorflow/tfjs-backend-webgpu');
  const ok = await tf.setBackend('webgpu');
  await tf.ready();
  if (!ok || tf.getBackend() !== 'webgpu') throw new Error(`tfjs could not initialise webgpu in the worker (active: ${tf.getBackend()})`);
  program = uploadSparseProgram(tf, {
    m: n, rows, d, features, chosenRow, rejectedRow,
    beta: new Float32Array(n).fill(1), coefficient: new Float32Array(n).fill(1 / n),
  });
  started = true;
  finish(READY);
} catch (err) {
  port.postMessage(err instanceof Error ? err.message : String(err));
  finish(FAILED);
}

async function serve(program: SparseProgram): Promise<void> {
  // A pending Atomics.waitAsync does not keep a Node thread's event loop alive: without a ref'd
  // handle the worker would exit between requests and the caller would wait forever.
  const keepAlive = setInterval(() => {}, 2 ** 30);
  for (;;) {
    const state = Atomics.load(ctrl, 0);
    if (state === SHUTDOWN) break;
    if (state !== REQUEST) {
      const w = waitAsync(ctrl, 0, state);
      if (w.async) await w.value;
      continue;
    }
    try {
      const beta = betaSlot[0];
      if (beta !== currentBeta) {
        program.beta.dispose();
        program.coefficient.dispose();
        program = { ...program, beta: tf.fill([n], beta, 'float32'), coefficient: tf.fill([n], beta / n, 'float32') };
        currentBeta = beta;
      }
      const dw = tf.tensor2d(deltaW, [rows, d], 'float32');
      if (Atomics.load(ctrl, 1) === OP_MARGINS) {
        const r = sparseMargins(program, dw);
        dw.dispose();
        marginsOut.set(await r.data());
        r.dispose();
      } else {
        const loss = LOSSES[Atomics.load(ctrl, 2)];
        const mask = Atomics.load(ctrl, 3) === 1 ? tf.tensor1d(maskIn, 'float32') : undefined;
        const { margins, direction } = sparseEvaluate(program, dw, loss, mask);
        dw.dispose();
        mask?.dispose();
        const [r, g] = await Promise.all([margins.data(), direction.data()]);
        margins.dispose();
        direction.dispose();
        marginsOut.set(r);
        directionOut.set(g);
      }
      finish(DONE);
    } catch (err) {
      port.postMessage(err instanceof Error ? err.message : String(err));
      finish(ERROR);
    }
  }
  clearInterval(keepAlive);
  program.dispose();
  port.close();
}

// Not `ctrl` (the main thread may already have moved it from READY to REQUEST).
if (started && program !== undefined) await serve(program);
else port.close();
