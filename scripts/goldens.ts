/**
 * Golden values for src/theory (`npm run goldens`): every formula of THEORY.md §3–§5, §7, §8
 * re-derived here with mathjs BigNumber at 50 significant digits, WITHOUT importing the float64
 * code, over ordinary and extreme inputs. Writes fixtures/goldens/*.json atomically.
 *
 * Inputs are float64 values converted to BigNumber exactly (from their binary mantissa and
 * exponent, not their decimal string), so a golden is the exact value at exactly the input the
 * tests pass. Results are rounded to float64 once, with src/theory's documented conventions
 * applied to what lies beyond the float64 range: ±∞ is written as ±Number.MAX_VALUE (the
 * clamping rule of numerics.ts), and the v = 0 limits of the refined forms (ε = ∞, failure
 * term 0, bound 0) as refined.ts documents them.
 *
 * Inputs are drawn from a fixed seed, so reruns write identical files.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { all, create, type BigNumber } from 'mathjs';
import seedrandom from 'seedrandom';
import writeFileAtomic from 'write-file-atomic';

/** Working precision: 50 significant digits (the issue's requirement). */
const DIGITS = 50;
/** Seed of the input draws (any fixed value; changing it changes the points, not their truth). */
const SEED = 'dpocheck-goldens-v1';

const math = create(all, { number: 'BigNumber', precision: DIGITS });
const rng = seedrandom(SEED);
const OUT = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'goldens');

type B = BigNumber;
const big = (x: number | string): B => math.bignumber(x) as B;
const ZERO = big(0);
const ONE = big(1);
const TWO = big(2);

/** A float64 as an exact BigNumber (mantissa · 2^exponent, rounded only to 50 digits). */
function exact(x: number): B {
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
const ln = (x: B): B => math.log(x) as B;
const expB = (x: B): B => math.exp(x) as B;
const sqrtB = (x: B): B => math.sqrt(x) as B;
const minB = (a: B, b: B): B => (a.lt(b) ? a : b);
const LN3 = ln(big(3));

/** Rounds to float64, mapping ±∞ to ±MAX_VALUE (numerics.ts's clamping rule). */
function f64(x: B): number {
  const v = Number(x.toString());
  if (v === Infinity) return Number.MAX_VALUE;
  if (v === -Infinity) return -Number.MAX_VALUE;
  return v;
}

/** Uniform in [lo, hi). */
const uniform = (lo: number, hi: number): number => lo + (hi - lo) * rng();
/** Log-uniform in [lo, hi), rounded to 6 significant digits so inputs read well. */
const logUniform = (lo: number, hi: number): number =>
  Number(Math.exp(uniform(Math.log(lo), Math.log(hi))).toPrecision(6));
/** Integer log-uniform in [lo, hi]. */
const intLog = (lo: number, hi: number): number =>
  Math.min(hi, Math.max(lo, Math.round(Math.exp(uniform(Math.log(lo), Math.log(hi + 1))))));
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)] as T;

function nextAfter(x: number, up: boolean): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  view.setBigUint64(0, up === x > 0 ? bits + 1n : bits - 1n);
  return view.getFloat64(0);
}

// ---------------------------------------------------------------- Theorem 4.2 (THEORY §4)

/** τ_1, slopes and probability of Theorem 4.2. */
function theorem42(K: number, Q: number, beta: number, tau: number, c: number) {
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
function theorem42v3(N: number, Q: number, beta: number, tau: number) {
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

type Edition = 'v5-main' | 'v5-appendix' | 'v3';
type Rule = 'lemmaB3' | 'theoremB4Proof';
const R: Record<Rule, number> = { lemmaB3: 16, theoremB4Proof: 8 };

/**
 * E(Q) of 2KQ²e^{-E(Q)}: Q/45, Q^{1/4}/6, or Theorem B.4 at v = 1/(4√Q), d = 5Q,
 * l_b² = 1/(4Z), ε = 1/(r v (Z+2)) — derived here from B.4's display, not from the closed
 * form the float code uses.
 */
function exponentE(q: B, edition: Edition, Z: number, rule: Rule): B {
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

function lnGeneralization(K: number, Q: number, edition: Edition, Z: number, rule: Rule): B {
  const q = exact(Q);
  return ln(TWO.times(exact(K)).times(q).times(q)).minus(exponentE(q, edition, Z, rule));
}

/** Smallest Q with bound < level: Q = 1, or bisection past the peak (found here by scan). */
function qMinExact(K: number, level: number, edition: Edition, Z: number, rule: Rule): number {
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

function refined(K: number, Q: number, d: number, v: number, lb: number, Z: number, c: number, rule: Rule) {
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

interface CondOut {
  id: string;
  holds: boolean;
  lhs: number;
  rhs: number;
  slack: number;
}
function conditions(K: number, Q: number, d: number, v: number, lb: number, Z: number, delta: number, edition: Edition): CondOut[] {
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
function firstNonVacuous(K: number, c: number): number {
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

// ------------------------------------------------------------------------------ draws

const out: Record<string, unknown[]> = {};
let lastFile = ""; let lastT = Date.now();
const push = (file: string, row: unknown): void => {
  if (process.env.GOLDENS_TRACE && file !== lastFile) { console.error(lastFile, Date.now() - lastT); lastFile = file; lastT = Date.now(); }
  (out[file] ??= []).push(row);
};

const EXTREME_K = [1, 2, 1000, 1e6, 1e9, Number.MAX_SAFE_INTEGER];
const EXTREME_Q = [1, 2, 39, 40, 90, 91, 1e5, 1e7, 1e12, Number.MAX_SAFE_INTEGER];

// Theorem 4.2: ordinary and extreme
for (let i = 0; i < 50; i++) {
  const K = i < 40 ? intLog(1, 1000) : pick(EXTREME_K);
  const Q = i < 40 ? intLog(1, 1e6) : pick(EXTREME_Q);
  const beta = i % 5 === 0 ? pick([1e-200, 1e-8, 1e150, 1]) : logUniform(1e-3, 10);
  const tau = i % 7 === 0 ? pick([1e-250, 1e200, 1]) : logUniform(1e-2, 1e3);
  const c = i % 3 === 0 ? pick([1, 1e-6, 1e6]) : logUniform(0.01, 100);
  push('theorem42', { K, Q, beta, tau, c, expect: theorem42(K, Q, beta, tau, c) });
}
for (let i = 0; i < 20; i++) {
  const K = intLog(1, 1e6);
  const Q = intLog(1, 1e9);
  const N = i % 2 === 0 ? 2 * K * Q : intLog(1, 1e12);
  const beta = logUniform(1e-4, 100);
  const tau = logUniform(1e-3, 1e3);
  push('theorem42v3', { N, Q, beta, tau, expect: theorem42v3(N, Q, beta, tau) });
}

// Generalisation bounds of each edition
for (let i = 0; i < 90; i++) {
  const edition: Edition = (['v5-main', 'v3', 'v5-appendix'] as const)[i % 3] as Edition;
  const K = i < 60 ? intLog(1, 1e4) : pick(EXTREME_K);
  const Q = i < 60 ? intLog(1, edition === 'v3' ? 1e12 : 1e5) : pick(EXTREME_Q);
  const Z = edition === 'v5-appendix' ? pick([1, 1, 2, 3, 4]) : 1;
  const rule: Rule = edition === 'v5-appendix' && i % 2 === 0 ? 'theoremB4Proof' : 'lemmaB3';
  const lnB = lnGeneralization(K, Q, edition, Z, rule);
  push('generalization', { K, Q, edition, Z, epsilonRule: rule, expect: { bound: f64(expB(lnB)), lnBound: f64(lnB) } });
}

// Refined forms
for (let i = 0; i < 60; i++) {
  const K = i < 45 ? intLog(1, 1000) : pick(EXTREME_K);
  const Q = i < 45 ? intLog(1, 1e6) : pick(EXTREME_Q);
  const d = i < 45 ? intLog(1, 5 * Q) : pick([1, 1e6, Number.MAX_SAFE_INTEGER]);
  const vEdge = 1 / (32 * Math.sqrt(Q));
  const v = i % 6 === 0 ? pick([0, 5e-324, 1e-200, 1e-3, 1e3, 1e200]) : Number((vEdge * uniform(0.1, 8)).toPrecision(6));
  const lb = i % 9 === 0 ? pick([1e-200, 1e200, 0.25]) : Number(uniform(0.2, 0.6).toPrecision(4));
  const Z = pick([1, 1, 2, 3, 10]);
  const c = i % 4 === 0 ? pick([1e-3, 1e3]) : 1;
  const rule: Rule = i % 5 === 0 ? 'theoremB4Proof' : 'lemmaB3';
  push('refined', { K, Q, d, v, lb, Z, c, epsilonRule: rule, expect: refined(K, Q, d, v, lb, Z, c, rule) });
}

// Conditions
for (let i = 0; i < 45; i++) {
  const edition: Edition = (['v5-main', 'v3', 'v5-appendix'] as const)[i % 3] as Edition;
  const K = intLog(1, 100);
  const Q = intLog(1, 1e5);
  const d = intLog(1, 10 * Q);
  const v = i % 8 === 0 ? 0 : Number((uniform(0.01, 3) / (32 * Math.sqrt(Q))).toPrecision(5));
  const lb = i % 10 === 0 ? pick([0.25, 0.5, 1e-200]) : Number(uniform(0.1, 0.7).toPrecision(3));
  const Z = pick([1, 1, 2, 4, 5]);
  const delta = i % 3 === 0 ? 0 : Number(uniform(0, 0.01).toPrecision(3));
  push('conditions', { K, Q, d, v, lb, Z, delta, edition, expect: conditions(K, Q, d, v, lb, Z, delta, edition) });
}

// Appendix C (Theorem C.5) and the failure mode
for (let i = 0; i < 20; i++) {
  const K = intLog(1, 1e6);
  const Z = pick([1, 2, 3, 4, 7]);
  const beta = i % 5 === 0 ? pick([1e-200, 1e200]) : logUniform(1e-3, 100);
  const tau = logUniform(1e-3, 1e3);
  const rule: Rule = i % 2 === 0 ? 'lemmaB3' : 'theoremB4Proof';
  const [k, b, t] = [exact(K), exact(beta), exact(tau)];
  const limit = minB(ONE.div(big(R[rule]).times(big(Z + 2))).div(8), big(0.25));
  push('appendixC', {
    K, Z, beta, tau, epsilonRule: rule,
    expect: {
      limit: f64(limit),
      lowerSlope: f64(b.times(b).div(big(16).times(k).times(t))),
      upperSlope: f64(big(5).times(b).times(b).div(k.times(t))),
      windowLow: f64(LN3.div(80)),
      windowHigh: f64(LN3),
    },
  });
}
for (let i = 0; i < 20; i++) {
  const beta = i < 4 ? [1e-300, 1e-3, 1, 1e300][i] as number : logUniform(1e-3, 1e3);
  const b = exact(beta);
  push('failureMode', { beta, expect: { threshold: f64(expB(LN3.div(b))), lnThreshold: f64(LN3.div(b)) } });
}

// Certificate (THEORY §5)
for (let i = 0; i < 20; i++) {
  const K = intLog(1, 100);
  const N = 2 * K * intLog(1, 1000);
  const P = Number(uniform(0, 4 * N).toPrecision(8));
  const M = Number(uniform(0, N).toPrecision(8));
  const [p, m, n] = [exact(P), exact(M), exact(N)];
  const lambda = p.div(4).minus(m.div(2)).div(n);
  const Lambda = p.div(2).minus(m.div(4)).div(n);
  push('certificate', {
    P, M, N, K,
    expect: { lambda: f64(lambda), Lambda: f64(Lambda), holds: lambda.gte(ONE.div(8 * K)) && Lambda.lte(big(5).div(K)) },
  });
}

// Scaling: Q_min over editions, ordinary and adversarial levels
for (let i = 0; i < 30; i++) {
  const edition: Edition = i < 15 ? 'v5-main' : i < 24 ? 'v3' : 'v5-appendix';
  const K = i % 5 === 0 ? pick(EXTREME_K.slice(0, 5)) : intLog(1, 1e4);
  const level = i % 6 === 0 ? pick([1e-300, 1, 1e3, 1e20]) : logUniform(1e-6, 0.5);
  const Z = edition === 'v5-appendix' ? pick([1, 2, 4]) : 1;
  if (process.env.GOLDENS_TRACE) console.error(K, level, edition, Z);
  push('scaling', { K, level, edition, Z, epsilonRule: 'lemmaB3', expect: qMinExact(K, level, edition, Z, 'lemmaB3') });
}
// Adversarial: level = the float64 rounding of bound(Q0) and its neighbours, so the float
// comparison is within ulps and only an exact decision gets Q_min right.
for (let i = 0; i < 15; i++) {
  const edition: Edition = i < 9 ? 'v5-main' : 'v3';
  const K = intLog(1, 1000);
  // Q0 where the bound is below its value at Q = 1 (else Q_min = 1) and a normal float64
  // (e^{-Q/45} underflows past Q ≈ 3.2e4).
  const Q0 = edition === 'v5-main' ? intLog(800, 3e4) : intLog(1e10, 1e12);
  const nearest = f64(expB(lnGeneralization(K, Q0, edition, 1, 'lemmaB3')));
  const level = i % 3 === 0 ? nearest : nextAfter(nearest, i % 3 === 1);
  push('scaling', { K, level, edition, Z: 1, epsilonRule: 'lemmaB3', adversarial: true, expect: qMinExact(K, level, edition, 1, 'lemmaB3') });
}

// Adversarial levels for the v5-appendix worst case too (Z = 1..4, both ε rules).
for (let i = 0; i < 8; i++) {
  const K = intLog(1, 1000);
  const Z = 1 + (i % 4);
  const rule: Rule = i < 4 ? 'lemmaB3' : 'theoremB4Proof';
  const Q0 = intLog(20_000, 200_000);
  const nearest = f64(expB(lnGeneralization(K, Q0, 'v5-appendix', Z, rule)));
  const level = i % 3 === 0 ? nearest : nextAfter(nearest, i % 3 === 1);
  push('scaling', { K, level, edition: 'v5-appendix', Z, epsilonRule: rule, adversarial: true, expect: qMinExact(K, level, 'v5-appendix', Z, rule) });
}

// First Q where Theorem 4.2's probability is positive (THEORY §7: about 1.4e5 at c = 1, K = 1)
for (const [K, c] of [[1, 1], [10, 1], [1000, 1], [1, 0.01], [1, 100], [1e9, 1], [5, 0.3]] as const) {
  push('nonVacuous', { K, c, expect: firstNonVacuous(K, c) });
}
// Adversarial c: c√Q0/5 = L(Q0) up to rounding, in the regime where the c-term binds.
for (const Q0 of [2_000_000, 31_415_926, 777_777_777]) {
  const q = exact(Q0);
  const L = ln(big(8)).plus(big(2.25).times(ln(q)));
  const c = f64(L.times(5).div(sqrtB(q)));
  push('nonVacuous', { K: 1, c, adversarial: true, expect: firstNonVacuous(1, c) });
}

mkdirSync(OUT, { recursive: true });
let total = 0;
for (const [name, rows] of Object.entries(out)) {
  total += rows.length;
  writeFileAtomic.sync(
    join(OUT, `${name}.json`),
    `${JSON.stringify({ generatedBy: 'scripts/goldens.ts', digits: DIGITS, seed: SEED, cases: rows }, null, 1)}\n`,
  );
}
console.log(`wrote ${total} golden points to ${OUT}`);
