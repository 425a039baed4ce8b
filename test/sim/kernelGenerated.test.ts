import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateKernel, KERNEL_GENERATED } from '../../scripts/gen-kernel.ts';

describe('generated kernel (scripts/gen-kernel.ts)', () => {
  it('is up to date with src/sim/kernelSource.ts (run `npm run gen:kernel` after editing the source)', () => {
    expect(readFileSync(KERNEL_GENERATED, 'utf8')).toBe(generateKernel());
  });

  it('emits one copy per storage with only the name and the features type changed', () => {
    const source = [
      '/**\n * doc\n * @perDtype\n */',
      'export function sumAll(features: Features, n: number): number {',
      '  let s = 0; for (let i = 0; i < n; i++) s += features[i]; return s; // Features in a comment stays',
      '}',
      'export function untouched(x: Features): void {}',
    ].join('\n');
    const out = generateKernel(source);
    expect(out).toContain('export function sumAllF64(features: Float64Array, n: number): number {');
    expect(out).toContain('export function sumAllF32(features: Float32Array, n: number): number {');
    expect(out.match(/Features in a comment stays/g)).toHaveLength(2);
    expect(out).not.toContain('untouched');
  });

  it('refuses a @perDtype function without a Features parameter, and a source without any', () => {
    expect(() => generateKernel('/** @perDtype */\nexport function f(x: number): void {}')).toThrow(/needs a parameter of type Features/);
    expect(() => generateKernel('export function f(x: number): void {}')).toThrow(/no @perDtype/);
  });
});
