#!/usr/bin/env python3
"""Writes the acceptance fixtures of issue 3 ("Done when") into fixtures/simulate/.

For each case it draws a small preference dataset with numpy ONLY (nothing here reads dpocheck's
code or output), saves it with np.savez as `<name>.npz` (train and test arrays), and integrates
the same gradient flow as dpocheck (docs/theory.md §1-§2, DPO):

    tau dW/dt = (beta/N) sum_i sigma(-r_i) a_i g_i^T,   r_i = beta a_i^T W g_i,   a_i = e_{w_i} - e_{l_i},

on the rows of the tokens that occur in the training set (every other row of the gradient is 0),
from W = 0 to t_end with scipy's solve_ivp (method DOP853, rtol 1e-13, atol 1e-15): a
high-accuracy reference written independently in numpy. It writes the train margins r_i(t_end)
and the test margins r~_j = beta (W_{w~_j} - W_{l~_j}) . g~_j (a test token that never occurs in
training has W row 0) to `<name>.golden.json`. test/cli/simulate.test.ts runs
`dpocheck simulate --data <name>.npz --beta B --tau T --t-end X --full --json` and compares.

Cases: Gaussian features with random token pairs (float64), Gaussian features with the authors'
shared " Yes"/" No" pair stored as float32, the paper's cluster model (docs/theory.md §3), and
heavy-tailed anisotropic features with int32 tokens.

Usage: python3 scripts/make-simulate-goldens.py   (numpy, scipy; the .npz differ between runs
only in zip timestamps, the golden JSON not at all)
"""
import json
import os

import numpy as np
from scipy.integrate import solve_ivp
from scipy.special import expit

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "simulate")
# Reference accuracy: DOP853 (order 8) at these tolerances is ~5 orders of magnitude more
# accurate than the 1e-7 relative agreement the test asks of dpocheck.
RTOL, ATOL = 1e-13, 1e-15
MAX_NPZ_BYTES = 100_000


def random_pairs(rng, n, vocab):
    """Random (chosen, rejected) with chosen != rejected."""
    chosen = rng.integers(0, vocab, size=n)
    rejected = (chosen + rng.integers(1, vocab, size=n)) % vocab
    assert np.all(chosen != rejected)
    return chosen, rejected


def gaussian_f64(rng):
    n, m, d, vocab = 120, 40, 12, 30
    chosen, rejected = random_pairs(rng, n, vocab)
    test_chosen, test_rejected = random_pairs(rng, m, vocab + 5)  # some test tokens never trained
    arrays = dict(features=rng.standard_normal((n, d)), chosen=chosen, rejected=rejected,
                  test_features=rng.standard_normal((m, d)), test_chosen=test_chosen,
                  test_rejected=test_rejected)
    return arrays, dict(beta=1.0, tau=1.0, t_end=30.0)


def shared_pair_f32(rng):
    n, m, d = 80, 30, 8
    chosen = rng.integers(0, 2, size=n)
    test_chosen = rng.integers(0, 2, size=m)
    # A common offset (the shared component) plus noise, stored as float32 like a model export.
    offset = np.zeros(d); offset[0] = 1.5
    arrays = dict(features=(offset + 0.7 * rng.standard_normal((n, d))).astype(np.float32),
                  chosen=chosen, rejected=1 - chosen,
                  test_features=(offset + 0.7 * rng.standard_normal((m, d))).astype(np.float32),
                  test_chosen=test_chosen, test_rejected=1 - test_chosen)
    return arrays, dict(beta=0.5, tau=2.0, t_end=40.0)


def cluster_f64(rng):
    # docs/theory.md §3: K concepts, clusters N(lb e_1 +- c_k, v^2 I), c_k = e_{1+k}, tokens (2k, 2k+1),
    # C_{k,+} prefers 2k, C_{k,-} prefers 2k+1; Q samples per cluster; test: 8 per cluster.
    K, Q, d, v, lb, q_test = 3, 10, 8, 0.05, 1.0, 8

    def draw(q):
        feats, ch, rj = [], [], []
        for k in range(K):
            for sign in (1.0, -1.0):
                mean = np.zeros(d); mean[0] = lb; mean[1 + k] = sign
                feats.append(mean + v * rng.standard_normal((q, d)))
                w, l = (2 * k, 2 * k + 1) if sign > 0 else (2 * k + 1, 2 * k)
                ch.append(np.full(q, w)); rj.append(np.full(q, l))
        return np.concatenate(feats), np.concatenate(ch), np.concatenate(rj)

    f, c, r = draw(Q)
    tf, tc, tr = draw(q_test)
    arrays = dict(features=f, chosen=c, rejected=r, test_features=tf, test_chosen=tc, test_rejected=tr)
    return arrays, dict(beta=1.0, tau=1.0, t_end=20.0)


def heavy_tailed_f64(rng):
    n, m, d, vocab = 60, 20, 10, 12
    scales = np.geomspace(0.2, 3.0, d)
    chosen, rejected = random_pairs(rng, n, vocab)
    test_chosen, test_rejected = random_pairs(rng, m, vocab)
    arrays = dict(features=scales * rng.standard_t(3.0, size=(n, d)),
                  chosen=chosen.astype(np.int32), rejected=rejected.astype(np.int32),
                  test_features=scales * rng.standard_t(3.0, size=(m, d)),
                  test_chosen=test_chosen.astype(np.int32), test_rejected=test_rejected.astype(np.int32))
    return arrays, dict(beta=2.0, tau=0.5, t_end=5.0)


CASES = [("gaussian_f64", gaussian_f64, 1), ("shared_pair_f32", shared_pair_f32, 2),
         ("cluster_f64", cluster_f64, 3), ("heavy_tailed_f64", heavy_tailed_f64, 4)]


def reference_margins(arrays, beta, tau, t_end):
    """Integrates the flow on the used rows with DOP853; returns train and test margins at t_end."""
    g = np.asarray(arrays["features"], dtype=np.float64)  # float32 -> float64 exactly
    w, l = np.asarray(arrays["chosen"], dtype=np.int64), np.asarray(arrays["rejected"], dtype=np.int64)
    n, d = g.shape
    tokens = np.unique(np.concatenate([w, l]))
    row = {int(t): u for u, t in enumerate(tokens)}
    wr = np.array([row[int(t)] for t in w]); lr = np.array([row[int(t)] for t in l])
    rows = len(tokens)

    def margins(W):
        return beta * np.einsum("ij,ij->i", W[wr] - W[lr], g)

    def rhs(_t, y):
        W = y.reshape(rows, d)
        coef = (beta / n) * expit(-margins(W))
        G = np.zeros((rows, d))
        np.add.at(G, wr, coef[:, None] * g)
        np.add.at(G, lr, -coef[:, None] * g)
        return G.ravel() / tau

    sol = solve_ivp(rhs, (0.0, t_end), np.zeros(rows * d), method="DOP853", rtol=RTOL, atol=ATOL)
    assert sol.success, sol.message
    W = sol.y[:, -1].reshape(rows, d)
    train = margins(W)
    tg = np.asarray(arrays["test_features"], dtype=np.float64)

    def row_of(t):
        u = row.get(int(t))
        return W[u] if u is not None else np.zeros(d)

    test = np.array([beta * (row_of(a) - row_of(b)) @ x
                     for a, b, x in zip(arrays["test_chosen"], arrays["test_rejected"], tg)])
    return train, test, int(sol.nfev)


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, make, seed in CASES:
        arrays, run = make(np.random.default_rng(20240806 + seed))
        path = os.path.join(OUT, name + ".npz")
        np.savez(path, **arrays)
        assert os.path.getsize(path) < MAX_NPZ_BYTES, name
        train, test, nfev = reference_margins(arrays, run["beta"], run["tau"], run["t_end"])
        golden = {
            "data": name + ".npz",
            "beta": run["beta"], "tau": run["tau"], "tEnd": run["t_end"],
            "reference": {"integrator": "scipy.integrate.solve_ivp", "method": "DOP853",
                          "rtol": RTOL, "atol": ATOL, "nfev": nfev,
                          "numpy": np.__version__, "scipy": __import__("scipy").__version__},
            "train_margins": train.tolist(),
            "test_margins": test.tolist(),
        }
        with open(os.path.join(OUT, name + ".golden.json"), "w") as fh:
            json.dump(golden, fh, indent=1)
            fh.write("\n")
        print(f"{name}: N={len(train)} M={len(test)} nfev={nfev} "
              f"train [{train.min():.4g}, {train.max():.4g}] test [{test.min():.4g}, {test.max():.4g}]")


if __name__ == "__main__":
    main()
