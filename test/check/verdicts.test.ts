/**
 * What a verdict means: "held" needs evidence (29 counted inputs, or an exact check of a finite
 * list, or a pooled test with power), coverage is judged by QuickCheck's sequential rule, a
 * budget never crashes a run and its unused time returns to unfinished claims, and every result
 * records the edition it actually checked.
 */
import { describe, expect, it } from 'vitest';
import * as fc from 'fast-check';
import { claimEdition, defineClaim, type Claim, type Trial } from '../../src/check/claim.ts';
import { HELD_MAX_UPPER, minCountedInputs, runClaim } from '../../src/check/runner.ts';
import { verifyClaims } from '../../src/check/verify.ts';
import { COVERAGE_Z, coverageStatus, wilsonInterval } from '../../src/check/coverage.ts';
import { CLAIMS } from '../../properties/index.ts';

const base = {
  section: 'test',
  edition: 'all' as const,
  expectation: 'holds' as const,
  generator: 'integers',
  measures: 'x',
  bound: 'none',
  runs: { small: 50, full: 50 },
};

/** A claim that never fails, optionally slow (ms per input) and optionally vacuous on odd x. */
function cleanClaim(id: string, opts: { delayMs?: number; runs?: number; check?: (x: number) => Trial } = {}): Claim<number> {
  return defineClaim<number>({
    ...base,
    id,
    title: id,
    runs: { small: opts.runs ?? 50, full: opts.runs ?? 50 },
    arbitrary: () => fc.integer({ min: 0, max: 1000 }),
    check: async (x) => {
      if (opts.delayMs !== undefined) await new Promise((r) => setTimeout(r, opts.delayMs));
      return opts.check?.(x) ?? { violated: false, slack: 1 };
    },
  });
}

describe('evidence before "held"', () => {
  it('needs 29 clean counted inputs: 28 are inconclusive, with the count and the bound', async () => {
    expect(minCountedInputs()).toBe(29);
    const few = await runClaim(cleanClaim('few'), { seed: 1, runs: 28, scale: 'small' });
    expect(few.verdict).toBe('inconclusive');
    expect(few.reason).toMatch(/too little evidence: no violation in 28 counted inputs/);
    expect(few.upperConfidence).toBeNull();
    const enough = await runClaim(cleanClaim('enough'), { seed: 1, runs: 29, scale: 'small' });
    expect(enough.verdict).toBe('held');
    expect(enough.heldBy).toBe('sampling');
    expect(enough.upperConfidence!).toBeLessThanOrEqual(HELD_MAX_UPPER);
  });

  it('does not count vacuous inputs towards the 29', async () => {
    const claim = cleanClaim('half', { check: (x) => ({ violated: false, vacuous: x % 2 === 1, slack: 1 }) });
    const r = await runClaim(claim, { seed: 3, runs: 40, scale: 'small' });
    expect(r.effectiveRuns).toBeLessThan(29);
    expect(r.verdict).toBe('inconclusive');
  });

  it('calls an exact check of a finite list held by exhaustion', async () => {
    const table = defineClaim<null>({
      ...base, id: 'table', title: 'table', exhaustive: true, runs: { small: 1, full: 1 },
      arbitrary: () => fc.constant(null), check: () => ({ violated: false }),
    });
    const r = await runClaim(table, { seed: 1, runs: 1, scale: 'small' });
    expect(r.verdict).toBe('held');
    expect(r.heldBy).toBe('exhaustion');
    expect(r.reason).toMatch(/held by exhaustion/);
    const paper = CLAIMS.filter((c) => c.id.startsWith('bounds-paper-'));
    expect(paper.length).toBeGreaterThan(0);
    for (const c of paper) expect(c.exhaustive).toBe(true);
  });

  it('reports where the counted evidence comes from (counted inputs only)', async () => {
    const claim = cleanClaim('ranges', { check: (x) => ({ violated: false, vacuous: x < 500, slack: 1, detail: { K: x < 500 ? 99 : 1 + (x % 3), Q: x } }) });
    const r = await runClaim(claim, { seed: 5, runs: 80, scale: 'small' });
    expect(r.evidence['K']!.max).toBeLessThanOrEqual(3);
    expect(r.evidence['Q']!.min).toBeGreaterThanOrEqual(500);
    expect(r.spread['K']!.max).toBe(99);
  });
});

describe("QuickCheck's checkCoverage rule", () => {
  it('uses the Wilson interval at error 1e-9 (QuickCheck stdConfidence)', () => {
    // scipy: norm.isf(0.5e-9)
    expect(COVERAGE_Z).toBeCloseTo(6.1094102048693975, 12);
    const [lo, hi] = wilsonInterval(50, 100, 1.959963984540054);
    expect(lo).toBeCloseTo(0.40383, 4);
    expect(hi).toBeCloseTo(0.59617, 4);
  });

  it('is sequential: undecided with few inputs, satisfied or violated with many', () => {
    expect(coverageStatus(3, 12, 0.05)).toBe('undecided');
    expect(coverageStatus(300, 1200, 0.05)).toBe('satisfied');
    expect(coverageStatus(0, 2000, 0.05)).toBe('violated');
    // Exactly at the requirement is never "violated" (only its upper end below it is).
    expect(coverageStatus(60, 1200, 0.05)).not.toBe('violated');
  });

  it('draws more inputs while a requirement is undecided, and stops once it is satisfied', async () => {
    const claim = defineClaim<number>({
      ...cleanClaim('cov'),
      coverage: { low: 0.1 },
      check: (x) => ({ violated: false, slack: 1, labels: x < 500 ? ['low'] : [] }),
    });
    const r = await runClaim(claim, { seed: 7, runs: 10, scale: 'small' });
    expect(r.runs).toBeGreaterThan(10);
    expect(r.runs).toBeLessThan(40);
    expect(r.coverage.find((c) => c.label === 'low')!.status).toBe('satisfied');
    // The same run with no extra inputs leaves it undecided: inconclusive, and says so.
    const exact = await runClaim(claim, { seed: 7, runs: 10, maxRuns: 10, scale: 'small' });
    expect(exact.verdict).toBe('inconclusive');
    expect(exact.reason).toMatch(/coverage still undecided/);
  });
});

describe('budget', () => {
  it('never crashes: claims reached after the budget are inconclusive, the others kept', async () => {
    // Each input takes longer than a claim's share: the budget is spent before the last claims.
    const claims = ['slow', 'next1', 'next2', 'next3'].map((id) => cleanClaim(id, { delayMs: 100, runs: 500 }));
    const run = await verifyClaims(claims, { seed: 1, edition: 'v5-main', scale: 'small', budgetMs: 150 });
    expect(run.results.map((r) => r.id)).toEqual(['slow', 'next1', 'next2', 'next3']);
    expect(run.results[0]!.runs).toBeGreaterThan(0);
    expect(run.results[0]!.interrupted).toBe(true);
    const late = run.results.filter((r) => r.reason === 'budget spent before it ran');
    expect(late.length).toBeGreaterThan(0);
    for (const r of late) expect(r.verdict).toBe('inconclusive');
    expect(run.budgetSpent).toBe(true);
  });

  it('does not start a claim with no time left', async () => {
    const r = await runClaim(cleanClaim('none'), { seed: 1, runs: 50, scale: 'small', timeLimitMs: 0 });
    expect(r.verdict).toBe('inconclusive');
    expect(r.reason).toBe('budget spent before it ran');
    expect(r.runs).toBe(0);
  });

  it('gives the time quick claims leave to a claim the budget stopped, which then completes', async () => {
    const quick = Array.from({ length: 19 }, (_, i) => cleanClaim(`quick${i}`, { runs: 5 }));
    const claims = [cleanClaim('slow', { delayMs: 20, runs: 20 }), ...quick];
    const run = await verifyClaims(claims, { seed: 2, edition: 'v5-main', scale: 'small', budgetMs: 3000 });
    const slow = run.results[0]!;
    // Its first share (3/20 of the budget) is too short for 20 inputs of 20 ms; the second pass finishes it.
    expect(slow.complete).toBe(true);
    expect(slow.runs).toBe(20);
    expect(run.budgetSpent).toBe(false);
  });

  it('resumes a stopped claim with the inputs it had already judged (same result as one go)', async () => {
    const claim = cleanClaim('resumable', { runs: 40, check: (x) => ({ violated: false, slack: x / 1000 }) });
    const whole = await runClaim(claim, { seed: 9, runs: 40, scale: 'small' });
    const part = await runClaim(claim, { seed: 9, runs: 40, scale: 'small', signal: AbortSignal.abort() });
    expect(part.runs).toBe(0);
    const rest = await runClaim(claim, { seed: 9, runs: 40, scale: 'small', resume: whole.trials.slice(0, 15) });
    expect(rest.trials.map((t) => t.slack)).toEqual(whole.trials.map((t) => t.slack));
  });
});

describe('claim-level summary (pooled tests)', () => {
  it('decides held, inconclusive or violated from the pooled statistic', async () => {
    const make = (summary: { violated: boolean; sufficient: boolean }) =>
      defineClaim<number>({ ...cleanClaim('pooled'), summarise: () => ({ ...summary, reason: 'pooled', fields: { detectableRate: 2 } }) });
    expect((await runClaim(make({ violated: false, sufficient: true }), { seed: 1, runs: 5, scale: 'small' })).verdict).toBe('held');
    expect((await runClaim(make({ violated: false, sufficient: false }), { seed: 1, runs: 5, scale: 'small' })).verdict).toBe('inconclusive');
    const v = await runClaim(make({ violated: true, sufficient: false }), { seed: 1, runs: 5, scale: 'small' });
    expect(v.verdict).toBe('violated');
    expect(v.summary).toEqual({ detectableRate: 2 });
  });
});

describe('editions', () => {
  it('runs a claim in the requested edition, a pinned one in its own, and skips one with no form', async () => {
    expect(claimEdition({ edition: 'all' }, 'v3')).toEqual({ edition: 'v3', pinned: false });
    expect(claimEdition({ edition: 'v5-main', editions: ['v5-main', 'v3'] }, 'v3')).toEqual({ edition: 'v3', pinned: false });
    expect(claimEdition({ edition: 'v5-appendix', pinned: true }, 'v3')).toEqual({ edition: 'v5-appendix', pinned: true });
    expect(claimEdition({ edition: 'v5-main' }, 'v3')).toBeNull();

    const seen: string[] = [];
    const mk = (id: string, extra: Partial<Claim<number>>) =>
      defineClaim<number>({ ...cleanClaim(id, { runs: 30 }), ...extra, check: (_x, opts) => { seen.push(`${id}:${opts.edition}`); return { violated: false, slack: 1 }; } });
    const run = await verifyClaims(
      [mk('any', {}), mk('forms', { edition: 'v5-main', editions: ['v5-main', 'v3'] }), mk('pinned', { edition: 'v5-appendix', pinned: true }), mk('main-only', { edition: 'v5-main' })],
      { seed: 1, edition: 'v3', scale: 'small' },
    );
    const byId = Object.fromEntries(run.results.map((r) => [r.id, r]));
    expect(byId['any']!.checkedEdition).toBe('v3');
    expect(byId['forms']!.checkedEdition).toBe('v3');
    expect(byId['pinned']!.checkedEdition).toBe('v5-appendix');
    expect(byId['pinned']!.editionNote).toMatch(/pinned to v5-appendix/);
    expect(byId['main-only']!.verdict).toBe('skipped');
    expect(byId['main-only']!.reason).toMatch(/^skipped \(edition\)/);
    expect(seen.some((s) => s.startsWith('main-only'))).toBe(false);
    expect(seen.filter((s) => s.startsWith('pinned')).every((s) => s === 'pinned:v5-appendix')).toBe(true);
    expect(run.failed).toBe(false);
  });

  it('gives every Theorem 4.2/4.3 claim a form in every edition, and pins the appendix-only ones', () => {
    for (const id of ['thm42-sandwich', 'thm42-window', 'thm42-monotone', 'thm42-probability', 'thm43-generalization']) {
      expect(CLAIMS.find((c) => c.id === id)!.editions).toEqual(['v5-main', 'v5-appendix', 'v3']);
    }
    for (const id of ['lemmaB1-probability', 'appendixC-sandwich']) {
      const c = CLAIMS.find((x) => x.id === id)!;
      expect(c.pinned).toBe(true);
      expect(c.edition).toBe('v5-appendix');
    }
  });
});
