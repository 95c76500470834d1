"""CDNOW fixtures of the helpers.clv tests, built with plain pandas (independent of helpers.lifecycle)."""

from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from helpers import clv

plt.switch_backend("Agg")

DATA = Path(__file__).parents[1] / "data" / "CDNOW_sample.txt"
CAL_END = pd.Timestamp("1997-09-30")
HOLDOUT_END = pd.Timestamp("1998-06-30")


@pytest.fixture(scope="session")
def cdnow_days():
    raw = pd.read_csv(DATA, sep=r"\s+", header=None, dtype={"date": str},
                      names=["master_id", "customer_id", "date", "quantity", "spend"])
    raw["date"] = pd.to_datetime(raw["date"], format="%Y%m%d")
    # purchases on the same day are one purchase
    return raw.groupby(["customer_id", "date"], as_index=False)["spend"].sum()


@pytest.fixture(scope="session")
def cdnow(cdnow_days):
    cal = cdnow_days[cdnow_days["date"] <= CAL_END]
    g = cal.groupby("customer_id")["date"]
    first, last, n = g.min(), g.max(), g.size()
    s = pd.DataFrame({"frequency": n - 1,
                      "recency": (last - first).dt.days / 7,
                      "T": (CAL_END - first).dt.days / 7})
    repeat = cal[cal["date"] > cal["customer_id"].map(first)]
    s["monetary_value"] = repeat.groupby("customer_id")["spend"].mean().reindex(s.index).fillna(0.0)
    s.index.name = "customer_id"
    return s


@pytest.fixture(scope="session")
def holdout(cdnow_days):
    h = cdnow_days[(cdnow_days["date"] > CAL_END) & (cdnow_days["date"] <= HOLDOUT_END)]
    return h.groupby("customer_id").size()


@pytest.fixture(scope="session")
def bg(cdnow):
    return clv.fit_bgnbd(cdnow, time_unit="W")


@pytest.fixture(scope="session")
def pnbd(cdnow):
    return clv.fit_pareto_nbd(cdnow, time_unit="W")


@pytest.fixture(scope="session")
def gg(cdnow):
    return clv.fit_gamma_gamma(cdnow)



@pytest.fixture
def close_figures():
    yield
    plt.close("all")



def sig3(v):
    """Round to three significant figures."""
    return float(f"{v:.3g}")
