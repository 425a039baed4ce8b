/**
 * The paper's empirical tables (THEORY §7: full fine-tuning of Mistral-7B and Qwen3-8B, test
 * error by K with one response pair " Yes"/" No" for every concept) read against THEORY §9's
 * one-parameter law Φ(−1/(v√K)) and the paper's two-parameter straight line in K.
 */
import { packagePath } from '../../packageRoot.ts';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { InvalidInputError } from '../../theory/errors.ts';
import { fitErrorVsK, type FitResult } from './fits.ts';

/** Where the tables live in the repository. */
export const PAPER_TABLES_FILE = packagePath('fixtures', 'paper', 'empirical-tables.json');

/** What the comparison can and cannot say (printed with every result). */
export const PAPER_TABLES_CAVEAT =
  'full fine-tuning of 7-8B models, not the last-layer model of THEORY §1; four points per model, printed to 3 decimals; ' +
  'a one-parameter curve against a two-parameter line on 4 points (AIC counts the noise variance as one more parameter; AICc is undefined for the line, which has n − k − 1 = 0), so no criterion can separate them firmly';

const TablesSchema = z.object({
  models: z.array(z.object({ model: z.string(), rows: z.array(z.object({ K: z.number().int().min(1), testError: z.number().min(0).max(1) })).min(2) })).min(1),
});

/** One model's comparison: the JSON `paperTables[]` entry. */
export interface PaperTableFit {
  readonly model: string;
  readonly K: readonly number[];
  readonly testError: readonly number[];
  readonly law: { readonly v: number; readonly vLow: number | null; readonly vHigh: number | null; readonly r2: number | null; readonly adjustedR2: number | null; readonly aic: number | null; readonly aicc: number | null; readonly residuals: readonly number[] };
  readonly linear: { readonly slope: number; readonly intercept: number; readonly r2: number | null; readonly adjustedR2: number | null; readonly aic: number | null; readonly aicc: number | null; readonly residuals: readonly number[] };
  /** 'law' or 'linear': the lower AIC (ties: the one with fewer parameters). */
  readonly preferredByAic: 'law' | 'linear' | null;
  readonly caveat: string;
}

/**
 * Fits both curves to each model of the tables file.
 * @example paperTableFits()[1].law.v // Qwen: the v of Φ(−1/(v√K)) that fits its errors best
 */
export function paperTableFits(file: string = PAPER_TABLES_FILE): PaperTableFit[] {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new InvalidInputError('paper-tables', `cannot read ${file}: ${(e as Error).message}`);
  }
  const parsed = TablesSchema.safeParse(raw);
  if (!parsed.success) throw new InvalidInputError('paper-tables', `${file}: ${parsed.error.issues[0]!.message}`);
  return parsed.data.models.map((m) => {
    const K = m.rows.map((r) => r.K);
    const e = m.rows.map((r) => r.testError);
    const [law, line] = fitErrorVsK(K, e, (k) => k) as [FitResult, FitResult];
    const preferred = law.aic === null || line.aic === null ? null : law.aic <= line.aic ? 'law' : 'linear';
    return {
      model: m.model,
      K,
      testError: e,
      law: { v: law.params['v']!.value, vLow: law.params['v']!.low, vHigh: law.params['v']!.high, r2: law.r2, adjustedR2: law.adjustedR2, aic: law.aic, aicc: law.aicc, residuals: law.residuals },
      linear: { slope: line.params['b']!.value, intercept: line.params['a']!.value, r2: line.r2, adjustedR2: line.adjustedR2, aic: line.aic, aicc: line.aicc, residuals: line.residuals },
      preferredByAic: preferred,
      caveat: PAPER_TABLES_CAVEAT,
    };
  });
}
