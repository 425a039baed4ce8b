// Worker thread of the 'reference' backend: waits on a shared control word, evaluates its share
// of the fixed sample blocks with the same kernel as the main thread, and reports back through
// Atomics. Plain JS for the reason given in kernel.mjs (workers cannot load TypeScript portably).
import { workerData } from 'node:worker_threads';
import { evaluateBlockF32, evaluateBlockF64, marginsBlockF32, marginsBlockF64 } from './kernel.mjs';

const CTRL_GEN = 0, CTRL_DONE = 1, CTRL_CMD = 2, CTRL_ERROR = 3;
const CMD_EVALUATE = 1, CMD_MARGINS = 2, CMD_EXIT = 3;

const w = workerData;
const ctrl = new Int32Array(w.ctrl);
const params = new Float64Array(w.params);
// Float32 storage when the backend found every feature exactly representable (see kernel.mjs).
const features = w.featuresF32
  ? new Float32Array(w.features, w.featuresOffset, w.n * w.d)
  : new Float64Array(w.features, w.featuresOffset, w.n * w.d);
const evaluateBlock = w.featuresF32 ? evaluateBlockF32 : evaluateBlockF64;
const marginsBlock = w.featuresF32 ? marginsBlockF32 : marginsBlockF64;
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

let lastGen = 0;
for (;;) {
  Atomics.wait(ctrl, CTRL_GEN, lastGen);
  const gen = Atomics.load(ctrl, CTRL_GEN);
  if (gen === lastGen) continue;
  lastGen = gen;
  const cmd = Atomics.load(ctrl, CTRL_CMD);
  if (cmd === CMD_EXIT) break;
  try {
    const beta = params[0], scale = params[1], lossCode = params[2], useMask = params[3] !== 0;
    for (let b = w.index; b < w.blockCount; b += w.workers) {
      const start = blockStart[b], end = blockStart[b + 1];
      if (cmd === CMD_EVALUATE) {
        const r0 = blockRowStart[b];
        evaluateBlock(features, w.d, start, end, chosenRow, rejectedRow, localChosen, localRejected,
          blockRowStart[b + 1] - r0, deltaW, lossCode, beta, scale, useMask ? mask : null, margins,
          partial, r0 * w.d, scratch);
      } else if (cmd === CMD_MARGINS) {
        marginsBlock(features, w.d, start, end, chosenRow, rejectedRow, deltaW, beta, margins);
      }
    }
  } catch {
    Atomics.store(ctrl, CTRL_ERROR, 1);
  }
  Atomics.add(ctrl, CTRL_DONE, 1);
  Atomics.notify(ctrl, CTRL_DONE);
}
