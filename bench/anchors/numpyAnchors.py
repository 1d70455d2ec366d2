#!/usr/bin/env python3
"""Times the numpy/scipy anchors of issue 14 on this machine, to set beside `pnpm bench`.

The same GLFT-like model as bench/src/cases/models.ts (ticks as price units: A = 2.986 fills/s,
k = 0.0424 per tick, gamma = xi = 0.05, sigma = 10.69 ticks/sqrt(s)), in w-space (DESIGN 3.4):
dw/dtau = M w, M tridiagonal with M_ii = -k phi q^2 and off-diagonals A C_xi.

Cases (median of repeated calls, microseconds), printed as JSON with stable ids:
  anchor.scipy.eigh_tridiagonal.q100.t600   eigh_tridiagonal(M) then V exp(Lambda T) V' w
  anchor.scipy.eigh_tridiagonal.table100.q100.t600   one eigh, then 100 time buckets
  anchor.scipy.expm.q100.t600               dense expm(M T) @ w
  anchor.scipy.perron.q100                  the principal eigenvector only (select='i')
Also reports how many levels of ln w the float64 anchors cannot represent (w under/overflows).

Skips with a message (exit 0) when numpy or scipy is missing.
"""
import json
import math
import platform
import statistics
import sys
import time

try:
    import numpy as np
    import scipy
    from scipy.linalg import eigh_tridiagonal, expm
except ImportError as err:  # pragma: no cover - depends on the machine
    print(json.dumps({"skipped": f"numpy/scipy not available ({err}); no anchors timed"}))
    sys.exit(0)

A = 2.986162360812285
K = 0.04235741115084049
GAMMA = XI = 0.05
SIGMA = 10.69
PHI = GAMMA * SIGMA**2 / 2
C_XI = (1 + XI / K) ** (-K / XI - 1)


def w_matrix(q_max: int):
    q = np.arange(-q_max, q_max + 1, dtype=float)
    diag = -K * PHI * q * q
    off = np.full(2 * q_max, A * C_XI)
    return diag, off


def median_us(fn, min_calls=20, budget_s=1.5):
    for _ in range(5):
        fn()
    xs = []
    start = time.perf_counter()
    while len(xs) < min_calls or time.perf_counter() - start < budget_s:
        t0 = time.perf_counter()
        fn()
        xs.append((time.perf_counter() - t0) * 1e6)
        if len(xs) >= 2000:
            break
    return statistics.median(xs), len(xs)


def main() -> None:
    q_max, horizon = 100, 600.0
    diag, off = w_matrix(q_max)
    n = 2 * q_max + 1
    w0 = np.ones(n)
    dense = np.diag(diag) + np.diag(off, 1) + np.diag(off, -1)
    results = []

    def eig_one():
        lam, v = eigh_tridiagonal(diag, off)
        return v @ (np.exp(lam * horizon) * (v.T @ w0))

    def eig_table():
        lam, v = eigh_tridiagonal(diag, off)
        c = v.T @ w0
        return [v @ (np.exp(lam * (horizon - j * horizon / 100)) * c) for j in range(100)]

    def dense_expm():
        return expm(dense * horizon) @ w0

    def perron():
        return eigh_tridiagonal(diag, off, select="i", select_range=(n - 1, n - 1))

    with np.errstate(all="ignore"):
        w = eig_one()
        unrepresentable = int(np.sum(~(np.isfinite(w) & (w > 0))))
        w_expm = dense_expm()
        unrep_expm = int(np.sum(~(np.isfinite(w_expm) & (w_expm > 0))))
        for case_id, fn, note in [
            ("anchor.scipy.eigh_tridiagonal.q100.t600", eig_one, "eigh_tridiagonal then V exp(Lambda T) V' w"),
            ("anchor.scipy.eigh_tridiagonal.table100.q100.t600", eig_table, "one eigh_tridiagonal, 100 buckets"),
            ("anchor.scipy.expm.q100.t600", dense_expm, "dense expm(M T) @ w"),
            ("anchor.scipy.perron.q100", perron, "principal eigenvector only"),
        ]:
            med, calls = median_us(fn)
            results.append({"id": case_id, "medianUs": round(med, 1), "calls": calls, "what": note})
    print(
        json.dumps(
            {
                "python": platform.python_version(),
                "numpy": np.__version__,
                "scipy": scipy.__version__,
                "machine": platform.processor() or platform.machine(),
                "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "levels": n,
                "lnWNotRepresentable": {"eigh": unrepresentable, "expm": unrep_expm, "of": n},
                "results": results,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
