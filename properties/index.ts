/**
 * The registry of every claim under properties/: `dpocheck verify`, `dpocheck replay` and the
 * vitest suite all load claims from here, so a claim is written once and checked everywhere.
 * Order = report order: the bound library and the paper's numbers first, then identities, then Theorem 4.2, the certificate, the probability
 * statements, Theorem 4.3, Appendix C, the qualitative claims, and the measured losses.
 */
import type { Claim } from '../src/check/claim.ts';
import { BOUND_CLAIMS } from './_internals/boundClaims.ts';
import { lemma41Normaliser } from './lemma41-normaliser.ts';
import { lemma41MarginOde } from './lemma41-margin-ode.ts';
import { tokenFactorClaim } from './token-factor.ts';
import { thm42Sandwich } from './thm42-sandwich.ts';
import { thm42Window } from './thm42-window.ts';
import { thm42Monotone } from './thm42-monotone.ts';
import { certificateImpliesSandwich } from './certificate-implies-sandwich.ts';
import { thm42Probability } from './thm42-probability.ts';
import { lemmaB1ProbabilityClaim } from './lemmaB1-probability.ts';
import { thm43Generalization } from './thm43-generalization.ts';
import { appendixCSandwich } from './appendixC-sandwich.ts';
import { kDependence } from './k-dependence.ts';
import { betaSquared } from './beta-squared.ts';
import { failureMode } from './failure-mode.ts';
import { gpoIpo } from './gpo-ipo.ts';
import { gpoSlic } from './gpo-slic.ts';
import { multitokenIdentity } from './multitoken-identity.ts';
import { lawSharedFloor } from './law-shared-floor.ts';
import { lawDistinctFlat } from './law-distinct-flat.ts';

/** Every claim, in report order. */
export const CLAIMS: ReadonlyArray<Claim<any>> = [
  // The bound library itself (src/theory) and the paper's numbers (THEORY §7).
  ...BOUND_CLAIMS,
  // The dynamics and the theorems.
  lemma41Normaliser,
  lemma41MarginOde,
  tokenFactorClaim,
  thm42Sandwich,
  thm42Window,
  thm42Monotone,
  certificateImpliesSandwich,
  thm42Probability,
  lemmaB1ProbabilityClaim,
  thm43Generalization,
  appendixCSandwich,
  kDependence,
  betaSquared,
  failureMode,
  gpoIpo,
  gpoSlic,
  multitokenIdentity,
  lawSharedFloor,
  lawDistinctFlat,
];

/** Looks a claim up by id. */
export function claimById(id: string): Claim<any> | undefined {
  return CLAIMS.find((c) => c.id === id);
}
