/**
 * Acceptance: `dpocheck bounds ... --json` agrees with an independent high-precision
 * computation on ARBITRARY valid inputs to 1e-12 relative (absolute near 0). The fixed goldens of
 * fixtures/goldens cover chosen points; here fast-check draws the inputs and the 50-digit
 * BigNumber re-derivations of scripts/goldenFormulas.ts (which never import src/theory) are
 * evaluated on the spot.
 */
import { describe, expect, it } from 'vitest';
import * as fc from 'fast-check';
import { main } from '../../src/cli/main.ts';
import { bufferIO } from '../../src/cli/io.ts';
import { conditions, f64, expB, lnGeneralization, refined, theorem42, type Edition } from '../../scripts/goldenFormulas.ts';
import { mismatch, type Kind } from '../theory/goldenTolerance.ts';

const logUniform = (lo: number, hi: number) =>
  fc.integer({ min: 0, max: 1_000_000 }).map((k) => Math.exp(Math.log(lo) + (k / 1_000_000) * (Math.log(hi) - Math.log(lo))));
const logInt = (lo: number, hi: number) => logUniform(lo, hi).map((x) => Math.min(hi, Math.max(lo, Math.round(x))));

const inputArb = fc.record({
  K: logInt(1, 1e6),
  Q: logInt(1, 1e9),
  d: logInt(1, 1e7),
  v: fc.oneof(fc.constant(0), logUniform(1e-8, 2)),
  lb: logUniform(0.01, 4),
  Z: fc.integer({ min: 1, max: 8 }),
  beta: logUniform(1e-3, 10),
  tau: logUniform(1e-2, 1e3),
  c: logUniform(0.05, 20),
  edition: fc.constantFrom<Edition>('v5-main', 'v5-appendix', 'v3'),
});

interface Report {
  conditions: Array<{ id: string; holds: boolean; lhs: number; rhs: number; slack: number }>;
  theorem42: { tau1: number; lowerSlope: number; upperSlope: number; probability: number; lnFailureTerm: number };
  theorem43: { bound: number; lnBound: number };
  lemmaB1: { probability: number };
  theoremB4: { bound: number };
}

async function bounds(x: Readonly<Record<string, number | string>>): Promise<Report> {
  const argv = ['bounds', '--json'];
  for (const [k, v] of Object.entries(x)) argv.push(k === 'lb' ? '--lb' : `--${k}`, String(v));
  const io = bufferIO();
  const code = await main(argv, io);
  expect(code, io.stderr.join('')).toBe(0);
  return JSON.parse(io.stdout.join('')) as Report;
}

function check(errors: string[], name: string, actual: number, golden: number, kind: Kind): void {
  const m = mismatch(actual, golden, kind);
  if (m !== null) errors.push(`${name}: ${m}`);
}

describe('dpocheck bounds against 50-digit arithmetic on arbitrary inputs', () => {
  it('agrees to 1e-12 relative (absolute near 0) on every number it prints', async () => {
    await fc.assert(
      fc.asyncProperty(inputArb, async (x) => {
        const r = await bounds(x);
        const errors: string[] = [];
        const t42 = theorem42(x.K, x.Q, x.beta, x.tau, x.c);
        check(errors, 'tau1', r.theorem42.tau1, t42.tau1, 'product');
        check(errors, 'lowerSlope', r.theorem42.lowerSlope, t42.lowerSlope, 'product');
        check(errors, 'upperSlope', r.theorem42.upperSlope, t42.upperSlope, 'product');
        check(errors, 'probability', r.theorem42.probability, t42.probability, 'difference');
        check(errors, 'lnFailureTerm', r.theorem42.lnFailureTerm, t42.lnFailureTerm, 'difference');
        if (x.edition !== 'v5-appendix' || x.Z <= 4) {
          const lnG = lnGeneralization(x.K, x.Q, x.edition, x.Z, 'lemmaB3');
          check(errors, 'theorem43.lnBound', r.theorem43.lnBound, f64(lnG), 'difference');
          check(errors, 'theorem43.bound', r.theorem43.bound, f64(expB(lnG)), 'product');
        }
        const ref = refined(x.K, x.Q, x.d, x.v, x.lb, x.Z, x.c, 'lemmaB3');
        check(errors, 'lemmaB1.probability', r.lemmaB1.probability, ref.b1Probability, 'difference');
        check(errors, 'theoremB4.bound', r.theoremB4.bound, ref.b4Bound, 'product');
        const conds = conditions(x.K, x.Q, x.d, x.v, x.lb, x.Z, 0, x.edition);
        for (const g of conds) {
          const a = r.conditions.find((c) => c.id === g.id);
          if (a === undefined) {
            errors.push(`condition ${g.id} missing`);
            continue;
          }
          if (a.holds !== g.holds) errors.push(`condition ${g.id}: holds ${a.holds} vs ${g.holds}`);
          check(errors, `${g.id}.lhs`, a.lhs, g.lhs, 'product');
          check(errors, `${g.id}.rhs`, a.rhs, g.rhs, 'product');
          check(errors, `${g.id}.slack`, a.slack, g.slack, 'product');
        }
        expect(errors, JSON.stringify(x)).toEqual([]);
      }),
      { seed: 424242, numRuns: 150 },
    );
  });
});
