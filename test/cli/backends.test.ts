/**
 * `dpocheck backends` in-process: reference, wasm and cpu available;
 * tfjs-node-gpu unavailable with the reason (it is never installed here); `auto` names what it
 * picks; the JSON shape. webgpu depends on the machine (a Vulkan driver), so only its shape is
 * checked here.
 */
import { Command } from 'commander';
import { beforeAll, describe, expect, it } from 'vitest';
import { bufferIO } from '../../src/cli/io.ts';
import type { CommandContext } from '../../src/cli/main.ts';
import { registerBackends } from '../../src/cli/commands/backends.ts';
import { WASM_INSTALLED } from '../sim/tensor/backendsUnderTest.ts';

/** Runs `dpocheck backends <args>` with the command registered as src/cli/main.ts does. */
async function backends(args: readonly string[]): Promise<{ code: number; stdout: string }> {
  const io = bufferIO();
  const ctx: CommandContext = { io, exitCode: 0 };
  const quiet = { writeOut: (s: string) => io.out(s), writeErr: (s: string) => io.err(s), outputError: () => undefined };
  const program = new Command().name('dpocheck').exitOverride().configureOutput(quiet);
  registerBackends(program, ctx);
  for (const cmd of program.commands) cmd.exitOverride().configureOutput(quiet);
  await program.parseAsync(['backends', ...args], { from: 'user' });
  return { code: ctx.exitCode, stdout: io.stdout.join('') };
}

type Row = { name: string; available: boolean; reason?: string; precision: string; resolves?: string };

describe('dpocheck backends', () => {
  let rows: Row[];
  let human: string;
  beforeAll(async () => {
    const json = await backends(['--json']);
    expect(json.code).toBe(0);
    rows = (JSON.parse(json.stdout) as { backends: Row[] }).backends;
    human = (await backends([])).stdout;
  });

  it('lists every backend once, in order, with the JSON shape', () => {
    expect(rows.map((r) => r.name)).toEqual(['reference', 'tfjs-node-gpu', 'webgpu', 'wasm', 'cpu', 'auto']);
    for (const r of rows) {
      expect(typeof r.available).toBe('boolean');
      expect(r.precision).toBe(r.name === 'reference' ? 'float64' : 'float32');
      // A reason exactly when unavailable.
      if (r.available) expect(r.reason).toBeUndefined();
      else expect(r.reason).toMatch(/\S/);
    }
  });

  it('reports reference, cpu and (when its optional package is installed) wasm as available', () => {
    for (const name of ['reference', 'cpu']) expect(rows.find((r) => r.name === name)?.available, name).toBe(true);
    const wasm = rows.find((r) => r.name === 'wasm')!;
    expect(wasm.available).toBe(WASM_INSTALLED);
    if (!WASM_INSTALLED) expect(wasm.reason).toMatch(/optional package @tensorflow\/tfjs-backend-wasm is not installed/);
  });

  it('reports tfjs-node-gpu as unavailable because it is not installed', () => {
    const row = rows.find((r) => r.name === 'tfjs-node-gpu')!;
    expect(row.available).toBe(false);
    expect(row.reason).toMatch(/not installed/);
  });

  it('says what auto picks: an available tensor backend, never the float64 reference', () => {
    const auto = rows.find((r) => r.name === 'auto')!;
    expect(auto.available).toBe(true);
    expect(rows.find((r) => r.name === auto.resolves)?.available).toBe(true);
    expect(['tfjs-node-gpu', 'webgpu', 'wasm', 'cpu']).toContain(auto.resolves);
  });

  it('prints the same facts as a table', () => {
    const lines = human.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^backend\s+available\s+precision\s+note$/);
    expect(lines).toHaveLength(2 + rows.length);
    expect(human).toMatch(/^tfjs-node-gpu\s+no\s+float32\s+.*not installed/m);
    expect(human).toMatch(WASM_INSTALLED ? /^wasm\s+yes\s+float32/m : /^wasm\s+no\s+float32\s+optional package/m);
    expect(human).toMatch(/^auto\s+yes\s+float32\s+picks /m);
  });
});
