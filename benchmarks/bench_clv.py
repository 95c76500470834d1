"""Fit time of BG/NBD, Pareto/NBD and Gamma-Gamma on a million simulated customers.

Simulates customers from a BG/NBD process with known parameters (the CDNOW estimates of Fader,
Hardie & Lee, 2005) and Gamma-Gamma spend (Fader & Hardie's CDNOW estimates), acquired evenly over
one year and observed for 18 months, with purchase dates recorded in whole days and time in weeks
(days / 7). Fits the models with the defaults of :mod:`helpers.clv` (unique-triple compression,
L-BFGS-B, confirmed by Nelder-Mead with ``confirm=True`` and by default only on fewer than 20,000
unique rows, Hessian standard errors) and prints wall time, peak traced memory
and the recovered parameters against the truth. The Pareto/NBD is fitted to the same BG/NBD data
(there is no Pareto/NBD truth to compare with; its fit is timed, and its log-likelihood compared);
its likelihood has no analytic gradient and needs the Gauss hypergeometric function per unique
(frequency, recency) and (frequency, T) pair, so it is the slower of the two.

Run: ``PYTHONPATH=src python benchmarks/bench_clv.py [--n 1000000] [--seed 0]``. Not part of the tests.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
import tracemalloc
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from helpers.clv import customer_value, fit_bgnbd, fit_gamma_gamma, fit_pareto_nbd, simulate_bgnbd

TRUE_BGNBD = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
TRUE_GG = {"p": 6.25, "q": 3.74, "gamma": 15.44}


def simulate(n, seed):
    """Summary of ``n`` customers: first purchase on a random day of year 1, observed to day 546."""
    rng = np.random.default_rng(seed)
    first_day = rng.integers(0, 365, n)
    T_days = 546 - first_day
    s = simulate_bgnbd(n, **TRUE_BGNBD, T=T_days / 7, seed=seed + 1,
                       spend=(TRUE_GG["p"], TRUE_GG["q"], TRUE_GG["gamma"]))
    # purchase dates in whole days (rounded to the nearest day, never past the end of observation)
    s["recency"] = np.minimum(np.round(s["recency"] * 7), T_days) / 7
    return s


def timed(label, fn, *args, **kwargs):
    tracemalloc.start()
    t0 = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = fn(*args, **kwargs)
    wall = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"{label:<28} {wall:8.2f} s   peak traced memory {peak / 2**20:8.1f} MiB")
    for w in caught:
        print(f"    warning: {w.message}")
    return out


def compare(fit, truth):
    tab = fit.summary_table().set_index("param")
    tab.insert(0, "true", pd.Series(truth))
    return tab.round(4).to_string()


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1_000_000, help="customers to simulate")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--value", action="store_true",
                    help="also time customer_value (52 weeks, 200 bootstrap draws)")
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    s = simulate(args.n, args.seed)
    print(f"simulated {len(s):,} customers in {time.perf_counter() - t0:.1f} s; "
          f"{int((s['frequency'] > 0).sum()):,} repeat buyers; "
          f"{len(s.groupby(['frequency', 'recency', 'T'])):,} unique (frequency, recency, T) triples")
    bg = timed("fit_bgnbd (confirm=True)", fit_bgnbd, s, time_unit="W", confirm=True)
    bg_fast = timed("fit_bgnbd (default)", fit_bgnbd, s, time_unit="W")
    pn = timed("fit_pareto_nbd (confirm=True)", fit_pareto_nbd, s, time_unit="W", confirm=True)
    pn_fast = timed("fit_pareto_nbd (default)", fit_pareto_nbd, s, time_unit="W")
    gg = timed("fit_gamma_gamma", fit_gamma_gamma, s)
    print(f"\nBG/NBD  loglik {bg.loglik:,.1f}  converged {bg.converged}  "
          f"Nelder-Mead max |d log param| {bg.diagnostics['confirm']['max_abs_log_param_diff']:.1e}  "
          f"(default fit, confirmed: {'confirm' in bg_fast.diagnostics}, differs by "
          f"{np.max(np.abs(np.log(bg.params / bg_fast.params))):.1e})")
    print(compare(bg, TRUE_BGNBD))
    print(f"\nPareto/NBD  loglik {pn.loglik:,.1f} (BG/NBD {bg.loglik:,.1f})  converged {pn.converged}  "
          f"Nelder-Mead max |d log param| {pn.diagnostics['confirm']['max_abs_log_param_diff']:.1e}  "
          f"(default fit, confirmed: {'confirm' in pn_fast.diagnostics}, differs by "
          f"{np.max(np.abs(np.log(pn.params / pn_fast.params))):.1e})")
    print(pn.summary_table().set_index("param").round(4).to_string())
    print(f"\nGamma-Gamma  loglik {gg.loglik:,.1f}  converged {gg.converged}  "
          f"corr(frequency, spend) {gg.diagnostics['corr_frequency_monetary']:.3f}")
    print(compare(gg, TRUE_GG))
    if args.value:
        cv = timed("customer_value", customer_value, s, bg, gg, margin_rate=0.3)
        print(cv.total.round(1).to_string())
    print(f"\nprocess peak resident memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
