/**
 * A synchronous `SimBackend` on WebGPU: the tfjs WebGPU backend lives in a worker thread
 * (webgpuWorker.ts) and the calling thread blocks in `Atomics.wait` for each result. Needed
 * because tfjs cannot read WebGPU tensors synchronously in Node (its readSync goes through
 * OffscreenCanvas), while the simulator's integrators call `SimBackend.evaluate` synchronously
 * (`../backend.ts`). Cost: one round trip per evaluation (~1 ms) on top of the GPU work.
 */
import { MessageChannel, Worker, receiveMessageOnPort } from 'node:worker_threads';
import type { BackendProblem, LossSpec } from '../backend.ts';
import { LOSSES } from '../../data/config.ts';
import { InvalidInputError } from '../../theory/errors.ts';
import type { TensorRuntime } from './registry.ts';
import type { TensorSimBackend } from './tensorSimBackend.ts';
import { workerModule } from '../../data/workerUrl.ts';

/** Shared-state codes (keep in sync with webgpuWorker.ts). */
const REQUEST = 1, DONE = 2, ERROR = 3, SHUTDOWN = 4, READY = 5, FAILED = 6;
const OP_EVALUATE = 1, OP_MARGINS = 2;

/** `Atomics.waitAsync` (Node >= 16), missing from the ES2022 lib typings this project compiles against. */
const waitAsync = (Atomics as unknown as {
  waitAsync(a: Int32Array, index: number, value: number, timeout?: number): { async: boolean; value: Promise<string> | string };
}).waitAsync;

/**
 * How long the worker may take to start Dawn and tfjs. Ours: measured ~1 s on an idle 2-core
 * machine with SwiftShader; 120 s allows for a heavily loaded CI runner and first shader compiles.
 */
export const WEBGPU_WORKER_START_TIMEOUT_MS = 120_000;
/**
 * How long one evaluation may take before the caller gives up. Ours: SwiftShader evaluates the
 * bench's N = 4000 problem in ~0.3 s; 600 s only catches a hung driver, never a slow one.
 */
export const WEBGPU_EVALUATION_TIMEOUT_MS = 600_000;

/** Starts the worker for `problem` and returns a synchronous tensor backend bound to it. */
export async function createWebGpuWorkerBackend(problem: BackendProblem, runtime: TensorRuntime): Promise<TensorSimBackend> {
  const { data, rows } = problem;
  const { n, d } = data;
  const rowCount = rows.tokens.length;
  const bytes = 24 + 4 * (rowCount * d + n + rowCount * d + n);
  const sab = new SharedArrayBuffer(bytes);
  const ctrl = new Int32Array(sab, 0, 4);
  const betaSlot = new Float64Array(sab, 16, 1);
  let offset = 24;
  const view = (length: number): Float32Array => { const a = new Float32Array(sab, offset, length); offset += 4 * length; return a; };
  const deltaWIn = view(rowCount * d);
  const marginsOut = view(n);
  const directionOut = view(rowCount * d);
  const maskIn = view(n);
  const channel = new MessageChannel();
  const worker = new Worker(workerModule(import.meta.url, 'webgpuWorker'), {
    workerData: {
      sab, port: channel.port2, n, rows: rowCount, d,
      features: Float32Array.from(data.features), chosenRow: rows.chosenRow, rejectedRow: rows.rejectedRow,
    },
    transferList: [channel.port2],
  });
  // Keep the worker referenced during start-up (the awaits below need the event loop alive);
  // afterwards it must not keep the process alive.
  channel.port1.unref();
  const lastMessage = (): string => {
    let msg = 'no message';
    for (let m = receiveMessageOnPort(channel.port1); m !== undefined; m = receiveMessageOnPort(channel.port1)) msg = String(m.message);
    return msg;
  };

  // Start-up: wait (without blocking the event loop) for READY or FAILED.
  const started = Date.now();
  const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
  for (;;) {
    const state = Atomics.load(ctrl, 0);
    if (state === READY) break;
    if (state === FAILED) {
      await worker.terminate();
      throw new InvalidInputError('backend', `webgpu is unavailable: worker failed to start: ${lastMessage()}`);
    }
    if (Date.now() - started > WEBGPU_WORKER_START_TIMEOUT_MS) {
      await worker.terminate();
      throw new InvalidInputError('backend', `webgpu is unavailable: worker did not start within ${WEBGPU_WORKER_START_TIMEOUT_MS} ms`);
    }
    const w = waitAsync(ctrl, 0, state, 1000);
    const code = await Promise.race([Promise.resolve(w.value), exited]);
    if (typeof code === 'number') throw new InvalidInputError('backend', `webgpu is unavailable: worker exited with code ${code} during start-up`);
  }

  worker.unref();

  let disposed = false;
  let currentOp = OP_EVALUATE;
  const request = (op: number, deltaW: Float64Array, beta: number, spec?: LossSpec): void => {
    if (disposed) throw new InvalidInputError('backend', 'webgpu backend used after dispose()');
    if (deltaW.length !== rowCount * d) throw new InvalidInputError('deltaW', `length ${deltaW.length} != rowCount·d = ${rowCount * d}`);
    deltaWIn.set(deltaW);
    betaSlot[0] = beta;
    currentOp = op;
    Atomics.store(ctrl, 1, op);
    if (spec !== undefined) {
      Atomics.store(ctrl, 2, LOSSES.indexOf(spec.loss));
      const mask = spec.loss === 'slic' ? spec.slicMask : undefined;
      if (mask !== undefined) maskIn.set(mask);
      Atomics.store(ctrl, 3, mask === undefined ? 0 : 1);
    }
    Atomics.store(ctrl, 0, REQUEST);
    Atomics.notify(ctrl, 0);
    const deadline = Date.now() + WEBGPU_EVALUATION_TIMEOUT_MS;
    while (Atomics.load(ctrl, 0) === REQUEST) {
      const left = deadline - Date.now();
      if (left <= 0) throw new InvalidInputError('backend', `webgpu evaluation did not finish within ${WEBGPU_EVALUATION_TIMEOUT_MS} ms`);
      Atomics.wait(ctrl, 0, REQUEST, Math.min(left, 1000));
    }
    if (Atomics.load(ctrl, 0) === ERROR) throw new Error(`webgpu evaluation failed in the worker: ${lastMessage()}`);
    if (Atomics.load(ctrl, 0) !== DONE) throw new Error(`webgpu worker in unexpected state ${Atomics.load(ctrl, 0)} after op ${currentOp}`);
  };
  const checkOut = (out: Float64Array, length: number, field: string): void => {
    if (out.length !== length) throw new InvalidInputError(field, `length ${out.length} != ${length}`);
  };
  const backend: TensorSimBackend = {
    name: 'webgpu', n, d, rowCount, runtime,
    evaluate(deltaW, spec, outMargins, outDirection) {
      checkOut(outMargins, n, 'outMargins');
      checkOut(outDirection, rowCount * d, 'outDirection');
      request(OP_EVALUATE, deltaW, spec.beta, spec);
      outMargins.set(marginsOut);
      outDirection.set(directionOut);
    },
    margins(deltaW, beta, out) {
      checkOut(out, n, 'out');
      request(OP_MARGINS, deltaW, beta);
      out.set(marginsOut);
    },
    async evaluateAsync(deltaW, spec, outMargins, outDirection) { backend.evaluate(deltaW, spec, outMargins, outDirection); },
    async marginsAsync(deltaW, beta, out) { backend.margins(deltaW, beta, out); },
    dispose() {
      if (disposed) return;
      disposed = true;
      Atomics.store(ctrl, 0, SHUTDOWN);
      Atomics.notify(ctrl, 0);
    },
  };
  return backend;
}
