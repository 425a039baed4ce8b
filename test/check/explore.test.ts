/**
 * The explorer's library parts: the work plan and its shards, the failure convention
 * and violation score, and the Done-when item "a counterexample found by targeted search is
 * smaller (shrunk) and replays with `dpocheck replay`".
 */
import { describe, expect, it } from 'vitest';
import { Command } from 'commander';
import fc from 'fast-check';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  conclusionCounterexample,
  conclusionFailed,
  expectedBreaks,
  exploreSettings,
  findingsOf,
  parseShard,
  probeConfigs,
  runExploration,
  type ConfigClaim,
  type ExploreState,
  STATE_FORMAT,
  planWorkItems,
  searchConclusionFailure,
  shardItems,
  violationScore,
} from '../../src/check/explore/index.ts';
import { loadCounterexample } from '../../src/check/counterexampleStore.ts';
import { judgeConfigs } from '../../src/check/explore/judge.ts';
import { ERRORS_DIR } from '../../src/check/explore/errors.ts';
import { replayCounterexample } from '../../src/check/replay.ts';
import { findingsMarkdown, frontierText } from '../../src/report/exploreReport.ts';
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

describe('an exception inside a judged configuration', () => {
  /** thm42-sandwich's metadata with a check that throws on every configuration with an even sampling seed. */
  const throwing = {
    ...thm42Sandwich,
    id: 'thm42-sandwich',
    check: (config: { seed: number }, opts: Parameters<typeof thm42Sandwich.check>[1]) => {
      if (config.seed % 2 === 0) throw new Error(`boom on seed ${config.seed}`);
      return thm42Sandwich.check(config as Parameters<typeof thm42Sandwich.check>[0], opts);
    },
  } as unknown as ConfigClaim;

  it('is counted as a run and a failure and returned with its configuration, never dropped', async () => {
    const configs = probeConfigs('label-noise', 0.1, 6, 11, 'small');
    const evens = configs.filter((c) => c.seed % 2 === 0).length;
    expect(evens).toBeGreaterThan(0);
    const batch = await judgeConfigs(throwing, configs, { scale: 'small', edition: 'v5-main' }, (_c, t) => t);
    expect(batch.errors).toBe(evens);
    expect(batch.thrown.map((t) => t.config)).toEqual(configs.filter((c) => c.seed % 2 === 0));
    expect(batch.runs + batch.inconclusive).toBe(configs.length);
    expect(batch.failures).toBeGreaterThanOrEqual(evens);
    expect(batch.errorCases![0]!.message).toMatch(/^boom on seed/);
  });

  it('is counted by the targeted search too, never silently scored away', async () => {
    const search = await searchConclusionFailure({
      claim: throwing, departure: 'label-noise', magnitude: 0.1, seed: 11, genOptions: { scale: 'small', edition: 'v5-main' }, population: 6, maxEvaluations: 8,
    });
    const evens = probeConfigs('label-noise', 0.1, 6, 11, 'small').filter((c) => c.seed % 2 === 0).length;
    expect(search.errors).toBeGreaterThanOrEqual(evens);
    expect(search.firstError).toMatch(/^boom on seed/);
  }, 60_000);

  it('is reported in the findings and saved under errors/ where replay reproduces it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dpocheck-errors-'));
    const settings = exploreSettings({
      seed: 5, departures: ['label-noise'], claims: ['thm42-sandwich'], diagrams: [], targetEvaluations: 0, runsPerProbe: 5, batchRuns: 5, maxRunsPerItem: 10,
    });
    const run = await runExploration({ settings, claims: [throwing], dir });
    const f = findingsOf(run.state);
    expect(f.frontiers[0]!.errors).toBeGreaterThan(0);
    expect(f.frontiers[0]!.probes.reduce((a, p) => a + p.errors, 0)).toBe(f.frontiers[0]!.errors);
    const files = readdirSync(join(dir, ERRORS_DIR, 'thm42-sandwich'));
    expect(files.length).toBeGreaterThan(0);
    const saved = loadCounterexample(join(dir, ERRORS_DIR, 'thm42-sandwich', files[0]!));
    expect(saved.expect).toBe('throws');
    const replayed = await replayCounterexample(saved, throwing);
    expect(replayed).toMatchObject({ asExpected: true, identical: true });
    // A check that no longer throws on it does not reproduce it.
    expect((await replayCounterexample(saved, thm42Sandwich as unknown as ConfigClaim)).asExpected).toBe(false);
  }, 60_000);
});

describe('findings where the failure rate is not monotone', () => {
  it('say so with the contradicting probes instead of one interval', () => {
    const settings = exploreSettings({ seed: 1, departures: ['noise'], claims: ['thm42-sandwich'], diagrams: [], targetEvaluations: 0 });
    const probe = (m: number, failures: number, runs: number) => ({ m, failures, runs, batches: [] });
    const state: ExploreState = {
      format: STATE_FORMAT,
      settings,
      shard: { index: 1, count: 1 },
      packageVersion: '0',
      items: {
        'frontier/noise/thm42-sandwich': {
          kind: 'frontier', done: true, lo: 1, hi: 32, extensions: 0,
          // Fails every time at m = 8, never in 200 runs at m = 16: far beyond sampling error.
          probes: [probe(1, 0, 100), probe(8, 40, 40), probe(16, 0, 200)],
          result: { status: 'non-monotone', frontier: null, ci: null, stopReason: 'resolved', nonMonotone: true },
        },
      },
    };
    const f = findingsOf(state);
    const row = f.frontiers[0]!;
    expect(row.status).toBe('non-monotone');
    expect(row.ci).toBeNull();
    expect(row.contradictions).toHaveLength(1);
    expect(row.contradictions[0]!.lower.m).toBe(8);
    expect(row.contradictions[0]!.higher.m).toBe(16);
    const md = findingsMarkdown(f);
    expect(md).toContain('## Not monotone');
    expect(md).toMatch(/m = 16 fails 0 \[0, [\d.]+\] < m = 8 fails 1 \[/);
    expect(frontierText(row)).toMatch(/^not monotone: /);
  });
});
