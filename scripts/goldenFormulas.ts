/**
 * The 50-digit BigNumber re-derivations of every formula of docs/theory.md §3–§5, §7, §8, written
 * without importing the float64 code (src/theory). Used by `npm run goldens` (scripts/goldens.ts)
 * to write fixtures/goldens/, and by tests that compare the library and `dpocheck bounds` with
 * them on arbitrary inputs.
 */
import { all, create, type BigNumber } from 'mathjs';

/** Working precision: 50 significant digits (the requirement). */
export const DIGITS = 50;

const math = create(all, { number: 'BigNumber', precision: DIGITS });

export type B = BigNumber;
export const big = (x: number | string): B => math.bignumber(x) as B;
export const ZERO = big(0);
export const ONE = big(1);
export const TWO = big(2);

/** A float64 as an exact BigNumber (mantissa · 2^exponent, rounded only to 50 digits). */
export function exact(x: number): B {
  if (x === 0) return ZERO;
  if (Number.isInteger(x) && Math.abs(x) <= Number.MAX_SAFE_INTEGER) return big(x.toString());
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  const bits = view.getBigUint64(0);
  const e = Number((bits >> 52n) & 0x7ffn);
  const f = bits & ((1n << 52n) - 1n);
  const [m, p] = e === 0 ? [f, -1074] : [f | (1n << 52n), e - 1075];
  const v = big(m.toString()).times(TWO.pow(big(p)));
  return x < 0 ? v.neg() : v;
}
export const ln = (x: B): B => math.log(x) as B;
export const expB = (x: B): B => math.exp(x) as B;
export const sqrtB = (x: B): B => math.sqrt(x) as B;
export const minB = (a: B, b: B): B => (a.lt(b) ? a : b);
export const LN3 = ln(big(3));

/** Rounds to float64, mapping ±∞ to ±MAX_VALUE (numerics.ts's clamping rule). */
export function f64(x: B): number {
  const v = Number(x.toString());
  if (v === Infinity) return Number.MAX_VALUE;
  if (v === -Infinity) return -Number.MAX_VALUE;
  return v;
}

/** Uniform in [lo, hi). */
// ---------------------------------------------------------------- Theorem 4.2 (THEORY §4)

/** τ_1, slopes and probability of Theorem 4.2. */
export function theorem42(K: number, Q: number, beta: number, tau: number, c: number) {
  const [k, q, b, t, cc] = [exact(K), exact(Q), exact(beta), exact(tau), exact(c)];
  const tau1 = k.times(t).times(LN3).div(big(5).times(b).times(b));
  const lower = b.times(b).div(big(8).times(k).times(t));
  const upper = big(5).times(b).times(b).div(k.times(t));
  const expo = minB(cc.times(sqrtB(q)).div(5), q.pow(big(0.75)).div(256));
  const lnFail = ln(big(8)).plus(ln(k)).plus(big(2.25).times(ln(q))).minus(expo);
  return {
    tau1: f64(tau1),
    lnTau1: f64(ln(tau1)),
    lowerSlope: f64(lower),
    upperSlope: f64(upper),
    probability: f64(ONE.minus(expB(lnFail))),
    lnFailureTerm: f64(lnFail),
  };
}

/** Version-3 sandwich in terms of N. */
export function theorem42v3(N: number, Q: number, beta: number, tau: number) {
  const [n, q, b, t] = [exact(N), exact(Q), exact(beta), exact(tau)];
  const tau1 = n.times(t).times(LN3).div(big(10).times(q).times(b).times(b));
  return {
    tau1: f64(tau1),
    lnTau1: f64(ln(tau1)),
    lowerSlope: f64(q.times(b).times(b).div(big(4).times(n).times(t))),
    upperSlope: f64(big(10).times(q).times(b).times(b).div(n.times(t))),
  };
}

// ------------------------------------------------ generalisation bounds (THEORY §4, §8)

export type Edition = 'v5-main' | 'v5-appendix' | 'v3';
export type Rule = 'lemmaB3' | 'theoremB4Proof';
export const R: Record<Rule, number> = { lemmaB3: 16, theoremB4Proof: 8 };

/**
 * E(Q) of 2KQ²e^{-E(Q)}: Q/45, Q^{1/4}/6, or Theorem B.4 at v = 1/(4√Q), d = 5Q,
 * l_b² = 1/(4Z), ε = 1/(r v (Z+2)) — derived here from B.4's display, not from the closed
 * form the float code uses.
 */
export function exponentE(q: B, edition: Edition, Z: number, rule: Rule): B {
  if (edition === 'v5-main') return q.div(45);
  if (edition === 'v3') return q.pow(big(0.25)).div(6);
  const z = big(Z);
  const r = big(R[rule]);
  const v = ONE.div(big(4).times(sqrtB(q)));
  const eps = ONE.div(r.times(v).times(z.plus(2)));
  const lb2 = ONE.div(big(4).times(z));
  const S = ONE.plus(lb2).plus(big(5).times(q).times(v).times(v)).plus(TWO.times(eps).times(v));
  return eps.times(eps).div(TWO.times(S));
}

export function lnGeneralization(K: number, Q: number, edition: Edition, Z: number, rule: Rule): B {
  const q = exact(Q);
  return ln(TWO.times(exact(K)).times(q).times(q)).minus(exponentE(q, edition, Z, rule));
}

/** Smallest Q with bound < level: Q = 1, or bisection past the peak (found here by scan). */
export function qMinExact(K: number, level: number, edition: Edition, Z: number, rule: Rule): number {
  const lnLevel = ln(exact(level));
  const below = (Q: number): boolean => lnGeneralization(K, Q, edition, Z, rule).lt(lnLevel);
  if (below(1)) return 1;
  // Peak: the largest Q whose successor does not lower the bound (found numerically here).
  let peak: number;
  if (edition === 'v3') peak = 48 ** 4;
  else {
    // rises(Q) is true then false: bisect for its last true.
    const rises = (Q: number): boolean => lnGeneralization(K, Q + 1, edition, Z, rule).gt(lnGeneralization(K, Q, edition, Z, rule));
    let [a, b] = [1, 1 << 20];
    while (b - a > 1) {
      const mid = Math.floor((a + b) / 2);
      if (rises(mid)) a = mid;
      else b = mid;
    }
    peak = a;
  }
  let lo = peak;
  let hi = peak * 2;
  while (!below(hi)) {
    lo = hi;
    hi *= 2;
    if (hi > 2 ** 60) throw new Error(`qMinExact: no Q found for K=${K} level=${level} ${edition}`);
  }
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (below(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}

// ------------------------------------------------------- refined forms (THEORY §4, §8)

export function refined(K: number, Q: number, d: number, v: number, lb: number, Z: number, c: number, rule: Rule) {
  if (v === 0) {
    return { epsilon: Number.MAX_VALUE, b1Probability: 1, b1LnFailureTerm: -Number.MAX_VALUE, b4Bound: 0, b4LnBound: -Number.MAX_VALUE };
  }
  const [k, q, dd, vv, l, z, cc] = [exact(K), exact(Q), exact(d), exact(v), exact(lb), big(Z), exact(c)];
  const eps = ONE.div(big(R[rule]).times(vv).times(z.plus(2)));
  const A = big(8).times(z).plus(4).times(k).times(q).times(q);
  // ln(t1 + t2) without underflow: lnA - m + ln(e^{-(e1-m)} + e^{-(e2-m)}), m = min(e1, e2).
  const e1 = eps.times(eps).div(16);
  const e2 = cc.times(eps.div(vv)).times(minB(ONE, eps.div(dd.times(vv))));
  const m = minB(e1, e2);
  const lnFail = ln(A).minus(m).plus(ln(expB(m.minus(e1)).plus(expB(m.minus(e2)))));
  const S = ONE.plus(l.times(l)).plus(dd.times(vv).times(vv)).plus(TWO.times(eps).times(vv));
  const lnB4 = ln(TWO.times(k).times(q).times(q)).minus(eps.times(eps).div(TWO.times(S)));
  return {
    epsilon: f64(eps),
    b1Probability: f64(ONE.minus(expB(lnFail))),
    b1LnFailureTerm: f64(lnFail),
    b4Bound: f64(expB(lnB4)),
    b4LnBound: f64(lnB4),
  };
}

// ---------------------------------------------------------------- conditions (THEORY §3)

export interface CondOut {
  id: string;
  holds: boolean;
  lhs: number;
  rhs: number;
  slack: number;
}
export function conditions(K: number, Q: number, d: number, v: number, lb: number, Z: number, delta: number, edition: Edition): CondOut[] {
  const [q, dd, vv, l, z, dl] = [exact(Q), exact(d), exact(v), exact(lb), big(Z), exact(delta)];
  const ratio = (a: B, b: B): number => (b.isZero() ? Number.MAX_VALUE : f64(a.div(b)));
  const up = (id: string, lhs: B, rhs: B): CondOut => ({ id, holds: lhs.lte(rhs), lhs: f64(lhs), rhs: f64(rhs), slack: ratio(rhs, lhs) });
  const lo = (id: string, lhs: B, rhs: B): CondOut => ({ id, holds: lhs.gte(rhs), lhs: f64(lhs), rhs: f64(rhs), slack: ratio(lhs, rhs) });
  let zRhs = ONE.div(big(4).times(l).times(l));
  if (edition === 'v3') zRhs = minB(zRhs, q.pow(big(0.25)).minus(2));
  const noise = ONE.div(big(edition === 'v5-main' ? 32 : 4).times(sqrtB(q)));
  const sLow = lo('shared', l, big(0.25));
  const sHigh = up('shared', l, big(0.5));
  const shared = { ...(sLow.slack <= sHigh.slack ? sLow : sHigh), holds: sLow.holds && sHigh.holds };
  const orthoLimit = ONE.div(big(8 * 16).times(z.plus(2))); // εv/8 with εv = 1/(16(Z+2)); < 1/4
  return [
    up('Z', z, zRhs),
    up('dim', dd, big(5).times(q)),
    lo('dimK', dd, big(K + 1)),
    up('noise', vv, noise),
    shared,
    lo('size', q, big(40)),
    up('ortho', dl, orthoLimit),
  ];
}

// ------------------------------------------- first Q where Theorem 4.2 says something (§7)

/** First Q with 8KQ^{9/4}e^{-min(c√Q/5, Q^{3/4}/256)} < 1, by a plain scan with doubling. */
export function firstNonVacuous(K: number, c: number): number {
  const [k, cc] = [exact(K), exact(c)];
  const ok = (Q: number): boolean => {
    const q = exact(Q);
    const expo = minB(cc.times(sqrtB(q)).div(5), q.pow(big(0.75)).div(256));
    return ln(big(8)).plus(ln(k)).plus(big(2.25).times(ln(q))).lt(expo);
  };
  // The term falls below 1 once and stays there past both turning points (max(7023, (22.5/c)²)).
  let lo = Math.max(7022, Math.floor((22.5 / c) ** 2));
  if (ok(lo)) {
    // the crossing is at or before lo: scan down to the first failure
    while (lo > 1 && ok(lo - 1)) lo--;
    return lo;
  }
  let hi = lo * 2;
  while (!ok(hi)) {
    lo = hi;
    hi *= 2;
  }
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (ok(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}

