"""Wall and CPU time of the NPS drivers and the lifecycle computations of 01 and 02 on one data set.

Loads a run configuration's inputs once (``helpers.io.load_all``), then times what the 01 drivers
cell and the 02 compute cell call: ``nps.behaviour_at_response``, ``nps.drivers`` (ordinal logit
with behaviour at the answer), ``lifecycle.customer_lifecycle``, ``purchase_gaps``,
``stage_summary`` x3, ``stage_transitions``, ``cohort_retention`` and ``lapse_survival`` x2.
The machine may be shared: CPU time is the steadier number; the load average is printed.

Run: ``PYTHONPATH=src python benchmarks/bench_nps_lifecycle.py [config.yml]`` (default: the
sample; e.g. a set made by ``benchmarks/generate.py --pipeline 1000000 --out DIR``). Not part of
the tests.
"""

from __future__ import annotations

import os
import sys
import warnings
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from helpers import lifecycle, nps  # noqa: E402
from helpers.config import section_settings  # noqa: E402
from helpers.io import load_all  # noqa: E402
from helpers.paths import SAMPLE_DIR  # noqa: E402

from _timing import timed  # noqa: E402


def clock(name, fn):
    return timed(name, fn, width=28)


def main(config):
    print(f"{config}; load average {os.getloadavg()[0]:.1f}")
    ds = clock("load_all", lambda: load_all(config))
    tx, survey, end = ds.transactions, ds.survey, ds.observation_end
    print(f"{len(tx):,} rows, {len(survey):,} answers, {len(ds.customers):,} customers")
    warnings.simplefilter("ignore")  # the notebooks report these; here only the time counts
    linked = survey[survey["customer_id"].notna()]
    features = [c for c in ("region", "plan") if c in survey.columns]
    clock("behaviour_at_response", lambda: nps.behaviour_at_response(linked, tx))
    clock("drivers", lambda: nps.drivers(linked, features, transactions=tx,
                                         behaviour=["tenure_days", "orders", "profit"],
                                         scale="log2"))
    settings = section_settings(ds.config, "lifecycle", lifecycle.customer_lifecycle,
                                skip=("transactions", "observation_end", "customers", "survey"))
    view = clock("customer_lifecycle", lambda: lifecycle.customer_lifecycle(
        tx, end, ds.customers, survey, **settings))
    th = view.attrs["thresholds"]
    clock("purchase_gaps", lambda: lifecycle.purchase_gaps(tx, end))
    clock("stage_summary x3", lambda: [lifecycle.stage_summary(view, by)
                                       for by in ("stage", "rfm_segment", "ladder_step")])
    clock("stage_transitions", lambda: lifecycle.stage_transitions(
        tx, end - pd.DateOffset(months=3), end, customers=ds.customers, thresholds=th))
    clock("cohort_retention", lambda: lifecycle.cohort_retention(tx, "Q", end))
    groups = None
    if "acquisition_channel" in ds.customers.columns:
        groups = ds.customers.drop_duplicates("customer_id").set_index("customer_id")[
            "acquisition_channel"]
    clock("lapse_survival by", lambda: lifecycle.lapse_survival(
        tx, end, lapse_days=th["lapse_window"], by=groups))
    clock("lapse_survival all", lambda: lifecycle.lapse_survival(
        tx, end, lapse_days=th["lapse_window"]))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else str(SAMPLE_DIR / "config.yml"))
