import { describe, expect, it } from 'vitest';
import { ClusterConfigSchema } from '../../src/data/config.ts';
import { brokenAssumptions, theorem42Vacuous } from '../../properties/_internals/inputs.ts';

const base = { K: 2, Q: 50, d: 10, v: 0.001, lb: 0.5 };
const cfg = (extra: object) => ClusterConfigSchema.parse({ ...base, ...extra });

describe('which theorem applies to a configuration', () => {
  it('a configuration meeting every condition breaks nothing', () => {
    expect(brokenAssumptions(cfg({}), 'theorem42')).toEqual([]);
    expect(brokenAssumptions(cfg({}), 'theorem43')).toEqual([]);
  });

  it('Q < 40 matters for Theorem 4.3 only', () => {
    expect(brokenAssumptions(cfg({ Q: 10 }), 'theorem42')).toEqual([]);
    expect(brokenAssumptions(cfg({ Q: 10 }), 'theorem43')).toEqual(['size']);
  });

  it('departures from the data model make the theorems inapplicable', () => {
    expect(brokenAssumptions(cfg({ departures: { labelNoise: 0.05 } }), 'theorem42')).toEqual(['label-noise']);
    expect(brokenAssumptions(cfg({ v: 0.01 }), 'theorem42')).toEqual(['noise']);
    expect(brokenAssumptions(cfg({ departures: { refLogOdds: 3 } }), 'theorem42')).toEqual([]);
  });

  it('approximately orthogonal concepts are inside Appendix C but not Theorem 4.2', () => {
    const c = cfg({ concepts: { kind: 'approx', delta: 1e-4 } });
    expect(brokenAssumptions(c, 'theorem42')).toEqual(['ortho-exact']);
    expect(brokenAssumptions(c, 'appendixC')).toEqual([]);
  });

  it('a broken assumption makes the statement vacuous even where the probability is positive', () => {
    const Q = 150_000;
    const ok = cfg({ K: 1, Q, d: 2, v: 1 / (32 * Math.sqrt(Q)) });
    expect(theorem42Vacuous(ok).vacuous).toBe(false);
    const broken = cfg({ K: 1, Q, d: 2, v: 1 / (32 * Math.sqrt(Q)), departures: { labelNoise: 0.01 } });
    expect(theorem42Vacuous(broken)).toMatchObject({ vacuous: true, broken: ['label-noise'] });
  });
});
