"""Validity of the relationship groups' loyalty axis on each data set's own holdout.

For the bundled sample (cut 2025-06-30, holdout to its last order) and the two CDNOW files of
Fader & Hardie (the 1/10 sample and the full file; cut 1997-09-30, holdout to 1998-06-30), fits
:func:`helpers.relationship.customer_relationships` with its default settings on the data up to the
cut and prints :func:`helpers.relationship.holdout_validity`: per loyalty measure the AUC for
"bought after the cut", Spearman's rho against purchase days after the cut, the share of customers
on the most common value (tied) and at the projection horizon (bound), with the counts of customers;
then per group (default settings) its size and the share active after the cut with a Wilson 95%
interval. CDNOW has no margins: profit is 30% of the dollar value.

Run: ``PYTHONPATH=src python benchmarks/bench_groups.py``. Not part of the tests.
"""

from __future__ import annotations

import sys
import time
import warnings
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from helpers.io import load_transactions  # noqa: E402
from helpers.paths import SAMPLE_DIR  # noqa: E402
from helpers.relationship import holdout_validity  # noqa: E402

CDNOW_CUT, CDNOW_END = "1997-09-30", "1998-06-30"


def cdnow(path, master):
    """CDNOW transactions in the canonical columns (profit = 30% of the dollar value)."""
    if master:
        raw = pd.read_csv(path, sep=r"\s+", dtype={"date": str, "customer_id": str})
        raw = raw.rename(columns={"customer_id": "cid", "dollar_value": "dollars"})
    else:
        raw = pd.read_csv(path, sep=r"\s+", header=None, dtype={"date": str, "cid": str},
                          names=["cid", "sid", "date", "n", "dollars"])
    tx = pd.DataFrame({"customer_id": raw["cid"], "order_date": pd.to_datetime(raw["date"], format="%Y%m%d"),
                       "amount": raw["dollars"].astype(float)})
    tx["profit"] = tx["amount"] * 0.30
    return tx


def report(name, tx, cut, end=None):
    t0 = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        v = holdout_validity(tx, cut, end)
    wall = time.perf_counter() - t0
    s = v.settings
    rel = v.relationships
    n = len(v.outcome)
    weeks_before = rel.summary["T"].max()
    print(f"\n=== {name}: {n:,} customers, cut {s['cut'].date()}, holdout to {s['observation_end'].date()} "
          f"({s['holdout_days']} days); data before the cut {weeks_before:.0f} weeks; "
          f"{v.outcome['bought'].mean():.1%} bought after the cut ({wall:.1f} s)")
    m = v.measures.copy()
    m["tied"] = (m["tied_share"] * m["customers"]).round().astype(int)
    m["at_bound"] = (m["bound_share"] * m["customers"]).round().astype("Int64")
    out = pd.DataFrame({"AUC": m["auc"].map("{:.3f}".format),
                        "Spearman": m["spearman"].map("{:+.3f}".format),
                        "tied": m["tied"].map("{:,}".format) + " (" + m["tied_share"].map("{:.0%}".format) + ")",
                        "tied at": m["tied_value"].map("{:.3g}".format),
                        "at bound": [("-" if pd.isna(b) else f"{int(b):,} ({sh:.0%})")
                                     for b, sh in zip(m["at_bound"], m["bound_share"])]})
    print(out.to_string())
    g = v.groups
    gout = pd.DataFrame({"customers": g["customers"].map("{:,}".format),
                         "share": g["share"].map("{:.1%}".format),
                         "active after cut": g["active_share"].map("{:.1%}".format),
                         "95% interval": [f"{lo:.1%} - {hi:.1%}" for lo, hi in
                                          zip(g["active_lower"], g["active_upper"])]})
    print(f"groups (loyalty={rel.settings['loyalty']}, split {rel.settings['splits']}):")
    print(gout.to_string())
    for w in {str(w.message) for w in caught}:
        print(f"    warning: {w}")


def main():
    pd.set_option("display.width", 140)
    sample = load_transactions(SAMPLE_DIR / "transactions.csv")
    report("bundled sample", sample, "2025-06-30")
    report("CDNOW 1/10 sample (tests/data/CDNOW_sample.txt)",
           cdnow(ROOT / "tests" / "data" / "CDNOW_sample.txt", master=False), CDNOW_CUT, CDNOW_END)
    report("CDNOW full file (tests/data/CDNOW_master.txt)",
           cdnow(ROOT / "tests" / "data" / "CDNOW_master.txt", master=True), CDNOW_CUT, CDNOW_END)


if __name__ == "__main__":
    main()
