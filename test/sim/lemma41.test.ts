import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lemma41MarginOde } from '../../properties/lemma41-margin-ode.ts';
import { lemma41Normaliser } from '../../properties/lemma41-normaliser.ts';

const opts = { scale: 'small', edition: 'v5-main' } as const;

describe('Lemma 4.1 claims hold on their generators', () => {
  for (const claim of [lemma41Normaliser, lemma41MarginOde]) {
    it(claim.id, async () => {
      await fc.assert(fc.asyncProperty(claim.arbitrary(opts), async (x) => !(await claim.check(x as never, opts)).violated), { seed: 41, numRuns: claim.runs.small });
    });
  }


  it('the margin-ODE tolerance is a few ulps of the terms, so a wrong kernel would be caught', async () => {
    const xs = fc.sample(lemma41MarginOde.arbitrary(opts), { seed: 7, numRuns: 30 });
    for (const x of xs) {
      const t = await lemma41MarginOde.check(x, opts);
      expect(t.violated).toBe(false);
      expect(t.bound!).toBeLessThan(1e-11 * (1 + (x.beta * x.beta) / x.tau) * 100);
    }
  });
});
