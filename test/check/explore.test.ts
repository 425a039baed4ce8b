/**
 * The explorer's library parts (issue 5): the work plan and its shards, the failure convention
 * and violation score, and the Done-when item "a counterexample found by targeted search is
 * smaller (shrunk) and replays with `dpocheck replay`".
 */
import { describe, expect, it } from 'vitest';
import { Command } from 'commander';
import fc from 'fast-check';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  conclusionCounterexample,
  conclusionFailed,
  expectedBreaks,
  exploreSettings,
  parseShard,
  planWorkItems,
  searchConclusionFailure,
  shardItems,
  violationScore,
} from '../../src/check/explore/index.ts';
import { loadCounterexample } from '../../src/check/counterexampleStore.ts';
import { registerReplay } from '../../src/cli/commands/replay.ts';
import { bufferIO } from '../../src/cli/io.ts';
import type { CommandContext } from '../../src/cli/main.ts';
import { describeBreak } from '../../src/data/breaking.ts';
import { thm42Sandwich } from '../../properties/thm42-sandwich.ts';

describe('work plan and shards', () => {
  const settings = exploreSettings({ seed: 1 });
  const items = planWorkItems(settings);

  it('has one frontier item per (departure, claim), unique keys', () => {
    expect(items.filter((i) => i.kind === 'frontier')).toHaveLength(settings.departures.length * settings.claims.length);
    expect(new Set(items.map((i) => i.key)).size).toBe(items.length);
  });

  it('splits the plan into disjoint shards that cover it, for any n', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), (n) => {
        const keys = Array.from({ length: n }, (_, i) => shardItems(items, { index: i + 1, count: n }).map((it) => it.key)).flat();
        return keys.length === items.length && new Set(keys).size === items.length;
      }),
    );
  });

  it('parses i/n and rejects anything else', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    for (const bad of ['0/2', '3/2', '1', 'a/b', '1/0', '-1/2']) expect(() => parseShard(bad)).toThrow(/shard/);
  });
});

describe('failure convention', () => {
  it('counts a failed conclusion on a vacuous trial as a failure', () => {
    expect(conclusionFailed({ violated: false, vacuous: true, detail: { conclusionHeld: false } })).toBe(true);
    expect(conclusionFailed({ violated: false, vacuous: true, detail: { conclusionHeld: true } })).toBe(false);
    expect(conclusionFailed({ violated: true })).toBe(true);
  });

  it('scores failures >= 0 and held trials < 0, even within tolerance', () => {
    expect(violationScore({ violated: false, slack: -0.3, detail: { conclusionHeld: false } })).toBeCloseTo(0.3);
    expect(violationScore({ violated: false, slack: 0.2, detail: { conclusionHeld: true } })).toBeCloseTo(-0.2);
    expect(violationScore({ violated: false, slack: -1e-13, withinTolerance: true, detail: { conclusionHeld: true } })).toBeLessThan(0);
  });

  it('expects nothing broken inside a condition or at a neutral value', () => {
    expect(expectedBreaks('noise', 1)).toEqual([]);
    expect(expectedBreaks('noise', 2)).toEqual(['noise']);
    expect(expectedBreaks('shared-high', 2)).toEqual(['shared-high', 'Z']);
    expect(expectedBreaks('label-noise', 0)).toEqual([]);
    expect(expectedBreaks('label-noise', 0.1)).toEqual(['label-noise']);
  });
});

describe('targeted search', () => {
  it('finds a conclusion failure under label noise, shrinks it, and the saved file replays', async () => {
    const genOptions = { scale: 'small', edition: 'v5-main' } as const;
    const result = await searchConclusionFailure({
      claim: thm42Sandwich,
      departure: 'label-noise',
      magnitude: 0.25,
      seed: 17,
      genOptions,
      population: 3,
      maxEvaluations: 4,
    });
    expect(result.failure).not.toBeNull();
    const f = result.failure!;
    expect(conclusionFailed(f.trial)).toBe(true);
    expect(f.trial.detail?.['conclusionHeld']).toBe(false);
    // Smaller: no dimension grew and the feature matrix shrank.
    expect(f.input.K).toBeLessThanOrEqual(f.original.K);
    expect(f.input.Q).toBeLessThanOrEqual(f.original.Q);
    expect(f.input.d).toBeLessThanOrEqual(f.original.d);
    expect(f.input.K * f.input.Q * f.input.d).toBeLessThan(f.original.K * f.original.Q * f.original.d);
    expect(f.shrinks).toBeGreaterThan(0);
    // Still breaks only the label-noise departure.
    expect(describeBreak(f.input).broken).toEqual(['label-noise']);

    const saved = conclusionCounterexample({
      claim: thm42Sandwich.id, departure: 'label-noise', input: f.input, trial: f.trial, seed: 17, shrinks: f.shrinks,
      broken: f.broken, original: f.original, edition: 'v5-main', scale: 'small', packageVersion: 'test',
    });
    const file = join(mkdtempSync(join(tmpdir(), 'dpocheck-cx-')), 'cx.json');
    writeFileSync(file, JSON.stringify(saved, null, 2));
    expect(loadCounterexample(file).expect).toBe('conclusion-fails'); // the theorem does not apply: not a violation

    const io = bufferIO();
    const ctx: CommandContext = { io, exitCode: 0 };
    const program = new Command().exitOverride();
    registerReplay(program, ctx);
    await program.parseAsync(['replay', file, '--json'], { from: 'user' });
    expect(ctx.exitCode).toBe(0);
    const replay = JSON.parse(io.stdout.join('')) as { identical: boolean; asExpected: boolean; detail: { conclusionHeld: boolean }; slack: number };
    expect(replay.identical).toBe(true);
    expect(replay.asExpected).toBe(true);
    expect(replay.detail.conclusionHeld).toBe(false);
    expect(replay.slack).toBe(saved.slack);
  }, 30_000);
});
