/**
 * src/theory: every formula of THEORY §2–§5 and §8 as pure typed functions (no I/O, no
 * randomness). Numerical conventions (log space, the clamping rule that keeps results finite)
 * are in numerics.ts; the ε rule of the refined forms in refined.ts; the slack orientation of
 * the conditions in conditions.ts.
 */
export { EDITIONS, DEFAULT_EDITION, isEdition, type Edition } from './edition.ts';
export { InvalidInputError, requireFinite, requireInt, requireNonNegative, requirePositive } from './errors.ts';
export { requireCount, requireEdition } from './validate.ts';
export { LN3, clampToFinite, logSumExp } from './numerics.ts';
export type { ProbabilityStatement, RiskBound } from './statements.ts';
export { tokenSharingZ } from './tokenSharing.ts';
export {
  CONDITION_IDS,
  MIN_Q_THEOREM43,
  noiseLimit,
  zLimit,
  theoremConditions,
  type ConditionId,
  type ConditionCheck,
  type ConditionInput,
} from './conditions.ts';
export {
  trainingMarginSandwich,
  trainingMarginSandwichV3,
  trainingProbability,
  firstNonVacuousQ,
  type MarginSandwich,
} from './theorem42.ts';
export {
  generalizationBound,
  generalizationExponent,
  generalizationPeak,
  appendixExponentRatio,
  MAX_SATISFIABLE_Z,
  type GeneralizationBound,
  type GeneralizationOptions,
} from './theorem43.ts';
export {
  EPSILON_RULES,
  EPSILON_DENOMINATOR,
  defaultEpsilonRule,
  requireEpsilonRule,
  refinedEpsilon,
  concentrationProbability,
  refinedGeneralizationBound,
  type EpsilonRule,
  type RefinedEpsilon,
  type ConcentrationInput,
  type RefinedBoundInput,
} from './refined.ts';
export {
  approximateOrthogonalityLimit,
  approximateOrthogonalSandwich,
  approximateOrthogonality,
  type ApproximateOrthogonality,
} from './appendixC.ts';
export { failureModeThreshold, inFailureMode, type FailureModeThreshold } from './failureMode.ts';
export {
  rowCertificate,
  trainingSetCertificate,
  certifiedSlopes,
  testSampleCertificate,
  type RowSummary,
  type RowCertificate,
  type TrainingSetCertificate,
} from './certificate.ts';
export { qMin, firstQBelow } from './scaling.ts';
export { boundsReport, type BoundsInput, type BoundsReport } from './boundsReport.ts';
