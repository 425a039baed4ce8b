/**
 * `dpocheck simulate` as a new user meets it: a missing or wrong --data file is reported first,
 * and the text output carries the TRL rewards/* metrics and no error estimate where there is no
 * integrator.
 */
import { describe, expect, it } from 'vitest';
import { tmpdir } from 'node:os';
import { main } from '../../src/cli/main.ts';
import { bufferIO } from '../../src/cli/io.ts';

async function run(argv: string[]) {
  const io = bufferIO();
  const code = await main(argv, io);
  return { code, stdout: io.stdout.join(''), stderr: io.stderr.join('') };
}

const CONFIG = ['--K', '1', '--Q', '3', '--d', '3', '--v', '0', '--lb', '0.3', '--workers', '0'];

describe('dpocheck simulate --data: the file first', () => {
  it('a missing file is named before --until tau1 asks for --K', async () => {
    const r = await run(['simulate', '--data', 'missing.npz', '--until', 'tau1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/missing\.npz: no such file/);
    expect(r.stderr).not.toMatch(/--K|needs K/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('a directory is called a directory, not an unknown extension', async () => {
    for (const extra of [['--t-end', '1'], ['--until', 'tau1']]) {
      const r = await run(['simulate', '--data', tmpdir(), ...extra]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/is a directory/);
      expect(r.stderr).not.toMatch(/extension/);
    }
  });
});

describe('dpocheck simulate text output', () => {
  it('prints the TRL rewards/* metrics the README promises', async () => {
    const r = await run(['simulate', ...CONFIG, '--until', 'tau1']);
    expect(r.code).toBe(0);
    for (const key of ['rewards/chosen', 'rewards/rejected', 'rewards/margins', 'rewards/accuracies']) expect(r.stdout).toContain(key);
    expect(r.stdout).toMatch(/error estimate \d/);
  });

  it('says n/a instead of an error estimate of 0 for gd and adam', async () => {
    for (const opt of ['gd', 'adam']) {
      const r = await run(['simulate', ...CONFIG, '--optimizer', opt, '--t-end', '3']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/error estimate n\/a/);
      expect(r.stdout).not.toMatch(/error estimate 0\b/);
    }
  });
});
