import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileKernel, generateKernel, KERNEL_GENERATED } from '../../scripts/gen-kernel.ts';
import { kernelModule } from '../../src/sim/kernel.ts';

describe('generated kernel (scripts/gen-kernel.ts)', () => {
  it('is up to date with src/sim/assembly/kernel.ts (run `npm run gen:kernel` after editing the source)', async () => {
    expect(readFileSync(KERNEL_GENERATED, 'utf8')).toBe(await generateKernel());
  }, 60_000);

  it('holds a module that imports only the shared memory and exp, and exports both storages of every loop', () => {
    const m = kernelModule() as unknown as WebAssemblyModuleLike;
    const W = (globalThis as unknown as { WebAssembly: { Module: { imports(m: unknown): { module: string; name: string; kind: string }[]; exports(m: unknown): { name: string }[] } } }).WebAssembly;
    expect(W.Module.imports(m).map((i) => `${i.module}.${i.name}:${i.kind}`).sort()).toEqual(['env.exp:function', 'env.memory:memory']);
    const names = W.Module.exports(m).map((e) => e.name);
    for (const loop of ['evaluateBlock', 'marginsBlock', 'streamSum']) {
      expect(names).toContain(`${loop}F64`);
      expect(names).toContain(`${loop}F32`);
    }
  });

  it('reports the compiler\'s error for a source that does not compile', async () => {
    await expect(compileKernel('export function f(x: i32): i32 { return y; }')).rejects.toThrow(/asc failed[\s\S]*y/);
  }, 60_000);
});

type WebAssemblyModuleLike = object;
