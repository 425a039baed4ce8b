/**
 * The two shapes every probabilistic statement of THEORY §4 takes: "with probability at
 * least 1 - (failure term)" and "R(P) <= bound".
 */

/** A "with probability at least 1 - (failure term)" statement. */
export interface ProbabilityStatement {
  /** 1 - failure term (may be negative: the statement is then vacuous). */
  readonly probability: number;
  /** ln of the failure term; finite (clamped by numerics.ts's rule). */
  readonly lnFailureTerm: number;
  /** True when the stated probability is <= 0, i.e. the statement says nothing. */
  readonly vacuous: boolean;
}

/** A bound on the population risk R(P) (THEORY §1, Definition 3.1). */
export interface RiskBound {
  /** The bound's value (may exceed 1: then vacuous); underflows to 0 where e^{lnBound} does. */
  readonly bound: number;
  /** ln of the bound, finite (clamped by numerics.ts's rule). */
  readonly lnBound: number;
  /** True when bound >= 1: a risk bound of 1 or more says nothing. */
  readonly vacuous: boolean;
}
