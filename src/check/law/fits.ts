/**
 * Fits of the measured scaling law against the candidate shapes (THEORY §4, §9):
 *
 * - Q̂_min(K) against THEORY §9's prediction (one scale factor), a + b ln K (Theorem 4.3's
 *   shape), a + b K, and a K^b. Q̂_min is only known to lie in its grid interval (low, high],
 *   so each point is taken at the interval's geometric midpoint with a known log-scale standard
 *   deviation ln(high/low)/√12 (uniform in log over the interval); the fit is weighted least
 *   squares on ln Q, AIC = χ² + 2k (known variances), AICc adds 2k(k+1)/(n−k−1), and parameter
 *   intervals are ±1.96 standard errors from the weighted Jacobian. A censored point ("none up
 *   to Q_max": Q̂_min > Q_max) enters the same likelihood as a Tobit term, the probability
 *   Φ((ln f(K) − ln Q_max)/σ) that the curve's Q̂_min lies above Q_max (σ from the grid step at
 *   Q_max), so χ² becomes −2 ln L up to constants and a curve that predicts a Q̂_min below Q_max
 *   where none was found pays for it; each fit also says whether it predicts more than Q_max there.
 * - Test error against K at fixed Q (and the paper's tables, THEORY §7): THEORY §9's
 *   one-parameter law Φ(−1/(v √h(K))) against the straight line a + b K, by ordinary least
 *   squares on the error; R², adjusted R², and Gaussian AIC = n ln(RSS/n) + 2(k+1).
 */
import { lnNormalTail, normalTail } from '../../theory/normalTail.ts';
import { InvalidInputError } from '../../theory/errors.ts';

/** A fitted parameter with its approximate 95% interval (null when the fit has no spare points). */
export interface FitParam {
  readonly value: number;
  readonly low: number | null;
  readonly high: number | null;
}

/** One fit: the JSON `fits[]` entry (plus what it was fitted to). */
export interface FitResult {
  /** 'qmin-theory' | 'qmin-log' | 'qmin-linear' | 'qmin-power' | 'error-law' | 'error-linear'. */
  readonly form: string;
  /** The curve, in words. */
  readonly formula: string;
  readonly params: Readonly<Record<string, FitParam>>;
  readonly n: number;
  readonly k: number;
  /** R² of the fitted quantity (ln Q̂ for Q̂_min fits, the error for error fits); null if all y are equal. */
  readonly r2: number | null;
  readonly adjustedR2: number | null;
  readonly aic: number | null;
  readonly aicc: number | null;
  /** y − fit at each x (ln scale for Q̂_min fits). */
  readonly residuals: readonly number[];
  readonly x: readonly number[];
}

/** 97.5% normal quantile for the ±1.96 SE parameter intervals. */
const Z975 = 1.959963984540054;

/** Levenberg–Marquardt iterations. Ours: 2–3 parameter problems converge in < 50. */
const LM_ITERATIONS = 200;

type Model = (x: number, theta: readonly number[]) => number;

/** Solves the k×k system A x = b (Gaussian elimination, partial pivoting); null if singular. */
function solve(A: number[][], b: number[]): number[] | null {
  const k = b.length;
  const M = A.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < k; c++) {
    let p = c;
    for (let r = c + 1; r < k; r++) if (Math.abs(M[r]![c]!) > Math.abs(M[p]![c]!)) p = r;
    if (!(Math.abs(M[p]![c]!) > 1e-300)) return null;
    [M[c], M[p]] = [M[p]!, M[c]!];
    for (let r = 0; r < k; r++) {
      if (r === c) continue;
      const f = M[r]![c]! / M[c]![c]!;
      for (let j = c; j <= k; j++) M[r]![j]! -= f * M[c]![j]!;
    }
  }
  return M.map((row, i) => row[k]! / row[i]!);
}

function inverse(A: number[][]): number[][] | null {
  const k = A.length;
  const cols: number[][] = [];
  for (let j = 0; j < k; j++) {
    const e = Array.from({ length: k }, (_, i) => (i === j ? 1 : 0));
    const c = solve(A, e);
    if (c === null) return null;
    cols.push(c);
  }
  return Array.from({ length: k }, (_, i) => Array.from({ length: k }, (_, j) => cols[j]![i]!));
}

/**
 * Weighted least squares Σ ((y_i − f(x_i; θ))/σ_i)² by Levenberg–Marquardt with a numeric
 * Jacobian. Returns θ and the covariance (JᵀWJ)⁻¹ (null if singular).
 */
export function weightedLeastSquares(model: Model, x: readonly number[], y: readonly number[], sigma: readonly number[], theta0: readonly number[]): { theta: number[]; cov: number[][] | null; chi2: number } {
  return leastSquares((th) => x.map((xi, i) => (y[i]! - model(xi, th)) / sigma[i]!), theta0);
}

/**
 * Minimises Σ r_i(θ)² by Levenberg–Marquardt with a numeric Jacobian of the residuals. Returns θ,
 * the covariance (JᵀJ)⁻¹ (null if singular) and the minimum. A non-finite residual counts as ∞.
 */
export function leastSquares(residuals: (theta: readonly number[]) => number[], theta0: readonly number[]): { theta: number[]; cov: number[][] | null; chi2: number } {
  const k = theta0.length;
  let theta = [...theta0];
  const chi2 = (th: readonly number[]): number => residuals(th).reduce((s, r) => s + (Number.isFinite(r) ? r * r : Infinity), 0);
  const jacobian = (th: readonly number[]): number[][] => {
    const columns = th.map((t, j) => {
      const h = 1e-6 * Math.max(1, Math.abs(t));
      const up = [...th];
      const dn = [...th];
      up[j] = t + h;
      dn[j] = t - h;
      const ru = residuals(up), rd = residuals(dn);
      // d r / d θ_j; the residuals are (y − f)/σ, so J is the model's derivative with the sign of f.
      return ru.map((v, i) => -(v - rd[i]!) / (2 * h));
    });
    return columns[0]!.map((_, i) => columns.map((c) => c[i]!));
  };
  let lambda = 1e-3;
  let current = chi2(theta);
  for (let it = 0; it < LM_ITERATIONS; it++) {
    const J = jacobian(theta);
    const r = residuals(theta);
    const A = Array.from({ length: k }, (_, a) => Array.from({ length: k }, (_, b) => J.reduce((s, row) => s + row[a]! * row[b]!, 0)));
    const g = Array.from({ length: k }, (_, a) => J.reduce((s, row, i) => s + row[a]! * r[i]!, 0));
    let improved = false;
    for (let tries = 0; tries < 30 && !improved; tries++) {
      const damped = A.map((row, a) => row.map((v, b) => (a === b ? v * (1 + lambda) + 1e-300 : v)));
      const step = solve(damped, g);
      if (step === null) break;
      const next = theta.map((t, j) => t + step[j]!);
      const c = chi2(next);
      if (c < current) {
        const done = current - c < 1e-14 * (1 + current);
        theta = next;
        current = c;
        lambda = Math.max(lambda / 10, 1e-12);
        improved = true;
        if (done) it = LM_ITERATIONS;
      } else lambda *= 10;
    }
    if (!improved) break;
  }
  const J = jacobian(theta);
  const A = Array.from({ length: k }, (_, a) => Array.from({ length: k }, (_, b) => J.reduce((s, row) => s + row[a]! * row[b]!, 0)));
  return { theta, cov: inverse(A), chi2: current };
}

function rSquared(y: readonly number[], fitted: readonly number[]): number | null {
  const mean = y.reduce((a, b) => a + b, 0) / y.length;
  const ssTot = y.reduce((s, v) => s + (v - mean) ** 2, 0);
  // All y equal up to rounding (e.g. a flat Q̂_min): R² is undefined, not a ratio of rounding errors.
  const scale = y.reduce((s, v) => s + v * v, 0);
  if (!(ssTot > 1e-24 * scale)) return null;
  const ssRes = y.reduce((s, v, i) => s + (v - fitted[i]!) ** 2, 0);
  return 1 - ssRes / ssTot;
}

function adjusted(r2: number | null, n: number, k: number): number | null {
  return r2 === null || n - k - 1 <= 0 ? null : 1 - ((1 - r2) * (n - 1)) / (n - k - 1);
}

function aiccOf(aic: number | null, n: number, k: number): number | null {
  return aic === null || n - k - 1 <= 0 ? null : aic + (2 * k * (k + 1)) / (n - k - 1);
}

/** A measured Q̂_min with its grid interval (low null: anything up to `high`). */
export interface QminPoint {
  readonly K: number;
  readonly low: number | null;
  readonly high: number;
}

/**
 * Log-scale standard deviation of a Q̂_min known to lie in (low, high]: ln(high/low)/√12. For a
 * first grid point (no low) the step to the next grid point is used (`fallbackRatio`).
 */
export function qminPointLog(p: QminPoint, fallbackRatio: number): { y: number; sigma: number } {
  const ratio = p.low !== null ? p.high / p.low : fallbackRatio;
  return { y: Math.log(p.high) - Math.log(ratio) / 2, sigma: Math.log(ratio) / Math.sqrt(12) };
}

interface QminForm {
  readonly form: string;
  readonly formula: string;
  readonly names: readonly string[];
  readonly model: (K: number, th: readonly number[]) => number;
  readonly start: readonly number[];
}

/**
 * Fits Q̂_min(K) against the four shapes: the found points by weighted least squares on ln Q and
 * the censored K (`censoredK`, none found up to `qMax`) by their Tobit term (module comment).
 * `predicted(K)` is THEORY §9's Q̂_min (null where it predicts none: the theory form is then
 * skipped when that happens at a found point). `n` counts both kinds; R² and the residuals are
 * those of the found points.
 */
export function fitQmin(
  points: readonly QminPoint[],
  predicted: (K: number) => number | null,
  gridRatio: number,
  censoredK: readonly number[],
  qMax: number,
): Array<FitResult & { readonly censoredConsistent: boolean | null; readonly censoredInFit: readonly number[] }> {
  if (points.length < 2) return [];
  const x = points.map((p) => p.K);
  const logs = points.map((p) => qminPointLog(p, gridRatio));
  const y = logs.map((l) => l.y);
  const sigma = logs.map((l) => l.sigma);
  const meanY = y.reduce((a, b) => a + b, 0) / y.length;
  const Q0 = Math.exp(meanY);
  const forms: QminForm[] = [
    { form: 'qmin-log', formula: 'Q = a + b ln K (Theorem 4.3 shape)', names: ['a', 'b'], model: (K, [a, b]) => a! + b! * Math.log(K), start: [Q0, 1] },
    { form: 'qmin-linear', formula: 'Q = a + b K', names: ['a', 'b'], model: (K, [a, b]) => a! + b! * K, start: [Q0, 0.1] },
    { form: 'qmin-power', formula: 'Q = a K^b', names: ['a', 'b'], model: (K, [a, b]) => a! * K ** b!, start: [Q0, 0.1] },
  ];
  const preds = x.map(predicted);
  if (preds.every((p) => p !== null && p > 0)) {
    const pk = new Map(x.map((K, i) => [K, preds[i]!]));
    forms.unshift({ form: 'qmin-theory', formula: 'Q = a · Q̂_min from THEORY §9 (a = 1: the prediction itself)', names: ['a'], model: (K, [a]) => a! * (pk.get(K) ?? predicted(K) ?? NaN), start: [1] });
  }
  // Censored K (Q̂_min > Q_max): log-scale σ of one grid step, as for a found point there.
  const sigmaCensored = Math.log(gridRatio) / Math.sqrt(12);
  const lnQmax = Math.log(qMax);
  const out: Array<FitResult & { censoredConsistent: boolean | null; censoredInFit: readonly number[] }> = [];
  for (const f of forms) {
    const k = f.names.length;
    if (points.length <= k - 1) continue;
    const lnModel: Model = (K, th) => Math.log(f.model(K, th));
    // Tobit term: r² = −2 ln P(Q̂_min > Q_max) = −2 ln Φ(z), z = (ln f(K) − ln Q_max)/σ; a curve
    // with no Q̂_min there (f ≤ 0 or not finite, e.g. THEORY §9 past its pole) predicts "none": r = 0.
    const censoredResidual = (K: number, th: readonly number[]): number => {
      const q = f.model(K, th);
      if (!(Number.isFinite(q) && q > 0)) return 0;
      return Math.sqrt(Math.max(0, -2 * lnNormalTail((lnQmax - Math.log(q)) / sigmaCensored)));
    };
    const fit = leastSquares((th) => [...x.map((K, i) => (y[i]! - lnModel(K, th)) / sigma[i]!), ...censoredK.map((K) => censoredResidual(K, th))], f.start);
    const fitted = x.map((K) => lnModel(K, fit.theta));
    const dof = points.length + censoredK.length - k;
    const params: Record<string, FitParam> = {};
    f.names.forEach((name, j) => {
      const se = fit.cov !== null && dof > 0 ? Math.sqrt(fit.cov[j]![j]!) : NaN;
      const value = fit.theta[j]!;
      params[name] = Number.isFinite(se) ? { value, low: value - Z975 * se, high: value + Z975 * se } : { value, low: null, high: null };
    });
    const n = points.length + censoredK.length;
    const aic = Number.isFinite(fit.chi2) ? fit.chi2 + 2 * k : null;
    const r2 = rSquared(y, fitted);
    const censoredConsistent =
      censoredK.length === 0 ? null : censoredK.every((K) => {
        const q = f.model(K, fit.theta);
        return !Number.isFinite(q) || q <= 0 || q > qMax;
      });
    out.push({
      form: f.form,
      formula: f.formula,
      params,
      n,
      k,
      r2,
      adjustedR2: adjusted(r2, points.length, k),
      aic,
      aicc: aiccOf(aic, n, k),
      residuals: y.map((v, i) => v - fitted[i]!),
      x,
      censoredConsistent,
      censoredInFit: [...censoredK],
    });
  }
  return out;
}

/**
 * Fits test error against K: THEORY §9's law Φ(−1/(v √h(K))) with one free v (golden-section
 * search on ln v after a coarse scan), and the line a + b K (ordinary least squares).
 * @param sharing h(K): K for the shared pair (and the paper's tables), 1 for distinct pairs.
 * @example fitErrorVsK([1, 2, 4, 8], [0, 0.027, 0.098, 0.183], (K) => K) // Qwen, THEORY §7
 */
export function fitErrorVsK(Ks: readonly number[], errors: readonly number[], sharing: (K: number) => number): FitResult[] {
  if (Ks.length !== errors.length || Ks.length < 2) throw new InvalidInputError('errors', 'needs one error per K, at least 2');
  const n = Ks.length;
  const law = (v: number): number[] => Ks.map((K) => normalTail(1 / (v * Math.sqrt(sharing(K)))));
  const sse = (v: number): number => law(v).reduce((s, f, i) => s + (errors[i]! - f) ** 2, 0);
  // Coarse scan of ln v over [1e-3, 1e3], then golden section around the best point.
  const lo0 = Math.log(1e-3);
  const hi0 = Math.log(1e3);
  const SCAN = 400;
  let best = 0;
  let bestVal = Infinity;
  for (let i = 0; i <= SCAN; i++) {
    const val = sse(Math.exp(lo0 + ((hi0 - lo0) * i) / SCAN));
    if (val < bestVal) (bestVal = val), (best = i);
  }
  let a = lo0 + ((hi0 - lo0) * Math.max(0, best - 1)) / SCAN;
  let b = lo0 + ((hi0 - lo0) * Math.min(SCAN, best + 1)) / SCAN;
  const phi = (Math.sqrt(5) - 1) / 2;
  for (let it = 0; it < 200; it++) {
    const c = b - phi * (b - a);
    const d = a + phi * (b - a);
    if (sse(Math.exp(c)) < sse(Math.exp(d))) b = d;
    else a = c;
  }
  const v = Math.exp((a + b) / 2);
  const lawFitted = law(v);
  // Interval for v from the curvature of SSE in ln v (σ² = RSS/(n−1)).
  const lv = Math.log(v);
  const h = 1e-4;
  const curv = (sse(Math.exp(lv + h)) - 2 * sse(v) + sse(Math.exp(lv - h))) / (h * h);
  const s2 = n > 1 ? sse(v) / (n - 1) : NaN;
  const seLn = curv > 0 ? Math.sqrt((2 * s2) / curv) : NaN;
  const vParam: FitParam = Number.isFinite(seLn) && seLn > 0 ? { value: v, low: v * Math.exp(-Z975 * seLn), high: v * Math.exp(Z975 * seLn) } : { value: v, low: null, high: null };

  const meanK = Ks.reduce((s, K) => s + K, 0) / n;
  const meanE = errors.reduce((s, e) => s + e, 0) / n;
  const sxx = Ks.reduce((s, K) => s + (K - meanK) ** 2, 0);
  const slope = sxx > 0 ? Ks.reduce((s, K, i) => s + (K - meanK) * (errors[i]! - meanE), 0) / sxx : 0;
  const intercept = meanE - slope * meanK;
  const lineFitted = Ks.map((K) => intercept + slope * K);
  const lineRss = errors.reduce((s, e, i) => s + (e - lineFitted[i]!) ** 2, 0);
  const lineS2 = n > 2 ? lineRss / (n - 2) : NaN;
  const seSlope = sxx > 0 ? Math.sqrt(lineS2 / sxx) : NaN;
  const seIntercept = Math.sqrt(lineS2 * (1 / n + (meanK * meanK) / sxx));
  const param = (value: number, se: number): FitParam => (Number.isFinite(se) ? { value, low: value - Z975 * se, high: value + Z975 * se } : { value, low: null, high: null });

  const gaussAic = (rss: number, k: number): number | null => (rss > 0 ? n * Math.log(rss / n) + 2 * (k + 1) : null);
  const make = (form: string, formula: string, params: Record<string, FitParam>, fitted: number[], k: number): FitResult => {
    const rss = errors.reduce((s, e, i) => s + (e - fitted[i]!) ** 2, 0);
    const r2 = rSquared(errors, fitted);
    const aic = gaussAic(rss, k);
    return { form, formula, params, n, k, r2, adjustedR2: adjusted(r2, n, k), aic, aicc: aic === null || n - k - 2 <= 0 ? null : aic + (2 * (k + 1) * (k + 2)) / (n - k - 2), residuals: errors.map((e, i) => e - fitted[i]!), x: [...Ks] };
  };
  return [
    make('error-law', 'error = Φ(−1/(v √h(K))) (THEORY §9)', { v: vParam }, lawFitted, 1),
    make('error-linear', 'error = a + b K (the paper\'s line)', { a: param(intercept, seIntercept), b: param(slope, seSlope) }, lineFitted, 2),
  ];
}
