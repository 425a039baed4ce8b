/**
 * Golden values for src/theory (`npm run goldens`): every formula of docs/theory.md §3–§5, §7, §8
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
import seedrandom from 'seedrandom';
import writeFileAtomic from 'write-file-atomic';

import {
  DIGITS, LN3, ONE, R, big, conditions, exact, expB, f64, firstNonVacuous, ln, lnGeneralization, minB, qMinExact, refined, sqrtB, theorem42, theorem42v3,
  type Edition, type Rule,
} from './goldenFormulas.ts';

/** Seed of the input draws (any fixed value; changing it changes the points, not their truth). */
const SEED = 'dpocheck-goldens-v1';
const rng = seedrandom(SEED);
const OUT = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'goldens');

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


// ------------------------------------------------------------------------------ draws

const out: Record<string, unknown[]> = {};
const push = (file: string, row: unknown): void => {
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
