"""Reference implementation for `npm run bench`: the DPO gradient flow of docs/theory.md §2,
tau dDW/dt = (beta/N) sum_i sigma(-r_i) a_i g_i^T, integrated with scipy's solve_ivp RK45 at the
same rtol/atol as dpocheck, written the way a numpy user would write it well: the state is DW
restricted to the used-token rows (never the N x N kernel), and each evaluation is two BLAS
matrix products (X @ DW^T for the margins, (A * c)^T @ X for the direction).

Usage: python3 bench_numpy.py DIR|FILE.npz BETA TAU T_END RTOL ATOL [--no-margins]
       python3 bench_numpy.py --load FILE.npz
DIR holds features.npy (N x d float64, or float32 widened to float64 on load), chosen.npy and
rejected.npy (int32); an .npz holds the same arrays (np.savez).
Prints one JSON line: seconds_load, seconds_integrate, nfev, and the final margins (unless
--no-margins). With --load: the seconds of np.load(f)['features'] and the peak memory it added.
"""
import json
import resource
import sys
import time

import numpy as np
from scipy.integrate import solve_ivp
from scipy.special import expit


def load_only(path: str) -> None:
    """Times np.load(f)['features'] (which materialises the array) and its peak memory (maxrss, KiB)."""
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    X = np.load(path)["features"]
    t1 = time.perf_counter()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": t1 - t0, "peak_above_baseline_bytes": (peak - base) * 1024, "feature_bytes": X.nbytes}))


def main() -> None:
    if sys.argv[1] == "--load":
        load_only(sys.argv[2])
        return
    folder, beta, tau, t_end, rtol, atol = sys.argv[1], *map(float, sys.argv[2:7])
    t0 = time.perf_counter()
    # float32 files (PyTorch embeddings) are widened: the arithmetic stays float64, as in dpocheck.
    if folder.endswith(".npz"):
        with np.load(folder) as z:
            X = z["features"].astype(np.float64, copy=False)
            chosen = z["chosen"]
            rejected = z["rejected"]
    else:
        X = np.load(f"{folder}/features.npy").astype(np.float64, copy=False)
        chosen = np.load(f"{folder}/chosen.npy")
        rejected = np.load(f"{folder}/rejected.npy")
    t1 = time.perf_counter()
    n, d = X.shape
    tokens, inverse = np.unique(np.concatenate([chosen, rejected]), return_inverse=True)
    m = len(tokens)
    A = np.zeros((n, m))  # row i is a_i restricted to the used tokens
    A[np.arange(n), inverse[:n]] += 1.0
    A[np.arange(n), inverse[n:]] -= 1.0

    def margins(y):
        P = X @ y.reshape(m, d).T  # N x m, BLAS product 1
        return beta * np.einsum("ij,ij->i", P, A)

    def rhs(_t, y):
        r = margins(y)
        c = (beta / n) * expit(-r)  # sigma(-r)
        G = (A * c[:, None]).T @ X  # m x d, BLAS product 2
        return (G / tau).ravel()

    sol = solve_ivp(rhs, (0.0, t_end), np.zeros(m * d), method="RK45", rtol=rtol, atol=atol)
    r = margins(sol.y[:, -1])
    t2 = time.perf_counter()
    print(json.dumps({
        "seconds_load": t1 - t0,
        "seconds_integrate": t2 - t1,
        "nfev": int(sol.nfev),
        "success": bool(sol.success),
        "margins": [] if "--no-margins" in sys.argv else r.tolist(),
    }))


if __name__ == "__main__":
    main()
