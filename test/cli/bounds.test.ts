import { describe, expect, it } from 'vitest';
import * as fc from 'fast-check';
import { main } from '../../src/cli/main.ts';
import { bufferIO } from '../../src/cli/io.ts';

async function run(argv: string[]) {
  const io = bufferIO();
  const code = await main(argv, io);
  return { code, stdout: io.stdout.join(''), stderr: io.stderr.join('') };
}

describe('dpocheck scaling', () => {
  it('reproduces the Q_min table of THEORY §7 exactly', async () => {
    const r = await run(['scaling', '--K', '1,2,4,8,10,16,32,64,100,1000', '--eta', '0.05', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).rows).toEqual([
      { K: 1, Qmin: 764 }, { K: 2, Qmin: 799 }, { K: 4, Qmin: 834 }, { K: 8, Qmin: 869 }, { K: 10, Qmin: 880 },
      { K: 16, Qmin: 904 }, { K: 32, Qmin: 938 }, { K: 64, Qmin: 973 }, { K: 100, Qmin: 995 }, { K: 1000, Qmin: 1108 },
    ]);
  });

  it('refuses a bad η or K list with exit 2', async () => {
    for (const argv of [['scaling', '--K', '1', '--eta', '1.5'], ['scaling', '--K', '0'], ['scaling', '--K', '1,,2'], ['scaling']]) {
      const r = await run(argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
    }
  });
});

describe('dpocheck bounds', () => {
  const args = ['bounds', '--K', '10', '--Q', '880', '--d', '100', '--v', '0.001', '--lb', '0.5', '--json'];

  it('prints the documented JSON shape', async () => {
    const r = await run(args);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.edition).toBe('v5-main');
    for (const c of doc.conditions) expect(Object.keys(c)).toEqual(expect.arrayContaining(['id', 'holds', 'lhs', 'rhs', 'slack']));
    expect(doc.conditions.map((c: { id: string }) => c.id)).toEqual(expect.arrayContaining(['Z', 'dim', 'noise', 'shared', 'size', 'ortho']));
    expect(doc.theorem42.tau1).toBeCloseTo((10 * Math.log(3)) / 5, 14);
    expect(doc.theorem42.lowerSlope).toBeCloseTo(1 / 80, 15);
    expect(doc.theorem42.upperSlope).toBeCloseTo(0.5, 15);
    expect(doc.theorem42.window).toEqual([Math.log(3) / 40, Math.log(3)]);
    expect(doc.theorem42.vacuous).toBe(true);
    expect(doc.theorem43.bound).toBeLessThan(0.05);
    expect(doc.theorem43.vacuous).toBe(false);
    expect(typeof doc.lemmaB1.probability).toBe('number');
    expect(typeof doc.theoremB4.bound).toBe('number');
  });

  it('prints a human table naming vacuous statements', async () => {
    const r = await run(args.slice(0, -1));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Theorem 4.2 probability .*VACUOUS/);
    expect(r.stdout).toMatch(/noise\s+yes/);
  });

  it('refuses invalid input with one line and exit 2', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('--K', '--Q', '--d', '--v', '--lb', '--beta', '--tau', '--c', '--Z', '--delta', '--edition'),
        fc.constantFrom('0', '-1', '2.5', 'NaN', 'x', '', '1e999', 'v6'),
        async (flag, value) => {
          const argv = [...args];
          const i = argv.indexOf(flag);
          if (i >= 0) argv[i + 1] = value;
          else argv.push(flag, value);
          const r = await run(argv);
          // Some replacements are valid (e.g. --v 0, --delta 0, --lb 2.5): those must succeed.
          if (r.code === 0) return;
          expect(r.code).toBe(2);
          expect(r.stdout).toBe('');
          expect(r.stderr.trim().split('\n')).toHaveLength(1);
          expect(r.stderr).toMatch(/^dpocheck: /);
        },
      ),
      { seed: 3, numRuns: 120 },
    );
  });
});
