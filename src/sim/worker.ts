/**
 * Worker thread of the 'reference' backend: waits on a shared control word, evaluates its share
 * of the fixed sample blocks with the same kernel as the main thread (kernel.ts), and reports
 * back through Atomics. Started by referenceBackend.ts through data/workerUrl.ts; posts one message
 * when it is ready.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { kernelFor } from './kernel.ts';
import { CMD, CTRL, type ReferenceWorkerData } from './referenceProtocol.ts';

function serve(w: ReferenceWorkerData): void {
  const ctrl = new Int32Array(w.ctrl);
  const params = new Float64Array(w.params);
  const features = w.featuresF32
    ? new Float32Array(w.features, w.featuresOffset, w.n * w.d)
    : new Float64Array(w.features, w.featuresOffset, w.n * w.d);
  const kernel = kernelFor(features);
  const chosenRow = new Int32Array(w.chosenRow);
  const rejectedRow = new Int32Array(w.rejectedRow);
  const localChosen = new Int32Array(w.localChosen);
  const localRejected = new Int32Array(w.localRejected);
  const blockStart = new Int32Array(w.blockStart);
  const blockRowStart = new Int32Array(w.blockRowStart);
  const deltaW = new Float64Array(w.deltaW);
  const margins = new Float64Array(w.margins);
  const partial = new Float64Array(w.partial);
  const mask = new Uint8Array(w.mask);
  const scratch = new Float64Array(2 * w.d);

  // Ready: the backend's `create` resolves on this message (not on 'online', which comes before
  // the module has loaded).
  parentPort?.postMessage('ready');
  let lastGen = 0;
  for (;;) {
    Atomics.wait(ctrl, CTRL.gen, lastGen);
    const gen = Atomics.load(ctrl, CTRL.gen);
    if (gen === lastGen) continue;
    lastGen = gen;
    const cmd = Atomics.load(ctrl, CTRL.cmd);
    if (cmd === CMD.exit) break;
    try {
      const beta = params[0], scale = params[1], lossCode = params[2], useMask = params[3] !== 0;
      for (let b = w.index; b < w.blockCount; b += w.workers) {
        const start = blockStart[b], end = blockStart[b + 1];
        if (cmd === CMD.evaluate) {
          const r0 = blockRowStart[b];
          kernel.evaluateBlock(features, w.d, start, end, chosenRow, rejectedRow, localChosen, localRejected,
            blockRowStart[b + 1] - r0, deltaW, lossCode, beta, scale, useMask ? mask : null, margins,
            partial, r0 * w.d, scratch);
        } else if (cmd === CMD.margins) {
          kernel.marginsBlock(features, w.d, start, end, chosenRow, rejectedRow, deltaW, beta, margins);
        }
      }
    } catch {
      Atomics.store(ctrl, CTRL.error, 1);
    }
    Atomics.add(ctrl, CTRL.done, 1);
    Atomics.notify(ctrl, CTRL.done);
  }
}

serve(workerData as ReferenceWorkerData);
