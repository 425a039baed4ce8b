import { describe, expect, it } from 'vitest';
import { fnv1a32, fnv1a64Hex } from '../../src/data/hash.ts';
import { deriveSeed } from '../../src/data/rng.ts';
import seedrandom from 'seedrandom';

describe('the one hash and the one seed derivation', () => {
  it('fnv1a32 is FNV-1a (published test vectors)', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
  });

  it('fnv1a64Hex is 16 hex digits whose first lane is fnv1a32 and which differ for different texts', () => {
    const h = fnv1a64Hex('{"K":1}');
    expect(h).toMatch(/^[0-9a-f]{16}$/);
    expect(h.slice(0, 8)).toBe(fnv1a32('{"K":1}').toString(16).padStart(8, '0'));
    expect(h.slice(8)).not.toBe(h.slice(0, 8));
    expect(fnv1a64Hex('{"K":2}')).not.toBe(h);
  });

  it('deriveSeed is seedrandom(key).int32() as unsigned, and differs between keys', () => {
    expect(deriveSeed('explore/1/frontier/noise')).toBe(seedrandom('explore/1/frontier/noise').int32() >>> 0);
    expect(deriveSeed('a')).not.toBe(deriveSeed('b'));
    expect(Number.isInteger(deriveSeed('x')) && deriveSeed('x') >= 0 && deriveSeed('x') < 2 ** 32).toBe(true);
  });
});
