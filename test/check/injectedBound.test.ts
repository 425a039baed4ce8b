/**
 * Acceptance: a deliberately wrong bound (the lower slope of Theorem 4.2 made 10×
 * larger) must make the suite fail with a shrunk, replayable counterexample. The wrong bound is
 * injected into the certificate claim (whose implication is deterministic, so it is exercised on
 * every input whose certificate holds); the library itself is not edited.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeCertificateClaim } from '../../properties/certificate-implies-sandwich.ts';
import { claimSeed, runClaim } from '../../src/check/runner.ts';
import { loadCounterexample, saveCounterexample } from '../../src/check/counterexampleStore.ts';
import { replayCounterexample } from '../../src/check/replay.ts';
import { trainingMarginSandwich } from '../../src/theory/index.ts';
import type { ClusterConfig } from '../../src/data/config.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'dpocheck-injected-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const tenfoldLower = makeCertificateClaim((K, beta, tau) => {
  const s = trainingMarginSandwich(K, beta, tau);
  return { ...s, lowerSlope: 10 * s.lowerSlope };
});

describe('a wrong bound is caught', () => {
  it('is reported violated with a shrunk counterexample that replays exactly', async () => {
    const claim = tenfoldLower;
    const result = await runClaim(claim, { seed: claimSeed(7, claim.id), runs: claim.runs.small, scale: 'small' });
    expect(result.verdict).toBe('violated');
    const cx = result.counterexample!;
    expect(cx.trial.violated).toBe(true);
    expect(cx.trial.slack!).toBeLessThan(0);

    // Shrunk: no larger than the first failing input in K, Q and d, and the generator's minimum in K.
    const first = cx.original as ClusterConfig;
    const shrunk = cx.input as ClusterConfig;
    expect(shrunk.K).toBeLessThanOrEqual(first.K);
    expect(shrunk.Q).toBeLessThanOrEqual(first.Q);
    expect(shrunk.d).toBeLessThanOrEqual(first.d);
    expect(shrunk.K * shrunk.Q * shrunk.d).toBeLessThan(first.K * first.Q * first.d + 1);
    expect(shrunk.K).toBe(1);

    // Saved, read back and replayed: the same numbers, bit for bit.
    const file = saveCounterexample(tmp, cx, { edition: 'v5-main', scale: 'small', packageVersion: 'test' });
    const saved = loadCounterexample(file);
    expect(saved.claim).toBe('certificate-implies-sandwich');
    expect(saved.slack).toBe(cx.trial.slack);
    const replay = await replayCounterexample(saved, claim);
    expect(replay.identical).toBe(true);
    expect(replay.asExpected).toBe(true);
  });

  it('the true bound passes on the same seed', async () => {
    const claim = makeCertificateClaim();
    const result = await runClaim(claim, { seed: claimSeed(7, claim.id), runs: claim.runs.small, scale: 'small' });
    expect(result.verdict).toBe('held');
  });
});
