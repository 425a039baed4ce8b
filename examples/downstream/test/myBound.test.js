// Regression check of this project's own bound against dpocheck's, on configurations drawn by
// dpocheck's own arbitraries (valid configurations of the paper, THEORY §3), and the claims
// module run through `dpocheck verify`.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as fc from 'fast-check';
import { generalizationBound, qMin } from 'dpocheck';
import { validConfigArb } from 'dpocheck/data';
import { myGeneralizationBound, mySamplesNeeded } from '../src/myBound.js';

describe('our bound against dpocheck', () => {
  it("agrees with dpocheck's generalizationBound on dpocheck's valid configurations", () => {
    fc.assert(
      fc.property(validConfigArb({ scale: 'small' }), (config) => {
        const theirs = generalizationBound(config.K, config.Q, 'v5-main').bound;
        expect(Math.abs(myGeneralizationBound(config.K, config.Q) - theirs)).toBeLessThanOrEqual(1e-12 * theirs);
      }),
      { numRuns: 200, seed: 42 },
    );
  });

  it("finds the same samples-needed as dpocheck's qMin at η = 0.05", () => {
    for (const K of [1, 2, 10, 100]) expect(mySamplesNeeded(K, 0.05)).toBe(qMin(K, 0.05, 'v5-main'));
  });

  it('would notice a wrong implementation (the check can fail)', () => {
    const wrong = (K, Q) => 2 * K * Q * Q * Math.exp(-Q / 44);
    expect(() =>
      fc.assert(
        fc.property(validConfigArb({ scale: 'small' }), (config) => {
          const theirs = generalizationBound(config.K, config.Q, 'v5-main').bound;
          return Math.abs(wrong(config.K, config.Q) - theirs) <= 1e-12 * theirs;
        }),
        { numRuns: 50, seed: 42 },
      ),
    ).toThrow();
  });
});

describe('dpocheck verify --claims-module ./my-claims.js', () => {
  it('runs our claims with dpocheck’s verdicts and writes its report', () => {
    const out = mkdtempSync(join(tmpdir(), 'downstream-'));
    const bin = join('node_modules', '.bin', 'dpocheck');
    const stdout = execFileSync(bin, ['verify', '--claims-module', './my-claims.js', '--runs', '100', '--seed', '1', '--out', out], { encoding: 'utf8' });
    expect(stdout).toMatch(/downstream-bound-agrees\s+held/);
    const results = JSON.parse(readFileSync(join(out, 'latest', 'results.json'), 'utf8'));
    expect(results.schemaVersion).toBe(1);
    expect(results.claims.map((c) => [c.id, c.verdict])).toEqual([
      ['downstream-samples-needed', 'held'],
      ['downstream-bound-agrees', 'held'],
    ]);
    expect(existsSync(join(out, 'latest', 'index.html'))).toBe(true);
    expect(readFileSync(join(out, 'latest', 'trials.jsonl'), 'utf8').trim().split('\n')).toHaveLength(200);
  });
});

describe('dpocheck installed from its tarball', () => {
  it("runs the paper's-numbers claims, whose tables ship with the package", () => {
    const out = mkdtempSync(join(tmpdir(), 'downstream-paper-'));
    const bin = join('node_modules', '.bin', 'dpocheck');
    const claims = 'bounds-paper-qmin-table,bounds-paper-first-below-one,bounds-paper-empirical-r2';
    execFileSync(bin, ['verify', '--claims', claims, '--runs', '1', '--seed', '1', '--out', out, '--no-charts'], { encoding: 'utf8' });
    const results = JSON.parse(readFileSync(join(out, 'latest', 'results.json'), 'utf8'));
    expect(results.claims.map((c) => c.verdict)).toEqual(['held', 'held', 'held']);
  });
});
