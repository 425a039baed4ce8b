/**
 * Runs a set of claims one after another with a shared seed and budget, and collects the results
 * the report is written from.
 *
 * Budget: each claim in turn may use its fair share of the time left (CLAIM_SHARE_CAP). A claim
 * the budget stopped before its full runs is continued afterwards (the same seed gives the same
 * inputs; the trials already judged are kept), so time the quick claims leave returns to the
 * unfinished ones. The run ends when every claim has its full runs or the budget is spent.
 * Budget-limited runs are therefore not bit-repeatable (how far a claim gets depends on the
 * machine); `--runs` without `--budget` is.
 */
import { claimEdition, type Claim, type GenOptions } from './claim.ts';
import { claimSeed, runClaim, skippedResult, type ClaimResult } from './runner.ts';
import type { Edition } from '../theory/edition.ts';

/**
 * How many fair shares of the remaining budget one claim may use in the first pass. Ours: 1, so
 * every claim gets started with its fair share however slow the ones before it are; the time the
 * quick claims leave goes to the slow ones in the later passes (a measured 4-minute run on a
 * loaded machine with a cap of 3 never reached the last three claims).
 */
export const CLAIM_SHARE_CAP = 1;

/**
 * Time left below which no claim is continued. Ours: one input of the slowest claims takes a few
 * seconds; continuing with less would only start an input the budget then cuts.
 */
export const MIN_CONTINUE_MS = 1000;

export interface VerifyOptions {
  readonly seed: number;
  readonly edition: Edition;
  readonly scale: GenOptions['scale'];
  /** Inputs per claim; when undefined each claim's own default for the scale is used. */
  readonly runsPerClaim?: number;
  /** Wall-clock budget for all claims together, in ms. */
  readonly budgetMs?: number;
  /** Aborted (Ctrl-C): stop after the input in flight; the results so far are returned. */
  readonly signal?: AbortSignal;
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
  /** The ids asked for with --claims (null: all claims). */
  readonly claimIds: readonly string[] | null;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly results: ReadonlyArray<ClaimResult>;
  /** True when a claim that should hold was violated: the process exits 1. */
  readonly failed: boolean;
  /** Stopped by Ctrl-C: the results are partial. */
  readonly interrupted: boolean;
  /** Some claim did not get its full runs because the budget was spent. */
  readonly budgetSpent: boolean;
}

/** Runs the claims (it saves and writes nothing: the caller decides where results go). */
export async function verifyClaims(
  claims: ReadonlyArray<Claim<any>>,
  options: VerifyOptions & { readonly claimIds?: readonly string[] | null },
): Promise<VerifyRun> {
  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  const deadline = options.budgetMs === undefined ? undefined : t0 + options.budgetMs;
  const results: ClaimResult[] = [];
  const aborted = (): boolean => options.signal?.aborted === true;

  const runOne = async (claim: Claim<any>, index: number, timeLimitMs: number | undefined, resume?: ClaimResult): Promise<ClaimResult> => {
    const chosen = claimEdition(claim, options.edition)!;
    const runs = options.runsPerClaim ?? claim.runs[options.scale];
    options.onClaimStart?.(claim, index, claims.length, runs);
    const result = await runClaim(claim, {
      seed: claimSeed(options.seed, claim.seedGroup ?? claim.id),
      runs,
      scale: options.scale,
      edition: chosen.edition,
      ...(chosen.pinned ? { editionNote: `pinned to ${chosen.edition} (requested ${options.edition})` } : {}),
      ...(timeLimitMs !== undefined ? { timeLimitMs } : {}),
      ...(options.signal !== undefined ? { signal: options.signal } : {}),
      ...(resume !== undefined ? { resume: resume.trials } : {}),
      ...(options.onTrial !== undefined ? { onTrial: options.onTrial } : {}),
    });
    options.onClaimEnd?.(result, index, claims.length);
    return result;
  };

  // First pass: every claim once, each with its share of the time left.
  const runnable = claims.map((c) => claimEdition(c, options.edition) !== null);
  const remainingRunnable = (from: number) => runnable.slice(from).filter(Boolean).length;
  for (const [index, claim] of claims.entries()) {
    if (!runnable[index]) {
      const r = skippedResult(claim, options.edition, claimSeed(options.seed, claim.seedGroup ?? claim.id));
      results.push(r);
      options.onClaimEnd?.(r, index, claims.length);
      continue;
    }
    const timeLimitMs =
      aborted() ? 0
      : deadline === undefined ? undefined
      : Math.max(0, (deadline - performance.now()) * Math.min(1, CLAIM_SHARE_CAP / remainingRunnable(index)));
    results.push(await runOne(claim, index, timeLimitMs));
  }

  // Later passes: time left by finished claims goes to the ones the budget stopped.
  if (deadline !== undefined) {
    for (;;) {
      const unfinished = results.map((r, i) => ({ r, i })).filter(({ r }) => r.verdict !== 'skipped' && !r.complete);
      const left = deadline - performance.now();
      if (unfinished.length === 0 || left < MIN_CONTINUE_MS || aborted()) break;
      let progressed = false;
      for (const [k, { r, i }] of unfinished.entries()) {
        const share = (deadline - performance.now()) / (unfinished.length - k);
        if (share < MIN_CONTINUE_MS || aborted()) break;
        const next = await runOne(claims[i]!, i, share, r);
        if (next.runs > r.runs || next.complete) progressed = true;
        results[i] = { ...next, durationMs: next.durationMs + r.durationMs };
      }
      if (!progressed) break;
    }
  }

  return {
    seed: options.seed,
    edition: options.edition,
    scale: options.scale,
    runsPerClaim: options.runsPerClaim ?? null,
    budgetMs: options.budgetMs ?? null,
    claimIds: options.claimIds ?? null,
    startedAt,
    durationMs: performance.now() - t0,
    results,
    failed: results.some((r) => r.expectation === 'holds' && r.verdict === 'violated'),
    interrupted: aborted(),
    budgetSpent: !aborted() && results.some((r) => r.verdict !== 'skipped' && !r.complete),
  };
}
