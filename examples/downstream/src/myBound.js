// This project's own implementation of the generalisation bound of Im & Li, Theorem 4.3
// (v5 main text): R(P) <= 2 K Q^2 e^{-Q/45}. Written independently of dpocheck (here in log
// space, then exponentiated); test/myBound.test.js regression-checks it against dpocheck's.

/**
 * The bound on the test 0-1 error for K concepts and Q samples per concept.
 * @param {number} K number of concepts (integer >= 1)
 * @param {number} Q samples per concept (integer >= 1)
 * @returns {number}
 */
export function myGeneralizationBound(K, Q) {
  return Math.exp(Math.log(2 * K) + 2 * Math.log(Q) - Q / 45);
}

/**
 * The smallest Q with bound < eta, by scanning past the bound's peak at Q = 90.
 * @param {number} K
 * @param {number} eta
 * @returns {number}
 */
export function mySamplesNeeded(K, eta) {
  let Q = 90;
  while (myGeneralizationBound(K, Q) >= eta) Q++;
  return Q;
}
