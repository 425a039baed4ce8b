// A claim of this project's own, run by dpocheck's runner with its verdicts, shrunk
// counterexamples and report:   npx dpocheck verify --claims-module ./my-claims.js
import * as fc from 'fast-check';
import { defineClaim, generalizationBound, qMin } from 'dpocheck';
import { myGeneralizationBound, mySamplesNeeded } from './src/myBound.js';

/** Relative agreement demanded of the two implementations (a few ulps of the log-space route). */
const RELATIVE_TOLERANCE = 1e-12;

export const claims = [
  defineClaim({
    id: 'downstream-samples-needed',
    title: "our samples-needed function equals dpocheck's Q_min(K, η)",
    section: 'THEORY §4, Theorem 4.3 (scaling law)',
    edition: 'v5-main',
    expectation: 'holds',
    generator: 'K in 1..1000, η in [1e-6, 0.5]',
    measures: 'mySamplesNeeded(K, η) - qMin(K, η)',
    bound: '0 (exact)',
    runs: { small: 20, full: 200 },
    arbitrary: () => fc.record({ K: fc.integer({ min: 1, max: 1000 }), eta: fc.double({ min: 1e-6, max: 0.5, noNaN: true }) }),
    check: ({ K, eta }) => {
      const ours = mySamplesNeeded(K, eta);
      const theirs = qMin(K, eta, 'v5-main');
      // Near Q_min the bound is within rounding of η: a difference of 1 there is a tie, not a bug.
      const tie = Math.abs(generalizationBound(K, ours, 'v5-main').bound - eta) <= RELATIVE_TOLERANCE * eta;
      const diff = ours - (theirs ?? Number.NaN);
      return { violated: diff !== 0 && !tie, withinTolerance: diff !== 0 && tie, observed: ours, bound: theirs ?? Number.NaN, slack: -Math.abs(diff), detail: { K, eta } };
    },
  }),
  defineClaim({
    id: 'downstream-bound-agrees',
    title: "our generalisation bound agrees with dpocheck's to 1e-12 relative",
    section: 'THEORY §4, Theorem 4.3',
    edition: 'v5-main',
    expectation: 'holds',
    generator: 'K in 1..1000, Q in 1..5000',
    measures: 'relative difference of the two bounds',
    bound: `${RELATIVE_TOLERANCE}`,
    runs: { small: 50, full: 500 },
    arbitrary: () => fc.record({ K: fc.integer({ min: 1, max: 1000 }), Q: fc.integer({ min: 1, max: 5000 }) }),
    check: ({ K, Q }) => {
      const ours = myGeneralizationBound(K, Q);
      const theirs = generalizationBound(K, Q, 'v5-main').bound;
      const rel = Math.abs(ours - theirs) / theirs;
      return { violated: !(rel <= RELATIVE_TOLERANCE), observed: rel, bound: RELATIVE_TOLERANCE, slack: (RELATIVE_TOLERANCE - rel) / RELATIVE_TOLERANCE, detail: { K, Q } };
    },
  }),
];
