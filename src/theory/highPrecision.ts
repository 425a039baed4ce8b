/**
 * Arbitrary-precision fixed-point arithmetic on BigInt, used only to decide the sign of a
 * log-space quantity when the float64 evaluation is too close to 0 to be trusted (see
 * `decideSign`). Hand-written because mathjs is a dev dependency only and the runtime must stay
 * dependency-free here; the operations needed are few (ln of integers and of float64 values,
 * integer square and fourth roots, rational scaling).
 *
 * A fixed-point number with `F` fractional bits is a BigInt `X` standing for `X / 2^F`.
 */

/** Fractional bits of the first high-precision attempt (≈ 77 decimal digits). */
export const FIRST_FRACTION_BITS = 256;

/** Largest precision tried before giving up (≈ 1233 decimal digits). */
export const MAX_FRACTION_BITS = 4096;

/**
 * Error budget of one evaluation, in units of 2^-F. Each `lnInteger` errs by at most about
 * 2F units from truncated series terms, plus (bit length) × (error of ln 2) ≤ 1100 · 2F units
 * for float64 inputs; 2^40 units covers that for F ≤ 4096 with a factor > 100 to spare.
 */
export const ERROR_UNITS = 1n << 40n;

const lnTwoCache = new Map<number, bigint>();

/** floor(sqrt(n)) for n >= 0 (Newton's method on BigInt). */
export function isqrt(n: bigint): bigint {
  if (n < 0n) throw new Error('internal: isqrt of a negative number');
  if (n < 2n) return n;
  let x = 1n << BigInt((n.toString(2).length + 1) >> 1);
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

/** floor(n^{1/4}) = floor(sqrt(floor(sqrt(n)))) for n >= 0. */
export function iroot4(n: bigint): bigint {
  return isqrt(isqrt(n));
}

/** 2·atanh(y) = ln((1+y)/(1-y)) for a fixed-point 0 <= y <= 1/3, by its Taylor series. */
function twoAtanh(y: bigint, F: number): bigint {
  const y2 = (y * y) >> BigInt(F);
  let power = y;
  let sum = 0n;
  for (let k = 1n; power !== 0n; k += 2n) {
    sum += power / k;
    power = (power * y2) >> BigInt(F);
  }
  return 2n * sum;
}

/** ln 2 with F fractional bits: ln 2 = 2 atanh(1/3). */
export function lnTwo(F: number): bigint {
  const cached = lnTwoCache.get(F);
  if (cached !== undefined) return cached;
  const v = twoAtanh((1n << BigInt(F)) / 3n, F);
  lnTwoCache.set(F, v);
  return v;
}

/** ln n for a BigInt n >= 1, with F fractional bits. */
export function lnInteger(n: bigint, F: number): bigint {
  if (n < 1n) throw new Error('internal: lnInteger of a non-positive number');
  const b = n.toString(2).length - 1; // n = m · 2^b, m in [1, 2)
  const one = 1n << BigInt(F);
  const m = n << BigInt(F - b); // a BigInt shift by a negative count shifts right (floor)
  const y = ((m - one) << BigInt(F)) / (m + one); // (m-1)/(m+1) in [0, 1/3)
  return BigInt(b) * lnTwo(F) + twoAtanh(y, F);
}

/** A positive finite float64 as an exact dyadic m · 2^e (m a BigInt). */
export function toDyadic(x: number): { readonly m: bigint; readonly e: number } {
  if (!(x > 0) || !Number.isFinite(x)) throw new Error('internal: toDyadic needs a positive finite number');
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const exponent = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  return exponent === 0 ? { m: fraction, e: -1074 } : { m: fraction | (1n << 52n), e: exponent - 1075 };
}

/** ln x for a positive finite float64 x (exact input), with F fractional bits. */
export function lnFloat(x: number, F: number): bigint {
  const { m, e } = toDyadic(x);
  return lnInteger(m, F) + BigInt(e) * lnTwo(F);
}

/** floor(x · s · 2^F) for a positive finite float64 x and a non-negative BigInt s. */
export function scaleFloat(x: number, s: bigint, F: number): bigint {
  const { m, e } = toDyadic(x);
  const shift = e + F;
  return (m * s) << BigInt(shift); // a negative shift count shifts right, i.e. floors
}

/**
 * Decides the sign of a quantity h that float64 evaluated as `approx` with absolute error at
 * most `errorBound`: if |approx| > errorBound the float sign is certain; otherwise `exact(F)`
 * evaluates h in fixed point with F fractional bits (error ≤ {@link ERROR_UNITS} units) at
 * increasing precision until its sign is certain.
 *
 * The quantities decided here (ln bound − ln η, and Theorem 4.2's log failure term) are never
 * exactly 0 for the integers searched: each is a rational/algebraic number minus a
 * transcendental one (e^{rational or algebraic ≠ 0} is transcendental by Lindemann–Weierstrass),
 * so enough precision always decides; reaching MAX_FRACTION_BITS is treated as an internal error.
 *
 * @returns -1 or 1.
 */
export function decideSign(approx: number, errorBound: number, exact: (F: number) => bigint): -1 | 1 {
  if (approx > errorBound) return 1;
  if (approx < -errorBound) return -1;
  for (let F = FIRST_FRACTION_BITS; F <= MAX_FRACTION_BITS; F *= 4) {
    const h = exact(F);
    if (h > ERROR_UNITS) return 1;
    if (h < -ERROR_UNITS) return -1;
  }
  throw new Error('internal: sign undecided at 4096 bits (a value this close to 0 should not exist)');
}

/**
 * Float64 error bound for a sum of `terms`, each computed within a few ulps: FLOAT_ERROR_ULPS ×
 * machine epsilon × Σ|term|. 64 ulps covers ≤ 3 ulps per term (Math.log and Math.sqrt are
 * within 1 ulp, products add 0.5 each) plus the summation with a factor > 4 to spare.
 */
export const FLOAT_ERROR_ULPS = 64;

/** The error bound of {@link FLOAT_ERROR_ULPS} for a sum of the given terms. */
export function sumErrorBound(terms: readonly number[]): number {
  let s = 0;
  for (const t of terms) s += Math.abs(t);
  return FLOAT_ERROR_ULPS * Number.EPSILON * s;
}
