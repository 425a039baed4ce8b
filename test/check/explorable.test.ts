import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CLAIMS } from '../../properties/index.ts';
import { EXPLORABLE_CLAIM_IDS, selectExploreClaims } from '../../src/cli/commands/explore.ts';
import { ClusterConfigSchema } from '../../src/data/config.ts';

describe('explorable claims (the `explorable` field of a claim)', () => {
  it('are exactly the claims marked explorable, and each draws ClusterConfig inputs', () => {
    const marked = CLAIMS.filter((c) => c.explorable === true);
    expect(marked.length).toBeGreaterThan(0);
    expect(EXPLORABLE_CLAIM_IDS).toEqual(marked.map((c) => c.id));
    for (const claim of marked) {
      const [input] = fc.sample(claim.arbitrary({ scale: 'small', edition: 'v5-main' }), { numRuns: 1, seed: 1 });
      expect(ClusterConfigSchema.safeParse(input).success).toBe(true);
    }
  });

  it('explore --claims accepts an explorable claim and refuses one that is not', () => {
    const other = CLAIMS.find((c) => c.explorable !== true)!;
    expect(selectExploreClaims(EXPLORABLE_CLAIM_IDS[0])).toEqual([EXPLORABLE_CLAIM_IDS[0]]);
    expect(() => selectExploreClaims(other.id)).toThrow(/cannot be explored/);
  });
});
