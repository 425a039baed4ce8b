/**
 * The simulator's single entry point: DPO-family training dynamics on the unembedding of a linear
 * softmax policy with fixed features (THEORY §1–§2), as
 *   - gradient flow `τ dΔW/dt = (β/N) Σ_i w(r_i) a_i g_iᵀ` integrated by DOPRI5 (`dopri5.ts`)
 *     with exact stops at the checkpoints and the integrator's error estimate reported;
 *   - full-batch gradient descent with step η = 1/τ (its Euler discretisation, t = steps);
 *   - Adam with PyTorch's `torch.optim.Adam` update (`adam.ts`).
 *
 * State: ΔW = W - W_0 restricted to the rows of the tokens that occur (`ActiveRows`); all other
 * rows stay exactly zero. W_0 = 0 over the vocabulary unless stated: the margins, the loss and the
 * dynamics do not depend on W_0 (THEORY §1, the normaliser cancels), only TRL's per-response
 * rewards do, and those are computed exactly for W_0 = 0 (`trlRewards`).
 *
 * SLiC (weight [r < 1], discontinuous): the weight of every sample is frozen between switches,
 * which makes the right-hand side constant on each segment, so ΔW and every margin are affine in t
 * there and DOPRI5 integrates them exactly (up to rounding). After each accepted step the margins
 * are checked for a crossing of r_i = 1 in the direction that ends the sample's current mode; the
 * earliest crossing time is located by (exact) linear interpolation of the margins over the step,
 * the state is taken from the dense output there, the sample's weight is switched, and the
 * integrator restarts. If the switched weight would send the margin straight back across 1 (a
 * sliding mode, where the Filippov solution keeps r_i = 1 with a fractional weight), the
 * simulation stops with a `SimulationError`: sliding is not simulated.
 */
import type { Dataset, FeatureMatrix } from '../data/dataset.ts';
import { InvalidInputError, requireInt, requireNonNegative, requirePositive } from '../theory/errors.ts';
import type { ActiveRows, LossName, LossSpec, SimBackend } from './backend.ts';
import { activeRows, createBackend } from './backend.ts';
import { adamStep, createAdamState, TORCH_ADAM_DEFAULTS, type AdamOptions } from './adam.ts';
import { Dopri5, sortedStops } from './dopri5.ts';
import { frobeniusNorm, marginsOf, meanLoss, summarizeMargins, trlRewards, type MarginSummary, type TrlRewards } from './metrics.ts';
import { ReferenceBackend } from './referenceBackend.ts';

/** How ΔW evolves. */
export type Optimizer = 'flow' | 'gd' | 'adam';

/** Options of one simulation (the CLI maps its flags onto these). */
export interface SimulateOptions {
  /** DPO temperature β > 0. */
  readonly beta: number;
  /** Inverse learning rate τ > 0 of the flow; for 'gd' the step is η = 1/τ. Default 1. */
  readonly tau?: number;
  /** Default 'dpo'. */
  readonly loss?: LossName;
  /** Default 'flow'. */
  readonly optimizer?: Optimizer;
  /** End time: flow time t, or the number of steps for 'gd' and 'adam' (t = steps). */
  readonly tEnd: number;
  /** Extra output times in (0, tEnd] (integers for 'gd'/'adam'); tEnd is always included. */
  readonly checkpoints?: readonly number[];
  /** Relative tolerance of the flow integrator. Default `DEFAULT_RTOL`. */
  readonly rtol?: number;
  /** Absolute tolerance (units of ΔW entries). Default `DEFAULT_ATOL`. */
  readonly atol?: number;
  /** Include full margin vectors in every checkpoint. Default false. */
  readonly full?: boolean;
  /** Worker threads for `simulate` (0 = calling thread). Default 0. Results do not depend on it. */
  readonly workers?: number;
  /** Registered backend name for `simulate`. Default 'reference'. */
  readonly backend?: string;
  /** Record the time and the margins after every accepted flow step (or every gd/adam step). */
  readonly recordSteps?: boolean;
  /** Adam hyper-parameters (PyTorch defaults for any field left out). */
  readonly adam?: Partial<AdamOptions>;
  /** Compute TRL's rewards/* metrics (O(N · rows · d) per checkpoint). Default true. */
  readonly trlRewards?: boolean;
  /** SLiC: the most weight switches allowed before giving up. Default `DEFAULT_MAX_SWITCHES`. */
  readonly maxSwitches?: number;
}

/** The preset of the authors' own last-layer experiment (THEORY §7): Adam, lr 1e-3, β = 0.01, 100 full-batch steps. */
export const AUTHORS_LAST_LAYER_PRESET = {
  optimizer: 'adam',
  beta: 0.01,
  tEnd: 100,
  adam: { ...TORCH_ADAM_DEFAULTS, lr: 1e-3 },
} as const satisfies SimulateOptions;

/**
 * Default rtol. Ours: the simulator promises margins within 1e-7 relative
 * of a high-accuracy reference, and DOPRI5's accumulated error at rtol 1e-9 stays below that on
 * flows to τ_1.
 */
export const DEFAULT_RTOL = 1e-9;
/**
 * Default atol (ΔW entries). Ours: ΔW starts at 0, so a pure relative test would demand
 * arbitrary precision for the first step; 1e-12 is far below any entry that moves a margin
 * (|Δr| <= β·2·|ΔW entry|·||g||_1) at the 1e-9 level for β ≤ 10 and ||g||_1 ≤ 10^2.
 */
export const DEFAULT_ATOL = 1e-12;
/** Default cap on SLiC switches. Ours: at most a few per sample are expected on any data. */
export const DEFAULT_MAX_SWITCHES = 100_000;

/**
 * SLiC hysteresis: a switched-off sample (r reached 1) is switched back on only once its margin
 * falls below 1 - this. Ours: a margin computed at the switch point may sit a few ulps below 1
 * (it is a d-term dot product); without this band it would be switched straight back on.
 */
export const SLIC_REENTRY_TOLERANCE = 1e-12;

/** Outputs at one checkpoint. */
export interface CheckpointOutput {
  /** Flow time, or number of steps for 'gd'/'adam'. */
  readonly t: number;
  /** Training margins summary (+ `loss`, the mean loss). */
  readonly train: MarginSummary & { readonly loss: number };
  /** TRL metrics (W_0 = 0), unless disabled. */
  readonly rewards?: TrlRewards;
  /** ||ΔW||_F. */
  readonly deltaWNorm: number;
  /** Test margins summary when the dataset has a test set. */
  readonly test?: MarginSummary;
}

/** Everything a simulation returns. */
export interface SimulationResult {
  readonly N: number;
  readonly d: number;
  readonly vocab: number;
  readonly loss: LossName;
  readonly optimizer: Optimizer;
  readonly beta: number;
  readonly tau: number;
  readonly tEnd: number;
  readonly backend: string;
  readonly workers: number;
  /** One entry per output time, ascending; the last is at tEnd. */
  readonly checkpoints: readonly CheckpointOutput[];
  /** The last checkpoint's train summary and test summary (convenience). */
  readonly train: CheckpointOutput['train'];
  readonly test?: MarginSummary;
  /**
   * Estimated absolute error of every training margin at tEnd, in margin units: the accumulated
   * DOPRI5 local error estimates mapped to margins through
   * |β a_iᵀ E g_i| <= β (||E_{w_i}|| + ||E_{l_i}||) ||g_i|| <= 2 β max_u ||E_u|| max_i ||g_i||
   * (see dopri5.ts for what the accumulation means). 0 for 'gd' and 'adam' (exact recurrences).
   */
  readonly errorEstimate: number;
  /** Largest scaled local error accepted by the controller (<= 1); 0 for 'gd'/'adam'. */
  readonly maxErrorRatio: number;
  /** Backend evaluations (fused margins + direction), the cost in O(N·d) passes. */
  readonly rhsEvaluations: number;
  readonly steps: number;
  readonly accepted: number;
  readonly rejected: number;
  /** SLiC weight switches located. */
  readonly switches: number;
  readonly seconds: number;
  /** Row map and final ΔW (rows × d) for margins of new samples (`marginsOf`). */
  readonly rows: ActiveRows;
  readonly deltaW: Float64Array;
  /** With `recordSteps`: time and training margins after every accepted step. */
  readonly stepTimes?: Float64Array;
  readonly stepMargins?: readonly Float64Array[];
}

/** A simulation that cannot continue (e.g. a SLiC sliding mode). */
export class SimulationError extends Error {
  override readonly name = 'SimulationError';
}

interface Resolved {
  beta: number;
  tau: number;
  loss: LossName;
  optimizer: Optimizer;
  tEnd: number;
  stops: number[];
  rtol: number;
  atol: number;
  full: boolean;
  recordSteps: boolean;
  trl: boolean;
  adam: AdamOptions;
  maxSwitches: number;
}

function resolve(opts: SimulateOptions): Resolved {
  const beta = requirePositive('beta', opts.beta);
  const tau = requirePositive('tau', opts.tau ?? 1);
  const loss = opts.loss ?? 'dpo';
  if (!['dpo', 'ipo', 'slic'].includes(loss)) throw new InvalidInputError('loss', `must be dpo, ipo or slic, got '${String(loss)}'`);
  const optimizer = opts.optimizer ?? 'flow';
  if (!['flow', 'gd', 'adam'].includes(optimizer)) throw new InvalidInputError('optimizer', `must be flow, gd or adam, got '${String(optimizer)}'`);
  const tEnd = requirePositive('tEnd', opts.tEnd);
  if (optimizer !== 'flow') {
    requireInt('tEnd', tEnd);
    for (const c of opts.checkpoints ?? []) requireInt('checkpoints', c);
  }
  const stops = sortedStops(0, tEnd, opts.checkpoints ?? []);
  const adam = { ...TORCH_ADAM_DEFAULTS, ...opts.adam };
  requirePositive('adam.lr', adam.lr);
  requireNonNegative('adam.eps', adam.eps);
  return {
    beta,
    tau,
    loss,
    optimizer,
    tEnd,
    stops,
    rtol: requirePositive('rtol', opts.rtol ?? DEFAULT_RTOL),
    atol: requireNonNegative('atol', opts.atol ?? DEFAULT_ATOL),
    full: opts.full ?? false,
    recordSteps: opts.recordSteps ?? false,
    trl: opts.trlRewards ?? true,
    adam,
    maxSwitches: requireInt('maxSwitches', opts.maxSwitches ?? DEFAULT_MAX_SWITCHES, 0),
  };
}

/** Largest ||g_i||_2 over the training set (maps ΔW errors to margin errors). */
function maxFeatureNorm(features: FeatureMatrix, n: number, d: number): number {
  let m = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += features[i * d + k]! ** 2;
    if (s > m) m = s;
  }
  return Math.sqrt(m);
}

/**
 * Runs a simulation on a given backend instance (created for `dataset.train` and `rows`), on the
 * calling thread. `simulate` and `simulateSync` are thin wrappers; backend authors test theirs
 * with this.
 */
export function simulateWith(backend: SimBackend, rows: ActiveRows, dataset: Dataset, opts: SimulateOptions): SimulationResult {
  const started = performance.now();
  const o = resolve(opts);
  const train = dataset.train;
  const { n, d } = train;
  if (backend.n !== n || backend.d !== d || backend.rowCount !== rows.tokens.length) {
    throw new InvalidInputError('backend', 'was created for a different training set');
  }
  const size = rows.tokens.length * d;
  const margins = new Float64Array(n);
  const deltaW = new Float64Array(size);
  const checkpoints: CheckpointOutput[] = [];
  const stepTimes: number[] = [];
  const stepMargins: Float64Array[] = [];
  const record = (t: number, r: Float64Array): void => {
    if (!o.recordSteps) return;
    stepTimes.push(t);
    stepMargins.push(Float64Array.from(r));
  };
  const output = (t: number, w: Float64Array, r: Float64Array): void => {
    const summary = summarizeMargins(r, o.full);
    let test: MarginSummary | undefined;
    if (dataset.test !== undefined && dataset.test.n > 0) {
      test = summarizeMargins(marginsOf(dataset.test, rows, w, o.beta), o.full);
    }
    checkpoints.push({
      t,
      train: { ...summary, loss: meanLoss(o.loss, r) },
      ...(o.trl ? { rewards: trlRewards(train, rows, w, o.beta, dataset.vocab, r) } : {}),
      deltaWNorm: frobeniusNorm(w),
      ...(test !== undefined ? { test } : {}),
    });
  };

  let rhsEvaluations = 0, accepted = 0, rejected = 0, switches = 0, errorEstimate = 0, maxErrorRatio = 0;
  if (o.optimizer === 'flow') {
    const slic = o.loss === 'slic';
    const mask = slic ? new Uint8Array(n).fill(1) : undefined; // r(0) = 0 < 1: every sample active
    const spec: LossSpec = { loss: o.loss, beta: o.beta, ...(mask ? { slicMask: mask } : {}) };
    const invTau = 1 / o.tau;
    const rhs = (_t: number, y: Float64Array, out: Float64Array): void => {
      backend.evaluate(y, spec, margins, out);
      if (invTau !== 1) for (let i = 0; i < size; i++) out[i]! *= invTau;
    };
    const gMax = maxFeatureNorm(train.features, n, d);
    const errorNorm = (e: Float64Array): number => {
      let worst = 0;
      for (let u = 0; u < rows.tokens.length; u++) {
        let s = 0;
        for (let k = 0; k < d; k++) s += e[u * d + k]! ** 2;
        if (s > worst) worst = s;
      }
      return 2 * o.beta * Math.sqrt(worst) * gMax;
    };
    const s = new Dopri5(rhs, 0, deltaW, { rtol: o.rtol, atol: o.atol, errorNorm });
    const prev = new Float64Array(n);
    const stateAt = new Float64Array(size);
    prev.set(margins); // margins at t = 0 from the first evaluation (all 0)
    for (const stop of o.stops) {
      while (s.t < stop) {
        s.step(stop);
        // After an accepted step the last evaluation was at the new state: `margins` = r(t).
        if (slic) {
          let tStar = Infinity, who = -1;
          for (let i = 0; i < n; i++) {
            const r0 = prev[i]!, r1 = margins[i]!;
            let ti: number;
            if (mask![i] === 1) {
              if (!(r1 >= 1)) continue;
              ti = r0 >= 1 ? s.tOld : s.tOld + (s.t - s.tOld) * ((1 - r0) / (r1 - r0));
            } else {
              if (!(r1 < 1 - SLIC_REENTRY_TOLERANCE)) continue;
              ti = r0 < 1 ? s.tOld : s.tOld + (s.t - s.tOld) * ((1 - r0) / (r1 - r0));
            }
            // Frozen weights make r_i affine in t on this step: the crossing time is exact.
            if (ti < tStar) (tStar = ti), (who = i);
          }
          if (who >= 0) {
            if (++switches > o.maxSwitches) throw new SimulationError(`SLiC: more than ${o.maxSwitches} weight switches by t = ${tStar}`);
            s.denseAt(tStar, stateAt);
            const from = mask![who]!;
            mask![who] = from === 1 ? 0 : 1;
            s.restart(tStar, stateAt); // evaluates r(t*) and the new constant direction
            const slope = new Float64Array(n);
            backend.margins(s.f, o.beta, slope);
            if ((from === 1 && slope[who]! < 0) || (from === 0 && slope[who]! > 0)) {
              throw new SimulationError(
                `SLiC sliding mode at t = ${tStar}: sample ${who} would cross r = 1 straight back after its weight switched (Filippov sliding is not simulated)`,
              );
            }
          }
        }
        prev.set(margins);
        record(s.t, margins);
      }
      output(stop, s.y, margins);
    }
    deltaW.set(s.y);
    rhsEvaluations = s.stats.rhsEvaluations;
    accepted = s.stats.accepted;
    rejected = s.stats.rejected;
    errorEstimate = s.stats.errorSum;
    maxErrorRatio = s.stats.maxErrorRatio;
  } else {
    const spec: LossSpec = { loss: o.loss, beta: o.beta };
    const direction = new Float64Array(size);
    const eta = 1 / o.tau;
    const adam = o.optimizer === 'adam' ? createAdamState(size) : undefined;
    const grad = adam ? new Float64Array(size) : undefined;
    let step = 0;
    for (const stop of o.stops) {
      for (; step < stop; step++) {
        backend.evaluate(deltaW, spec, margins, direction);
        rhsEvaluations++;
        if (adam) {
          for (let i = 0; i < size; i++) grad![i] = -direction[i]!; // ∇L = -G
          adamStep(deltaW, grad!, adam, o.adam);
        } else {
          for (let i = 0; i < size; i++) deltaW[i]! += eta * direction[i]!;
        }
        if (o.recordSteps) {
          backend.margins(deltaW, o.beta, margins);
          record(step + 1, margins);
        }
      }
      backend.margins(deltaW, o.beta, margins);
      output(stop, deltaW, margins);
    }
    accepted = o.tEnd;
  }

  const last = checkpoints[checkpoints.length - 1]!;
  return {
    N: n,
    d,
    vocab: dataset.vocab,
    loss: o.loss,
    optimizer: o.optimizer,
    beta: o.beta,
    tau: o.tau,
    tEnd: o.tEnd,
    backend: backend.name,
    workers: opts.workers ?? 0,
    checkpoints,
    train: last.train,
    ...(last.test !== undefined ? { test: last.test } : {}),
    errorEstimate,
    maxErrorRatio,
    rhsEvaluations,
    steps: accepted + rejected,
    accepted,
    rejected,
    switches,
    seconds: (performance.now() - started) / 1000,
    rows,
    deltaW,
    ...(o.recordSteps ? { stepTimes: Float64Array.from(stepTimes), stepMargins } : {}),
  };
}

function validateDataset(dataset: Dataset): void {
  const t = dataset.train;
  requireInt('train.n', t.n);
  requireInt('train.d', t.d);
  if (t.features.length !== t.n * t.d) throw new InvalidInputError('features', `needs n·d = ${t.n * t.d} entries, got ${t.features.length}`);
  if (t.chosen.length !== t.n || t.rejected.length !== t.n) throw new InvalidInputError('tokens', `chosen/rejected need length n = ${t.n}`);
  if (dataset.test !== undefined && dataset.test.d !== t.d) throw new InvalidInputError('test.d', `must equal train d = ${t.d}`);
}

/**
 * Simulates on the calling thread with the float64 reference backend (synchronous; what
 * properties call from `Claim.check`). `opts.workers` and `opts.backend` are ignored.
 * @example
 * const res = simulateSync(dataset, { beta: 1, tau: 1, tEnd: 10, checkpoints: [1, 5] });
 * res.train.min; res.errorEstimate; res.rhsEvaluations;
 */
export function simulateSync(dataset: Dataset, opts: SimulateOptions): SimulationResult {
  validateDataset(dataset);
  const rows = activeRows(dataset.train);
  const backend = new ReferenceBackend({ data: dataset.train, rows });
  try {
    return simulateWith(backend, rows, dataset, { ...opts, workers: 0 });
  } finally {
    backend.dispose(); // returns the kernel's buffers for the next simulation over these features
  }
}

/**
 * Simulates with the registered backend `opts.backend` (default 'reference') on `opts.workers`
 * threads (default 0); disposes the backend afterwards. Same results as `simulateSync` for the
 * reference backend, bit for bit, whatever the number of workers.
 */
export async function simulate(dataset: Dataset, opts: SimulateOptions): Promise<SimulationResult> {
  validateDataset(dataset);
  const rows = activeRows(dataset.train);
  const backend = await createBackend(opts.backend ?? 'reference', { data: dataset.train, rows }, { workers: opts.workers ?? 0 });
  try {
    return simulateWith(backend, rows, dataset, opts);
  } finally {
    backend.dispose();
  }
}
