/**
 * Dormand–Prince 5(4) (DOPRI5): an explicit embedded Runge–Kutta pair with adaptive steps,
 * rtol/atol error control, FSAL and the 4th-order dense output. Coefficients and the step-size
 * controller are those of scipy's `solve_ivp(method='RK45')` (Hairer, Nørsett & Wanner, "Solving
 * Ordinary Differential Equations I", §II.4–II.6), so a step-for-step comparison with scipy is
 * meaningful.
 *
 * Error control (per accepted step, as in scipy): the embedded estimate `e = h Σ_s E_s k_s` of the
 * local error of the 4th-order solution is scaled by `atol + rtol·max(|y_old|, |y_new|)` and the
 * RMS of the scaled vector must be <= 1. The solution advanced is the 5th-order one (local
 * extrapolation), so `e` normally overestimates the local error actually committed.
 *
 * Reported error (`Dopri5Stats`): `errorSum` = Σ over accepted steps of `errorNorm(e)` (the ∞-norm
 * unless the caller passes a norm in its own units, e.g. margin units). It is the first-order
 * accumulation of local errors: an estimate of the global error that is a bound when the flow does
 * not amplify perturbations (contractive), which holds for the DPO and IPO flows in the margin
 * seminorm (THEORY §2: the kernel C is positive semi-definite and the weights decrease in r).
 * `maxErrorRatio` = the largest scaled RMS norm accepted (<= 1 by construction).
 *
 * Exact stops: `step(tLimit)` never steps past `tLimit` and lands on it exactly, so checkpoints are
 * solution values of the integrator itself (no interpolation error).
 */
import { InvalidInputError, requireFinite, requirePositive } from '../theory/errors.ts';

/** y' = f(t, y): writes f(t, y) into `out` (length = y.length). */
export type RightHandSide = (t: number, y: Float64Array, out: Float64Array) => void;

/** Tolerances and limits of one integration. */
export interface Dopri5Options {
  /** Relative tolerance (> 0). */
  readonly rtol: number;
  /** Absolute tolerance (>= 0, per component). */
  readonly atol: number;
  /** First step; chosen by scipy's heuristic (one extra evaluation) when absent. */
  readonly firstStep?: number;
  /** Largest step allowed (default: unbounded). */
  readonly maxStep?: number;
  /** Accepted + rejected step attempts allowed before giving up (default `DEFAULT_MAX_STEPS`). */
  readonly maxSteps?: number;
  /** Norm, in the caller's units, of one local error vector for `errorSum` (default: ∞-norm). */
  readonly errorNorm?: (localError: Float64Array) => number;
}

/** What an integration cost and how accurate it claims to be (scipy's `nfev` etc.). */
export interface Dopri5Stats {
  /** Right-hand-side evaluations. */
  rhsEvaluations: number;
  accepted: number;
  rejected: number;
  /** Σ over accepted steps of `errorNorm(local error estimate)` (see the module comment). */
  errorSum: number;
  /** Largest scaled RMS local error of an accepted step (<= 1). */
  maxErrorRatio: number;
}

/**
 * Attempts allowed per integration by default. Ours: generous (paper-scale flows to τ_1 at
 * rtol 1e-8 take a few hundred steps); it only guards against a stalled step size.
 */
export const DEFAULT_MAX_STEPS = 1_000_000;

// Butcher tableau of DOPRI5 (scipy.integrate._ivp.rk.RK45).
const C2 = 1 / 5, C3 = 3 / 10, C4 = 4 / 5, C5 = 8 / 9;
const A21 = 1 / 5;
const A31 = 3 / 40, A32 = 9 / 40;
const A41 = 44 / 45, A42 = -56 / 15, A43 = 32 / 9;
const A51 = 19372 / 6561, A52 = -25360 / 2187, A53 = 64448 / 6561, A54 = -212 / 729;
const A61 = 9017 / 3168, A62 = -355 / 33, A63 = 46732 / 5247, A64 = 49 / 176, A65 = -5103 / 18656;
const B1 = 35 / 384, B3 = 500 / 1113, B4 = 125 / 192, B5 = -2187 / 6784, B6 = 11 / 84;
const E1 = -71 / 57600, E3 = 71 / 16695, E4 = -71 / 1920, E5 = 17253 / 339200, E6 = -22 / 525, E7 = 1 / 40;
/** Dense-output polynomial coefficients P[stage][power-1] (scipy's RK45.P). */
const P: readonly (readonly number[])[] = [
  [1, -8048581381 / 2820520608, 8663915743 / 2820520608, -12715105075 / 11282082432],
  [0, 0, 0, 0],
  [0, 131558114200 / 32700410799, -68118460800 / 10900136933, 87487479700 / 32700410799],
  [0, -1754552775 / 470086768, 14199869525 / 1410260304, -10690763975 / 1880347072],
  [0, 127303824393 / 49829197408, -318862633887 / 49829197408, 701980252875 / 199316789632],
  [0, -282668133 / 205662961, 2019193451 / 616988883, -1453857185 / 822651844],
  [0, 40617522 / 29380423, -110615467 / 29380423, 69997945 / 29380423],
];

/** scipy's controller constants (solve_ivp RK45): safety factor and step-ratio limits. */
const SAFETY = 0.9;
const MIN_FACTOR = 0.2;
const MAX_FACTOR = 10;
/** -1/(q+1) with q = 4, the order of the embedded error estimator. */
const ERROR_EXPONENT = -1 / 5;

function maxAbs(v: Float64Array): number {
  let m = 0;
  for (let i = 0; i < v.length; i++) {
    const a = Math.abs(v[i]!);
    if (a > m) m = a;
  }
  return m;
}

/**
 * A DOPRI5 stepper: holds (t, y, f(t, y)) and advances one accepted step at a time.
 * @example
 * const s = new Dopri5((t, y, o) => { o[0] = -y[0]; }, 0, Float64Array.of(1), { rtol: 1e-9, atol: 1e-12 });
 * while (s.t < 1) s.step(1);   // s.y[0] ≈ e^-1
 */
export class Dopri5 {
  /** Current time. */
  t: number;
  /** Current state (owned by the stepper; copy it to keep it). */
  readonly y: Float64Array;
  /** f(t, y) at the current state (FSAL). */
  readonly f: Float64Array;
  /** Start time and state of the last accepted step (for `denseAt`). */
  tOld: number;
  readonly yOld: Float64Array;
  /** Size of the last accepted step. */
  hLast = 0;
  /** Proposed size of the next step. */
  hNext: number;
  readonly stats: Dopri5Stats = { rhsEvaluations: 0, accepted: 0, rejected: 0, errorSum: 0, maxErrorRatio: 0 };

  private readonly rhs: RightHandSide;
  private readonly opts: Dopri5Options;
  private readonly k: Float64Array[];
  private readonly yStage: Float64Array;
  private readonly yNew: Float64Array;
  private readonly err: Float64Array;
  private readonly n: number;

  constructor(rhs: RightHandSide, t0: number, y0: Float64Array, opts: Dopri5Options) {
    requirePositive('rtol', opts.rtol);
    if (!(opts.atol >= 0) || !Number.isFinite(opts.atol)) throw new InvalidInputError('atol', `must be >= 0, got ${opts.atol}`);
    requireFinite('t0', t0);
    this.rhs = rhs;
    this.opts = opts;
    this.n = y0.length;
    this.t = t0;
    this.tOld = t0;
    this.y = Float64Array.from(y0);
    this.yOld = Float64Array.from(y0);
    this.f = new Float64Array(this.n);
    this.k = Array.from({ length: 7 }, () => new Float64Array(this.n));
    this.yStage = new Float64Array(this.n);
    this.yNew = new Float64Array(this.n);
    this.err = new Float64Array(this.n);
    this.eval(t0, this.y, this.f);
    this.hNext = opts.firstStep ?? this.initialStep();
  }

  private eval(t: number, y: Float64Array, out: Float64Array): void {
    this.rhs(t, y, out);
    this.stats.rhsEvaluations++;
  }

  /** scipy's `select_initial_step` (Hairer's heuristic), one extra evaluation. */
  private initialStep(): number {
    const { rtol, atol } = this.opts;
    const n = this.n;
    let d0 = 0, d1 = 0;
    for (let i = 0; i < n; i++) {
      const sc = atol + Math.abs(this.y[i]!) * rtol;
      d0 += (this.y[i]! / sc) ** 2;
      d1 += (this.f[i]! / sc) ** 2;
    }
    d0 = Math.sqrt(d0 / n);
    d1 = Math.sqrt(d1 / n);
    const h0 = d0 < 1e-5 || d1 < 1e-5 ? 1e-6 : (0.01 * d0) / d1;
    const y1 = this.yStage;
    for (let i = 0; i < n; i++) y1[i] = this.y[i]! + h0 * this.f[i]!;
    const f1 = this.k[1]!;
    this.eval(this.t + h0, y1, f1);
    let d2 = 0;
    for (let i = 0; i < n; i++) {
      const sc = atol + Math.abs(this.y[i]!) * rtol;
      d2 += ((f1[i]! - this.f[i]!) / sc) ** 2;
    }
    d2 = Math.sqrt(d2 / n) / h0;
    const h1 = d1 <= 1e-15 && d2 <= 1e-15 ? Math.max(1e-6, h0 * 1e-3) : (0.01 / Math.max(d1, d2)) ** (1 / 5);
    return Math.min(100 * h0, h1, this.opts.maxStep ?? Infinity);
  }

  /**
   * Takes one accepted step, never past `tLimit` (> t), landing exactly on `tLimit` when the
   * proposed step reaches it. Rejected attempts are retried with a smaller step.
   * @throws Error when the step size underflows or the attempt budget is spent.
   */
  step(tLimit: number): void {
    const { rtol, atol } = this.opts;
    const n = this.n;
    const maxSteps = this.opts.maxSteps ?? DEFAULT_MAX_STEPS;
    const [k1, k2, k3, k4, k5, k6, k7] = this.k as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
    const y = this.y, ys = this.yStage, yn = this.yNew, err = this.err;
    k1.set(this.f);
    let rejectedOnce = false;
    let h = Math.min(this.hNext, this.opts.maxStep ?? Infinity);
    for (;;) {
      if (this.stats.accepted + this.stats.rejected >= maxSteps) throw new Error(`DOPRI5: step budget of ${maxSteps} attempts spent at t = ${this.t}`);
      const minStep = 10 * Math.max(Number.MIN_VALUE, Number.EPSILON * Math.abs(this.t)); // ~10 ulp(t), as scipy
      if (h < minStep) throw new Error(`DOPRI5: step size underflow at t = ${this.t}`);
      const hPre = h;
      let clipped = false;
      if (this.t + h >= tLimit || tLimit - (this.t + h) < minStep) {
        h = tLimit - this.t;
        clipped = true;
      }
      const t = this.t;
      for (let i = 0; i < n; i++) ys[i] = y[i]! + h * (A21 * k1[i]!);
      this.eval(t + C2 * h, ys, k2);
      for (let i = 0; i < n; i++) ys[i] = y[i]! + h * (A31 * k1[i]! + A32 * k2[i]!);
      this.eval(t + C3 * h, ys, k3);
      for (let i = 0; i < n; i++) ys[i] = y[i]! + h * (A41 * k1[i]! + A42 * k2[i]! + A43 * k3[i]!);
      this.eval(t + C4 * h, ys, k4);
      for (let i = 0; i < n; i++) ys[i] = y[i]! + h * (A51 * k1[i]! + A52 * k2[i]! + A53 * k3[i]! + A54 * k4[i]!);
      this.eval(t + C5 * h, ys, k5);
      for (let i = 0; i < n; i++) ys[i] = y[i]! + h * (A61 * k1[i]! + A62 * k2[i]! + A63 * k3[i]! + A64 * k4[i]! + A65 * k5[i]!);
      const tNew = clipped ? tLimit : t + h;
      this.eval(tNew, ys, k6);
      for (let i = 0; i < n; i++) yn[i] = y[i]! + h * (B1 * k1[i]! + B3 * k3[i]! + B4 * k4[i]! + B5 * k5[i]! + B6 * k6[i]!);
      this.eval(tNew, yn, k7);
      let acc = 0;
      for (let i = 0; i < n; i++) {
        const e = h * (E1 * k1[i]! + E3 * k3[i]! + E4 * k4[i]! + E5 * k5[i]! + E6 * k6[i]! + E7 * k7[i]!);
        err[i] = e;
        const sc = atol + rtol * Math.max(Math.abs(y[i]!), Math.abs(yn[i]!));
        acc += (e / sc) ** 2;
      }
      const errNorm = n === 0 ? 0 : Math.sqrt(acc / n);
      if (!Number.isFinite(errNorm)) throw new Error(`DOPRI5: non-finite error estimate at t = ${t}`);
      if (errNorm <= 1) {
        let factor = errNorm === 0 ? MAX_FACTOR : Math.min(MAX_FACTOR, SAFETY * errNorm ** ERROR_EXPONENT);
        if (rejectedOnce) factor = Math.min(1, factor);
        this.hNext = clipped ? Math.max(hPre, h * factor) : h * factor;
        this.tOld = t;
        this.yOld.set(y);
        this.hLast = h;
        this.t = tNew;
        y.set(yn);
        this.f.set(k7);
        this.stats.accepted++;
        this.stats.errorSum += (this.opts.errorNorm ?? maxAbs)(err);
        if (errNorm > this.stats.maxErrorRatio) this.stats.maxErrorRatio = errNorm;
        return;
      }
      this.stats.rejected++;
      h *= Math.max(MIN_FACTOR, SAFETY * errNorm ** ERROR_EXPONENT);
      rejectedOnce = true;
    }
  }

  /** The local error estimate of the last accepted step (overwritten by the next attempt). */
  get lastLocalError(): Float64Array {
    return this.err;
  }

  /**
   * Dense output over the last accepted step: writes y(t) for t in [tOld, t] into `out`
   * (4th order, uses the stored stages; no evaluation).
   */
  denseAt(t: number, out: Float64Array): void {
    const h = this.hLast;
    const x = h === 0 ? 0 : (t - this.tOld) / h;
    const x2 = x * x, x3 = x2 * x, x4 = x3 * x;
    const q = P.map((p) => p[0]! * x + p[1]! * x2 + p[2]! * x3 + p[3]! * x4);
    const k = this.k;
    for (let i = 0; i < this.n; i++) {
      let s = 0;
      for (let st = 0; st < 7; st++) s += q[st]! * k[st]![i]!;
      out[i] = this.yOld[i]! + h * s;
    }
  }

  /**
   * Restarts from a new state (after an event changed the right-hand side): re-evaluates f and
   * keeps the proposed step size.
   */
  restart(t: number, y: Float64Array): void {
    this.t = t;
    this.y.set(y);
    this.eval(t, this.y, this.f);
  }
}

/** Options of `integrateOde`. */
export interface IntegrateOptions extends Dopri5Options {
  /** Times in (t0, tEnd] at which the solution is returned (exact stops). tEnd is always one. */
  readonly stops?: readonly number[];
  /** Called after every accepted step with the stepper (read `t`, `y`, `f`). */
  readonly onStep?: (s: Dopri5) => void;
}

/** Solution values at the requested stops plus the cost and error statistics. */
export interface OdeSolution {
  readonly times: number[];
  readonly values: Float64Array[];
  readonly stats: Dopri5Stats;
}

/**
 * Integrates y' = f(t, y) from (t0, y0) to tEnd with DOPRI5, stopping exactly at each stop.
 * @example
 * const sol = integrateOde((t, y, o) => { o[0] = y[0] * (1 - y[0]); }, 0, Float64Array.of(0.1), 5, { rtol: 1e-10, atol: 1e-12 });
 */
export function integrateOde(rhs: RightHandSide, t0: number, y0: Float64Array, tEnd: number, opts: IntegrateOptions): OdeSolution {
  requireFinite('tEnd', tEnd);
  if (!(tEnd > t0)) throw new InvalidInputError('tEnd', `must be > t0 = ${t0}, got ${tEnd}`);
  const stops = sortedStops(t0, tEnd, opts.stops ?? []);
  const s = new Dopri5(rhs, t0, y0, opts);
  const values: Float64Array[] = [];
  for (const stop of stops) {
    while (s.t < stop) {
      s.step(stop);
      opts.onStep?.(s);
    }
    values.push(Float64Array.from(s.y));
  }
  return { times: stops, values, stats: { ...s.stats } };
}

/** Sorted distinct stops in (t0, tEnd] with tEnd appended. @throws InvalidInputError outside. */
export function sortedStops(t0: number, tEnd: number, stops: readonly number[]): number[] {
  for (const s of stops) {
    requireFinite('checkpoints', s);
    if (!(s > t0 && s <= tEnd)) throw new InvalidInputError('checkpoints', `each must lie in (${t0}, ${tEnd}], got ${s}`);
  }
  return [...new Set([...stops, tEnd])].sort((a, b) => a - b);
}
