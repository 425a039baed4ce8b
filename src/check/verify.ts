/**
 * Runs a set of claims one after another with a shared seed and budget, and collects the results the report is written from (issue 4, "The report").
 */
import type { Claim, GenOptions } from './claim.ts';
import { claimSeed, runClaim, type ClaimResult } from './runner.ts';
import type { Edition } from '../theory/edition.ts';

/**
 * How many fair shares of the remaining budget one claim may use. Ours: most claims finish far
 * inside their share; a cap of 3 lets the simulation-heavy ones use what the quick ones left while
 * every later claim keeps at least a third of its share.
 */
export const CLAIM_SHARE_CAP = 3;

export interface VerifyOptions {
  readonly seed: number;
  readonly edition: Edition;
  readonly scale: GenOptions['scale'];
  /** Inputs per claim; when undefined each claim's own default for the scale is used. */
  readonly runsPerClaim?: number;
  /** Wall-clock budget for all claims together, in ms (shared equally between claims). */
  readonly budgetMs?: number;
  readonly onClaimStart?: (claim: Claim<any>, index: number, total: number, runs: number) => void;
  readonly onTrial?: (done: number) => void;
  readonly onClaimEnd?: (result: ClaimResult, index: number, total: number) => void;
}

export interface VerifyRun {
  readonly seed: number;
  readonly edition: Edition;
  readonly scale: GenOptions['scale'];
  readonly runsPerClaim: number | null;
  readonly budgetMs: number | null;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly results: ReadonlyArray<ClaimResult>;
  /** True when a claim that should hold was violated: the process exits 1. */
  readonly failed: boolean;
}

/** Runs the claims (it saves and writes nothing: the caller decides where results go). */
export async function verifyClaims(claims: ReadonlyArray<Claim<any>>, options: VerifyOptions): Promise<VerifyRun> {
  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  const results: ClaimResult[] = [];
  const deadline = options.budgetMs === undefined ? undefined : t0 + options.budgetMs;
  for (const [index, claim] of claims.entries()) {
    const runs = options.runsPerClaim ?? claim.runs[options.scale];
    options.onClaimStart?.(claim, index, claims.length, runs);
    // Budget mode: a claim may use up to CLAIM_SHARE_CAP fair shares of the remaining time, so
    // time that quick claims leave unused goes to the slow ones.
    const timeLimitMs =
      deadline === undefined
        ? undefined
        : Math.max(1, (deadline - performance.now()) * Math.min(1, CLAIM_SHARE_CAP / (claims.length - index)));
    const result = await runClaim(claim, {
      seed: claimSeed(options.seed, claim.seedGroup ?? claim.id),
      runs,
      scale: options.scale,
      edition: options.edition,
      ...(timeLimitMs !== undefined ? { timeLimitMs } : {}),
      ...(options.onTrial !== undefined ? { onTrial: options.onTrial } : {}),
    });
    results.push(result);
    options.onClaimEnd?.(result, index, claims.length);
  }
  return {
    seed: options.seed,
    edition: options.edition,
    scale: options.scale,
    runsPerClaim: options.runsPerClaim ?? null,
    budgetMs: options.budgetMs ?? null,
    startedAt,
    durationMs: performance.now() - t0,
    results,
    failed: results.some((r) => r.expectation === 'holds' && r.verdict === 'violated'),
  };
}
