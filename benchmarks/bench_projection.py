"""Time of ``customer_relationships(..., n_boot=200)``: the per-customer projection vs per-triple.

The model quantities of a customer (P(alive), the projected duration, expected purchases, the value
draws) depend on her only through (frequency, recency, T); they are evaluated once per unique triple
and gathered back. ``old`` runs the former per-customer code path, kept only in this file (the grid
search of :func:`projected_duration` over every customer, and ``LifetimeFit.p_alive`` /
``conditional_expected_purchases`` over every customer), ``new`` the package as it is. Data: the
bundled-sample generator (:func:`helpers.sample.generate`) at its default 5,000 customers and at
``--n`` customers. Prints wall time of the whole call and of the two projections alone, and checks
that both paths give the same table.

With ``--config`` (a run configuration, e.g. the generator's ``--pipeline`` output) it instead times
the relationship work of one report run step by step, as report 03 and the shared results do it:
the loading, ``customer_relationships`` (200 draws), ``customer_view`` (which reuses the value
draws), the fit as of the holdout split (no draws; shared by the model check, the loyalty check and
the earlier snapshot), ``calibration_holdout``, each lifetime fit on the calibration period,
``model_check`` and ``holdout_validity`` reusing the fits at the split and at the end; wall and CPU time per step,
the load average, the unique triples and pairs, and the peak resident memory.

Run: ``PYTHONPATH=src python benchmarks/bench_projection.py [--n 100000]`` or
``PYTHONPATH=src python benchmarks/bench_projection.py --config /tmp/shop1m/config.yml``. Not part of
the tests.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import warnings
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from _timing import timed  # noqa: E402

from helpers import clv, sample  # noqa: E402
from helpers.clv.base import LifetimeFit, _check_time, _summary_arrays  # noqa: E402
from helpers.io.load import load_transactions  # noqa: E402
from helpers.lifecycle import rfm_summary  # noqa: E402
from helpers.relationship import customer_relationships, pipeline  # noqa: E402
from helpers.relationship.duration import projected_duration  # noqa: E402


def old_projected_duration(model, summary, *, cutoff=0.5, horizon=260, step=1.0, since="now"):
    """The former grid search: P(alive) of every customer at every grid point."""
    grid = np.arange(0.0, horizon + step / 2, step)
    base = summary[["frequency", "recency", "T"]].astype(float)
    first_below = np.full(len(base), np.nan)
    now = np.asarray(model.p_alive(base), dtype=float)
    start = base["T"] if since == "now" else base["recency"]
    for tau in grid:
        frame = base.assign(T=start + tau)
        below = np.asarray(model.p_alive(frame), dtype=float) < cutoff
        first_below[below & np.isnan(first_below)] = tau
        if not np.isnan(first_below).any():
            break
    censored = np.isnan(first_below)
    duration = np.where(censored, horizon, first_below)
    if since == "first_purchase":
        duration = duration + base["recency"].to_numpy()
    return pd.DataFrame({"p_alive_now": now, "duration": duration, "censored": censored},
                        index=summary.index)


def old_p_alive(self, summary):
    x, tx, T = _summary_arrays(summary)
    return pd.Series(self.spec.p_alive(self.params.to_numpy(), x, tx, T), index=summary.index,
                     name="p_alive")


def old_conditional_expected_purchases(self, t, summary):
    tt = float(_check_time(t, "t"))
    x, tx, T = _summary_arrays(summary)
    out = self.spec.conditional_expectation(self.params.to_numpy(), x, tx, T, tt)
    return pd.Series(out, index=summary.index, name="expected_purchases")


@contextmanager
def old_path():
    saved = (pipeline.projected_duration, LifetimeFit.p_alive,
             LifetimeFit.conditional_expected_purchases)
    pipeline.projected_duration = old_projected_duration
    LifetimeFit.p_alive = old_p_alive
    LifetimeFit.conditional_expected_purchases = old_conditional_expected_purchases
    try:
        yield
    finally:
        (pipeline.projected_duration, LifetimeFit.p_alive,
         LifetimeFit.conditional_expected_purchases) = saved


def timed(f):
    t0 = time.perf_counter()
    out = f()
    return out, time.perf_counter() - t0


def bench(label, transactions, n_boot):
    s = clv.convert_time_unit(rfm_summary(transactions), "D", "W")
    n_triples = len(s[["frequency", "recency", "T"]].drop_duplicates())
    fit = clv.fit_pareto_nbd(s, time_unit="W")
    print(f"\n{label}: {len(s):,} customers, {n_triples:,} unique (frequency, recency, T) triples")
    for name, proj in (("old", old_projected_duration), ("new", projected_duration)):
        ctx = old_path() if name == "old" else _nothing()
        with ctx:
            _, t_now = timed(lambda: proj(fit, s, horizon=260))
            _, t_whole = timed(lambda: proj(fit, s, horizon=260, since="first_purchase"))
        print(f"  {name}: projected_duration now {t_now:7.2f} s, first_purchase {t_whole:7.2f} s")
    with old_path():
        old, t_old = timed(lambda: customer_relationships(transactions, n_boot=n_boot))
    new, t_new = timed(lambda: customer_relationships(transactions, n_boot=n_boot))
    same = all(np.allclose(old.table[c].astype(float), new.table[c].astype(float), rtol=1e-10,
                           equal_nan=True)
               for c in ("p_alive", "lifetime", "duration", "clv", "clv_lower", "clv_upper"))
    same = same and (old.table["group"] == new.table["group"]).all()
    print(f"  customer_relationships(n_boot={n_boot}): old {t_old:7.2f} s, new {t_new:7.2f} s "
          f"(x{t_old / t_new:.1f}); same table: {same}")


@contextmanager
def _nothing():
    yield


def transactions_of(n, tmp):
    """Generated transactions of ``n`` customers, loaded as the notebooks load them (with profit)."""
    path = Path(tmp) / f"transactions_{n}.csv"
    sample.generate(n_customers=n)["transactions"].to_csv(path, index=False)
    return load_transactions(path)


def step(label, f):
    """Run ``f`` and print its wall and CPU time."""
    return timed(label, f, width=44, indent="  ")


def flow(config, holdout_weeks=26):
    """Time the relationship steps of one report run on a run configuration (see the module text)."""
    import os
    import resource

    from helpers import cache, data
    from helpers.actions import customer_view
    from helpers.clv.base import _pairs, _triples
    from helpers.relationship import holdout_validity, model_check

    print(f"{config}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    ds = step("load the data", lambda: cache.shared(config, folder=None).get("data"))
    tx, end = ds.transactions, ds.observation_end
    settings = data.section_settings(ds.config, "relationship", customer_relationships,
                                     skip=("transactions", "observation_end"), with_defaults=True)
    split = end - pd.Timedelta(weeks=holdout_weeks)
    rel = step("customer_relationships (200 draws)", lambda: customer_relationships(tx, end, **settings))
    x, tx_, T = (rel.summary[c].to_numpy(dtype=float) for c in ("frequency", "recency", "T"))
    ux, utx, uT, _ = _triples(x, tx_, T)
    print(f"  {len(x):,} customers, {len(ux):,} unique (frequency, recency, T) triples, "
          f"{len(_pairs(ux, utx)[0]):,} (frequency, recency) and {len(_pairs(ux, uT)[0]):,} "
          f"(frequency, T) pairs, {len(np.unique(uT)):,} values of T")
    step("customer_view", lambda: customer_view(ds, relationships=rel))
    at = step("customer_relationships at the split (no draws)",
              lambda: customer_relationships(tx, split, **{**settings, "n_boot": 0}))
    cal, _, _ = step("calibration_holdout", lambda: clv.calibration_holdout(tx, split, end, time_unit="W"))
    for name in ("pareto_nbd", "bgnbd"):
        fit = step(f"fit {name} on the calibration period",
                   lambda: clv.LIFETIME_MODELS[name].fit(cal, time_unit="W"))
        print(f"    {fit.n_unique:,} likelihood rows, {fit.diagnostics['n_evaluations']} evaluations, "
              f"confirmed: {'confirm' in fit.diagnostics}")
    step("model_check (reusing both fits, as 03 does)",
         lambda: model_check(tx, split, end, relationships=at, current=rel))
    step("holdout_validity (reusing the fit at the split)",
         lambda: holdout_validity(tx, split, end, relationships=at))
    print(f"  peak resident memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20:.2f} GiB")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000, help="customers of the large data set")
    ap.add_argument("--n-boot", type=int, default=200)
    ap.add_argument("--skip-large", action="store_true")
    ap.add_argument("--config", help="time the relationship steps of a report run on this config")
    a = ap.parse_args()
    warnings.simplefilter("ignore")
    if a.config:
        flow(a.config)
        return
    with tempfile.TemporaryDirectory() as tmp:
        bench("sample (5,000 customers)", transactions_of(5000, tmp), a.n_boot)
        if not a.skip_large:
            bench(f"generated ({a.n:,} customers)", transactions_of(a.n, tmp), a.n_boot)


if __name__ == "__main__":
    main()
