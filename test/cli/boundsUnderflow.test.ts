import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { bufferIO } from '../../src/cli/io.ts';
import { fmtFromLog } from '../../src/report/format.ts';
import { lnGeneralization, refined } from '../../scripts/goldenFormulas.ts';

async function run(argv: string[]) {
  const io = bufferIO();
  const code = await main(argv, io);
  return { code, stdout: io.stdout.join(''), stderr: io.stderr.join('') };
}

describe('dpocheck bounds: bounds below float64 range', () => {
  const args = ['bounds', '--K', '8', '--Q', '100000', '--d', '1000', '--v', '0.00001', '--lb', '0.3'];

  it('prints Theorem 4.3 and Theorem B.4 from their logarithm instead of 0', async () => {
    const r = await run(args);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Theorem 4\.3 bound on R\(P\)\s+1\.274\de-954\b/);
    expect(r.stdout).toMatch(/Theorem B\.4 bound \(reconstructed\)\s+\d\.\d{4}e-832813\b/);
    expect(r.stdout).not.toMatch(/Theorem (4\.3|B\.4)[^\n]*\s0\s*$/m);
  });

  it('carries lnBound in JSON, agreeing with the 50-digit formulas', async () => {
    const r = await run([...args, '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.theorem43.bound).toBe(0);
    const ln43 = Number(lnGeneralization(8, 100000, 'v5-main', 1, 'lemmaB3').toString());
    expect(doc.theorem43.lnBound).toBeCloseTo(ln43, 8);
    const gold = refined(8, 100000, 1000, 0.00001, 0.3, 1, 1, 'lemmaB3');
    expect(doc.theoremB4.lnBound / gold.b4LnBound).toBeCloseTo(1, 12);
  });
});

describe('fmtFromLog', () => {
  it('agrees with the ordinary format inside float64 range', () => {
    expect(fmtFromLog(Math.log(0.25))).toBe('0.25');
    expect(fmtFromLog(Math.log(2.5e-300))).toBe('2.5000e-300');
  });
  it('prints mantissa and exponent below and above float64 range', () => {
    expect(fmtFromLog(-2196.423782570042)).toBe('1.2743e-954');
    expect(fmtFromLog(1000 * Math.LN10)).toBe('1.0000e+1000');
    expect(fmtFromLog(-Number.MAX_VALUE)).toBe('0');
    expect(fmtFromLog(Number.MAX_VALUE)).toBe('∞');
  });
});
