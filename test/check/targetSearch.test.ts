import { describe, expect, it } from 'vitest';
import { targetSearch, type Rng } from '../../src/check/targetSearch.ts';
import { InvalidInputError } from '../../src/theory/errors.ts';

type Point = readonly [number, number];

/** A concave quadratic with its maximum 0 at (3, -1). */
const quadratic = ([x, y]: Point): number => -((x - 3) ** 2 + (y + 1) ** 2);
/** Uniform steps of up to ±0.25 per coordinate. */
const step = ([x, y]: Point, rng: Rng): Point => [x + (rng() - 0.5) * 0.5, y + (rng() - 0.5) * 0.5];

/**
 * A designed 1-D landscape on 0..10 with a local maximum at x = 2 (score 2), a valley at 3-4
 * and the global maximum at x = 10 (score 7). Moves are ±1: a hill climber from 0 stops at 2.
 */
const LANDSCAPE = [0, 1, 2, 0.5, 0.5, 1, 3, 4, 5, 6, 7];
const landscape = (x: number): number => LANDSCAPE[x];
const walk = (x: number, rng: Rng): number => Math.min(10, Math.max(0, x + (rng() < 0.5 ? -1 : 1)));

describe('targetSearch', () => {
  it('climbs to the maximum of a 2-D quadratic', async () => {
    const result = await targetSearch({
      seedPopulation: [[0, 0] as Point, [-2, 4] as Point],
      mutate: step,
      score: quadratic,
      seed: 1,
      maxEvaluations: 400,
    });
    const [x, y] = result.best;
    expect(Math.hypot(x - 3, y + 1)).toBeLessThan(0.1);
    expect(result.bestScore).toBeGreaterThan(-0.01);
    expect(result.bestScore).toBe(quadratic(result.best));
    expect(result.evaluations).toBe(400);
    expect(result.stopReason).toBe('budget');
    expect(result.violated).toBe(result.bestScore >= 0);
    // The best-so-far trace never decreases, and the seeds were scored first.
    for (let i = 1; i < result.history.length; i++) {
      expect(result.history[i].bestScore).toBeGreaterThanOrEqual(result.history[i - 1].bestScore);
    }
    expect(result.history.slice(0, 2).map((e) => e.origin)).toEqual(['seed', 'seed']);
    expect(result.history[result.bestIndex].score).toBe(result.bestScore);
  });

  it('hill climbing is stuck at the local optimum of the designed landscape', async () => {
    for (const seed of [1, 2, 3]) {
      const result = await targetSearch({ seedPopulation: [0], mutate: walk, score: landscape, seed, maxEvaluations: 300 });
      expect(result.best).toBe(2);
      expect(result.bestScore).toBe(2);
      expect(result.restarts).toBeGreaterThan(0);
    }
  });

  it('annealing escapes the local optimum and finds the global one', async () => {
    for (const seed of [1, 2, 3]) {
      const result = await targetSearch({
        seedPopulation: [0],
        mutate: walk,
        score: landscape,
        seed,
        maxEvaluations: 300,
        initialTemperature: 2,
      });
      expect(result.best).toBe(10);
      expect(result.bestScore).toBe(7);
      // Annealing accepted at least one loss on the way.
      expect(result.history.some((e, i) => i > 0 && e.accepted && e.score < result.history[i - 1].score)).toBe(true);
      const temperatures = result.history.filter((e) => e.origin === 'mutation').map((e) => e.temperature);
      expect(temperatures[0]).toBeCloseTo(2, 12);
      expect(temperatures[temperatures.length - 1]).toBeCloseTo(0.02, 12);
    }
  });

  it('is deterministic in the seed', async () => {
    const run = (seed: number) =>
      targetSearch({ seedPopulation: [[0, 0] as Point], mutate: step, score: quadratic, seed, maxEvaluations: 50, initialTemperature: 1 });
    const a = await run(9);
    expect(await run(9)).toEqual(a);
    expect((await run(10)).history).not.toEqual(a.history);
  });

  it('stops when the target score is reached (a violation) or when asked', async () => {
    const violated = await targetSearch({
      seedPopulation: [[0, 0] as Point],
      mutate: step,
      score: (p: Point) => quadratic(p) + 0.5, // >= 0 within distance 0.71 of (3, -1)
      seed: 4,
      maxEvaluations: 1000,
      stopAtScore: 0,
    });
    expect(violated.stopReason).toBe('target-reached');
    expect(violated.violated).toBe(true);
    expect(violated.evaluations).toBeLessThan(1000);
    expect(violated.history[violated.history.length - 1].score).toBeGreaterThanOrEqual(0);

    let calls = 0;
    const stopped = await targetSearch({
      seedPopulation: [[0, 0] as Point],
      mutate: step,
      score: async (p: Point) => {
        calls++;
        return quadratic(p);
      },
      seed: 4,
      maxEvaluations: 1000,
      shouldStop: () => calls >= 10,
    });
    expect(stopped).toMatchObject({ stopReason: 'stopped', evaluations: 10 });
  });

  it('treats NaN scores as worst and respects a budget below the population size', async () => {
    const result = await targetSearch({
      seedPopulation: [1, 2, 3, 4],
      mutate: (x) => x,
      score: (x: number) => (x === 1 ? Number.NaN : x),
      seed: 1,
      maxEvaluations: 3,
    });
    expect(result.evaluations).toBe(3);
    expect(result.best).toBe(3);
    expect(result.history[0].score).toBe(Number.NEGATIVE_INFINITY);
  });

  it('rejects invalid options naming the field', async () => {
    const base = { mutate: walk, score: landscape, seed: 1, maxEvaluations: 10 };
    await expect(targetSearch({ ...base, seedPopulation: [] })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(targetSearch({ ...base, seedPopulation: [] })).rejects.toMatchObject({ field: 'seedPopulation' });
    await expect(targetSearch({ ...base, seedPopulation: [0], maxEvaluations: 0 })).rejects.toMatchObject({
      field: 'maxEvaluations',
    });
    await expect(
      targetSearch({ ...base, seedPopulation: [0], initialTemperature: 1, finalTemperature: 2 }),
    ).rejects.toMatchObject({ field: 'finalTemperature' });
  });
});
