#!/usr/bin/env python3
"""Independent check of `dpocheck law` (THEORY §9) in numpy/scipy: for every cell of a law run's
JSON, draw fresh training sets from the cluster model of THEORY §3 with numpy's own generator,
integrate the gradient flow tau dW/dt = (beta/N) sum_i sigma(-r_i) a_i g_i^T to tau_1 with
scipy's solve_ivp (W restricted to the token rows), compute the exact test error
Phi(-a^T W mu / (v ||W^T a||)) per cluster with scipy.stats.norm, and compare the mean over
training sets with the law's 95% interval (two independent estimates of the same expectation:
they agree when their intervals overlap).

Usage: python3 scripts/law_check.py LAW_JSON [--datasets 20] [--cells 12] [--seed 0]
(LAW_JSON from `dpocheck law --json > law.json`, or a run directory's law.json). Supports the
distinct, shared-pair and z=<Z> token regimes with isotropic Gaussian noise and the flow to a
multiple of tau_1 (the law defaults); other settings are skipped.
"""
import argparse
import json
import math
import sys

import numpy as np
from scipy import stats
from scipy.integrate import solve_ivp


def token_pairs(tokens, K):
    if tokens == "distinct":
        return [(2 * k, 2 * k + 1) for k in range(K)]
    if tokens == "shared-pair":
        return [(0, 1)] * K
    Z = int(tokens[2:])
    groups = math.ceil(K / Z)
    return [(k // Z, groups + k) for k in range(K)]


def one_dataset(rng, K, Q, d, v, lb, beta, tau, t_end, tokens):
    pairs = token_pairs(tokens, K)
    vocab = max(max(p) for p in pairs) + 1
    feats, w, l = [], [], []
    means = []
    for k in range(K):
        for sign in (1, -1):
            mu = np.zeros(d)
            mu[0] = lb
            mu[1 + k] = sign
            means.append((k, sign, mu))
            x = mu + v * rng.standard_normal((Q, d))
            feats.append(x)
            p, n = pairs[k]
            w += [p if sign == 1 else n] * Q
            l += [n if sign == 1 else p] * Q
    G = np.vstack(feats)
    w = np.array(w)
    l = np.array(l)
    N = len(w)
    A = np.zeros((N, vocab))
    A[np.arange(N), w] += 1
    A[np.arange(N), l] -= 1

    def rhs(_t, y):
        W = y.reshape(vocab, d)
        r = beta * np.einsum("nv,vd,nd->n", A, W, G)
        s = 1 / (1 + np.exp(r))
        return ((beta / (N * tau)) * (A * s[:, None]).T @ G).ravel()

    sol = solve_ivp(rhs, (0, t_end), np.zeros(vocab * d), method="RK45", rtol=1e-9, atol=1e-12)
    W = sol.y[:, -1].reshape(vocab, d)
    err = 0.0
    for k, sign, mu in means:
        p, n = pairs[k]
        u = sign * (W[p] - W[n])
        err += stats.norm.sf((u @ mu) / (v * np.linalg.norm(u)))
    return err / (2 * K)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("law_json")
    ap.add_argument("--datasets", type=int, default=20)
    ap.add_argument("--cells", type=int, default=12, help="check at most this many cells (spread over the grid)")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    res = json.load(open(args.law_json))
    s = res["settings"]
    if s["training"]["optimizer"] != "flow" or s["departures"]:
        print("law_check: only the flow without departures is supported", file=sys.stderr)
        return 2
    cells = [c for c in res["cells"] if c["complete"]]
    step = max(1, len(cells) // args.cells)
    cells = cells[::step][: args.cells]
    rng = np.random.default_rng(args.seed)
    agree = 0
    print("tokens        K    Q     law mean [95%]                    numpy mean [95%]                  overlap")
    for c in cells:
        K, Q = c["K"], c["Q"]
        t_end = s["training"]["tEnd"] * (K * s["tau"] * math.log(3) / (5 * s["beta"] ** 2)) if s["training"]["tEndUnit"] == "tau1" else s["training"]["tEnd"]
        errs = [one_dataset(rng, K, Q, s["d"], c["v"], s["lb"], s["beta"], s["tau"], t_end, c["tokens"]) for _ in range(args.datasets)]
        m = float(np.mean(errs))
        half = stats.t.ppf(0.975, len(errs) - 1) * float(np.std(errs, ddof=1)) / math.sqrt(len(errs))
        lo, hi = max(0.0, m - half), m + half
        ok = lo <= c["testErrorHigh"] and c["testErrorLow"] <= hi
        agree += ok
        print(f"{c['tokens']:<13} {K:<4} {Q:<5} {c['testError']:.4g} [{c['testErrorLow']:.4g}, {c['testErrorHigh']:.4g}]".ljust(62)
              + f"{m:.4g} [{lo:.4g}, {hi:.4g}]".ljust(34) + ("yes" if ok else "NO"))
    print(f"{agree} of {len(cells)} cells agree (intervals overlap; two 95% intervals of equal means miss each other with probability well under 5%)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
