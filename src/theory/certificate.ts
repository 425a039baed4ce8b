/**
 * The deterministic certificate of THEORY §5 (our derivation from the proof of Theorem 4.2):
 * from a summary of each row of the C matrix, whether the sandwich of Theorem 4.2 is
 * guaranteed for a fixed training set, and whether a new sample's margin is positive at τ_1.
 */
import { InvalidInputError } from './errors.ts';
import { ratioOfProducts } from './numerics.ts';
import { requireCount, requireFinite, requireNonNegative, requirePositive } from './validate.ts';

/** Summary of row j of C: P_j = Σ_{C_ij > 0} C_ij and M_j = Σ_{C_ij < 0} |C_ij| (THEORY §5). */
export interface RowSummary {
  readonly P: number;
  readonly M: number;
}

/** The certificate of one row. */
export interface RowCertificate {
  /** λ_j = (P_j/4 - M_j/2)/N: the slope factor of the lower bound. */
  readonly lambda: number;
  /** Λ_j = (P_j/2 - M_j/4)/N: the slope factor of the upper bound. */
  readonly Lambda: number;
  /** 1/(8K): λ_j must be at least this. */
  readonly lambdaRequired: number;
  /** 5/K: Λ_j must be at most this. */
  readonly LambdaAllowed: number;
  /** λ_j >= 1/(8K) and Λ_j <= 5/K. */
  readonly holds: boolean;
}

function requireRow(row: RowSummary, field: string): void {
  requireNonNegative(`${field}.P`, row.P);
  requireNonNegative(`${field}.M`, row.M);
}

/**
 * The certificate of row j (THEORY §5): while all margins stay in [0, ln 3],
 * σ(-r) ∈ [1/4, 1/2], so β²λ_j t/τ <= r_j(t) <= β²Λ_j t/τ with λ_j = (P_j/4 - M_j/2)/N and
 * Λ_j = (P_j/2 - M_j/4)/N; λ_j >= 1/(8K) and Λ_j <= 5/K give Theorem 4.2's slopes.
 *
 * @example rowCertificate({ P: 2, M: 0 }, 2, 1).holds // true (λ = 1/4, Λ = 1/2)
 */
export function rowCertificate(row: RowSummary, N: number, K: number): RowCertificate {
  requireRow(row, 'row');
  requireCount('N', N);
  requireCount('K', K);
  const lambda = (row.P / 4 - row.M / 2) / N;
  const Lambda = (row.P / 2 - row.M / 4) / N;
  const lambdaRequired = 1 / (8 * K);
  const LambdaAllowed = 5 / K;
  return { lambda, Lambda, lambdaRequired, LambdaAllowed, holds: lambda >= lambdaRequired && Lambda <= LambdaAllowed };
}

/** The certificate of a whole training set. */
export interface TrainingSetCertificate {
  /** min_j λ_j. */
  readonly minLambda: number;
  /** max_j Λ_j. */
  readonly maxLambda: number;
  /** 1/(8K). */
  readonly lambdaRequired: number;
  /** 5/K. */
  readonly LambdaAllowed: number;
  /** min λ >= 1/(8K) and max Λ <= 5/K: the sandwich holds on [0, τ_1] with certainty. */
  readonly holds: boolean;
  /** Indices j of the rows whose own certificate fails. */
  readonly failingRows: readonly number[];
}

/**
 * The certificate for a fixed training set (THEORY §5): if min_j λ_j >= 1/(8K) and
 * max_j Λ_j <= 5/K, every training margin obeys Theorem 4.2's sandwich on [0, τ_1].
 *
 * @example trainingSetCertificate([{ P: 2, M: 0 }, { P: 3, M: 1 }], 2, 1).holds // true
 */
export function trainingSetCertificate(rows: readonly RowSummary[], N: number, K: number): TrainingSetCertificate {
  if (rows.length === 0) throw new InvalidInputError('rows', 'needs at least one row');
  let minLambda = Infinity;
  let maxLambda = -Infinity;
  const failingRows: number[] = [];
  let lambdaRequired = 0;
  let LambdaAllowed = 0;
  rows.forEach((row, j) => {
    requireRow(row, `rows[${j}]`);
    const cert = rowCertificate(row, N, K);
    minLambda = Math.min(minLambda, cert.lambda);
    maxLambda = Math.max(maxLambda, cert.Lambda);
    lambdaRequired = cert.lambdaRequired;
    LambdaAllowed = cert.LambdaAllowed;
    if (!cert.holds) failingRows.push(j);
  });
  return { minLambda, maxLambda, lambdaRequired, LambdaAllowed, holds: failingRows.length === 0, failingRows };
}

/**
 * The slopes the certificate guarantees: β²λ t/τ <= r(t) <= β²Λ t/τ (THEORY §5). With
 * λ >= 1/(8K) and Λ <= 5/K they lie inside Theorem 4.2's β²/(8Kτ) and 5β²/(Kτ).
 *
 * @example certifiedSlopes(0.25, 0.5, 1, 1) // { lowerSlope: 0.25, upperSlope: 0.5 }
 */
export function certifiedSlopes(lambda: number, Lambda: number, beta = 1, tau = 1): { readonly lowerSlope: number; readonly upperSlope: number } {
  requireFinite('lambda', lambda);
  requireFinite('Lambda', Lambda);
  requirePositive('beta', beta);
  requirePositive('tau', tau);
  return { lowerSlope: signedScale(lambda, beta, tau), upperSlope: signedScale(Lambda, beta, tau) };
}

/** β² x/τ for any finite x, without intermediate overflow (numerics.ts's ratioOfProducts). */
function signedScale(x: number, beta: number, tau: number): number {
  return Math.sign(x) * ratioOfProducts([beta, beta, Math.abs(x)], [tau]).value;
}

/**
 * The certificate for a new sample (THEORY §5): with P̃ = Σ_{C̃_i > 0} C̃_i and
 * M̃ = Σ_{C̃_i < 0} |C̃_i|, P̃/4 - M̃/2 > 0 implies r̃(τ_1) > 0 (whenever the training set's
 * certificate holds).
 *
 * @example testSampleCertificate({ P: 1, M: 0.4 }).holds // true (0.05 > 0)
 */
export function testSampleCertificate(row: RowSummary): { readonly value: number; readonly holds: boolean } {
  requireRow(row, 'row');
  const value = row.P / 4 - row.M / 2;
  return { value, holds: value > 0 };
}
