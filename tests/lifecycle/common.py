"""Helpers shared by the lifecycle tests: tiny transaction tables and the usual windows."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from hypothesis import strategies as st


def make_tx(rows, **extra):
    """rows: (customer_id, 'YYYY-MM-DD', amount[, ...extra columns in order])."""
    cols = ["customer_id", "order_date", "amount", *extra.get("columns", [])]
    df = pd.DataFrame(rows, columns=cols)
    df["order_date"] = pd.to_datetime(df["order_date"])
    df["amount"] = df["amount"].astype(float)
    return df


TH = {"new_window": 30, "active_window": 30, "lapse_window": 90}


row_strategy = st.tuples(
    st.sampled_from(["a", "b", "c", "d", "e"]),
    st.integers(0, 60).map(lambda k: dt.date(2024, 1, 1) + dt.timedelta(days=k)),
    st.sampled_from([-7.5, -2.0, 0.0, 1.0, 3.25, 10.0, 42.0]),
)


#: Messages of the expected notes, to filter exactly those: the RFM scores' empty or unequal
#: quintiles, and customers whose rows are only refunds.
SCORE_NOTE = r"[RFM] score: "
REFUND_NOTE = r"\d+ customer\(s\) have only refund rows"
