/**
 * Worker thread of covarianceProduct.ts: waits on the shared control word, computes its share of
 * the fixed row blocks with the same kernel as the calling thread (covarianceKernel.ts), and
 * reports back through Atomics (protocol: covarianceProtocol.ts).
 */
import { workerData } from 'node:worker_threads';
import { covarianceBlock } from './covarianceKernel.ts';
import { CMD, CTRL, type CovarianceWorkerData } from './covarianceProtocol.ts';

const w = workerData as CovarianceWorkerData;
const ctrl = new Int32Array(w.ctrl);
const X = new Float64Array(w.features, w.featuresOffset, w.n * w.d);
const cl = new Int32Array(w.cluster);
const v = new Float64Array(w.v);
const muDot = new Float64Array(w.muDot);
const partial = new Float64Array(w.partial);
const coef = new Float64Array(w.coef);

let lastGen = 0;
for (;;) {
  Atomics.wait(ctrl, CTRL.gen, lastGen);
  const gen = Atomics.load(ctrl, CTRL.gen);
  if (gen === lastGen) continue;
  lastGen = gen;
  if (Atomics.load(ctrl, CTRL.cmd) === CMD.exit) break;
  for (let b = w.index; b < w.blocks; b += w.threads) {
    const start = b * w.blockRows, end = Math.min(w.n, start + w.blockRows);
    for (let a = 0; a < w.clusters; a++) coef[b * w.clusters + a] = 0;
    covarianceBlock(X, w.d, cl, muDot, v, start, end, partial, b * w.d, coef, b * w.clusters);
  }
  Atomics.add(ctrl, CTRL.done, 1);
  Atomics.notify(ctrl, CTRL.done);
}
