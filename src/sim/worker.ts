/**
 * Worker thread of the 'reference' backend: waits on a shared control word, evaluates its share
 * of the fixed sample blocks with its own instance of the kernel (kernel.ts) over the backend's
 * shared memory, and reports back through Atomics. Started by referenceBackend.ts through
 * data/workerUrl.ts; posts one message when it is ready.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { instantiateKernel, kernelFor } from './kernel.ts';
import { CMD, CTRL, reductionRows, type ReferenceWorkerData } from './referenceProtocol.ts';

function serve(w: ReferenceWorkerData): void {
  const ctrl = new Int32Array(w.ctrl);
  const params = new Float64Array(w.params);
  const kernel = kernelFor(instantiateKernel(w.memory, w.module), w.f32);
  const { at, d, blockStart, blockRowStart } = w;
  const blockCount = blockStart.length - 1;
  const scratch = at.scratch + w.index * 2 * d * 8;
  const [u0, u1] = reductionRows(w.rowCount, w.index, w.workers);

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
      const beta = params[0], scale = params[1], lossCode = params[2], useMask = params[3];
      if (cmd === CMD.reduce) kernel.reduceRows(at.partial, d, at.rowEntryStart, at.rowEntries, u0, u1, at.direction);
      else for (let b = w.index; b < blockCount; b += w.workers) {
        const start = blockStart[b], end = blockStart[b + 1];
        if (cmd === CMD.evaluate) {
          const r0 = blockRowStart[b];
          kernel.evaluateBlock(w.features, d, start, end, at.chosenRow, at.rejectedRow, at.localChosen, at.localRejected,
            blockRowStart[b + 1] - r0, at.deltaW, lossCode, beta, scale, useMask, at.mask, at.margins,
            at.partial + 8 * r0 * d, scratch);
        } else if (cmd === CMD.margins) {
          kernel.marginsBlock(w.features, d, start, end, at.chosenRow, at.rejectedRow, at.deltaW, beta, at.margins);
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
