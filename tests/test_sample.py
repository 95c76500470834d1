"""Tests of the synthetic sample generator: determinism, the data contract, and the planted structure.

Contract tests run on 400 customers. The planted-structure tests run on 2,000 customers (about 0.1 s):
each threshold is well inside what 40 seeds gave at that size (spread quoted per test), so the tests
fail only if the planted structure weakens, not by chance.
"""

import doctest
import re

import numpy as np
import pandas as pd
import pytest

from helpers import sample
from helpers.sample import COLUMNS, generate, write_sample

START, END = pd.Timestamp("2023-01-01"), pd.Timestamp("2025-12-31")
SMALL_N = 400


@pytest.fixture(scope="module")
def small():
    return generate(seed=11, n_customers=SMALL_N)


@pytest.fixture(scope="module")
def mid():
    return generate(seed=sample.DEFAULT_SEED, n_customers=2000)


def _sales_orders(d):
    """One row per order (sale lines summed), with the customer's planted type and style."""
    tx, tr = d["transactions"], d["truth"].set_index("customer_id")
    sale = tx[tx["amount"] > 0]
    o = sale.groupby("order_id").agg(customer_id=("customer_id", "first"), amount=("amount", "sum"),
                                     margin=("margin", "sum"), discount=("discount", "sum"))
    o["true_type"] = o["customer_id"].map(tr["true_type"])
    o["buyer_style"] = o["customer_id"].map(tr["buyer_style"])
    return o


def _scores(d):
    """Survey rows with a numeric score and the respondent's planted type (NaN when anonymous)."""
    sv = d["survey"].copy()
    sv["s"] = pd.to_numeric(sv["score"].str.extract(r"^(\d+)")[0])
    sv["true_type"] = sv["customer_id"].map(d["truth"].set_index("customer_id")["true_type"])
    return sv.dropna(subset=["s"])


def _nps(s):
    return 100 * ((s >= 9).mean() - (s <= 6).mean())


# ---------------------------------------------------------------------------------------------------
# Determinism
# ---------------------------------------------------------------------------------------------------
def test_same_seed_gives_identical_tables(small):
    again = generate(seed=11, n_customers=SMALL_N)
    for key in COLUMNS:
        pd.testing.assert_frame_equal(small[key], again[key])


def test_other_seed_differs(small):
    other = generate(seed=12, n_customers=SMALL_N)
    for key in ("transactions", "survey", "truth"):
        assert not small[key].equals(other[key]), key


def test_write_sample_is_byte_identical(tmp_path):
    a = write_sample(tmp_path / "a", seed=5, n_customers=SMALL_N)
    b = write_sample(tmp_path / "b", seed=5, n_customers=SMALL_N)
    assert sorted(a) == sorted(COLUMNS)
    for key in COLUMNS:
        raw = a[key].read_bytes()
        assert raw == b[key].read_bytes(), key
        assert not raw.startswith(b"\xef\xbb\xbf") and b"\r" not in raw
        assert raw.decode("utf-8").split("\n", 1)[0] == ",".join(COLUMNS[key])
    assert not (tmp_path / "a" / "config.yml").exists()


def test_csv_round_trip_keeps_values(tmp_path, small):
    paths = write_sample(tmp_path, seed=11, n_customers=SMALL_N)
    tx = pd.read_csv(paths["transactions"], parse_dates=["order_date"])
    tx["order_date"] = tx["order_date"].astype("datetime64[ns]")
    pd.testing.assert_frame_equal(tx, small["transactions"])
    tr = pd.read_csv(paths["truth"], parse_dates=["death_date", "first_purchase"])
    tr[["death_date", "first_purchase"]] = tr[["death_date", "first_purchase"]].astype("datetime64[ns]")
    pd.testing.assert_frame_equal(tr, small["truth"])
    sv = pd.read_csv(paths["survey"], dtype=str, keep_default_na=False)
    assert (sv["score"] == small["survey"]["score"].fillna("")).all()
    assert (sv["customer_id"] == small["survey"]["customer_id"].fillna("")).all()
    text = paths["transactions"].read_text(encoding="utf-8")
    assert re.search(r"^O0000001,C\d{5},\d{4}-\d{2}-\d{2},\w+,\w+,\d+\.\d{2},-?\d+\.\d{2},\d+\.\d{2}$",
                     text.split("\n")[1])


def test_cli_writes_and_counts_rows(tmp_path, capsys):
    assert sample.main(["--out", str(tmp_path), "--seed", "3", "--customers", "200"]) == 0
    printed = capsys.readouterr().out
    d = generate(seed=3, n_customers=200)
    for key, df in d.items():
        assert f"{key}.csv {len(df)} rows" in printed
        assert (tmp_path / f"{key}.csv").exists()


# ---------------------------------------------------------------------------------------------------
# Contract
# ---------------------------------------------------------------------------------------------------
def test_columns_and_dtypes(small):
    for key, cols in COLUMNS.items():
        assert list(small[key].columns) == cols, key
    dates = {"transactions": ["order_date"], "survey": ["response_date"], "customers": ["signup_date"],
             "truth": ["death_date", "first_purchase"]}
    for key, cols in dates.items():
        for col in cols:
            assert small[key][col].dtype == "datetime64[ns]", (key, col)
            assert (small[key][col].dropna() == small[key][col].dropna().dt.normalize()).all()
    tx = small["transactions"]
    for col in ("amount", "margin", "discount"):
        assert tx[col].dtype == "float64"
        assert np.allclose(tx[col], tx[col].round(2))
    for key, col in [("transactions", "customer_id"), ("transactions", "order_id"), ("survey", "score"),
                     ("survey", "customer_id"), ("customers", "name"), ("truth", "true_type")]:
        assert pd.api.types.is_string_dtype(small[key][col]), (key, col)
    assert small["customers"]["referrals"].dtype == "int64"
    assert small["truth"]["churned"].dtype == bool and small["truth"]["alive_at_end"].dtype == bool


def test_rows_are_sorted(small):
    cu, sv, tx = small["customers"], small["survey"], small["transactions"]
    assert cu["customer_id"].is_monotonic_increasing and cu["customer_id"].is_unique
    assert cu["customer_id"].iloc[0] == "C00001" and len(cu) == SMALL_N
    assert (small["truth"]["customer_id"] == cu["customer_id"]).all()
    assert sv["response_id"].is_monotonic_increasing
    assert sv["response_date"].is_monotonic_increasing      # ids are given in date order
    assert tx["order_date"].is_monotonic_increasing


def test_type_mix(small):
    counts = small["truth"]["true_type"].value_counts()
    assert counts["prospect"] == round(0.10 * SMALL_N)
    buyers = SMALL_N - counts["prospect"]
    for t, share in sample.BUYER_MIX.items():
        assert abs(counts[t] - share * buyers) <= 1, t


def test_transaction_customers_are_known_buyers(small):
    tx, tr = small["transactions"], small["truth"]
    assert set(tx["customer_id"]) <= set(small["customers"]["customer_id"])
    prospects = set(tr.loc[tr["true_type"] == "prospect", "customer_id"])
    assert not prospects & set(tx["customer_id"])
    assert set(tr.loc[tr["true_type"] != "prospect", "customer_id"]) == set(tx["customer_id"])


def test_purchases_stay_inside_life_and_window(small):
    tx, tr = small["transactions"], small["truth"].set_index("customer_id")
    assert tx["order_date"].min() >= START and tx["order_date"].max() <= END
    sale = tx[tx["amount"] > 0]
    first = sale.groupby("customer_id")["order_date"].min()
    assert (first == tr.loc[first.index, "first_purchase"]).all()
    last = sale.groupby("customer_id")["order_date"].max()
    death = tr.loc[last.index, "death_date"]
    assert (last[death.notna()] <= death[death.notna()]).all()


def test_truth_is_consistent(small):
    tr, cu = small["truth"], small["customers"].set_index("customer_id")
    buyer = tr["true_type"] != "prospect"
    assert (tr["churned"] == tr["death_date"].notna()).all()
    assert (tr["alive_at_end"] == (buyer & ~tr["churned"])).all()
    assert tr.loc[~buyer, ["buyer_style", "purchase_rate_per_week", "first_purchase"]].isna().all().all()
    assert set(tr.loc[buyer, "buyer_style"]) == set(sample.STYLE_PARAMS)
    b = tr[buyer].set_index("customer_id")
    assert (b["death_date"].dropna() <= END).all()
    lag = (b["first_purchase"] - cu.loc[b.index, "signup_date"]).dt.days
    assert lag.between(0, 14).all()
    assert (cu["signup_date"] <= END - pd.Timedelta(days=14)).all() and (cu["signup_date"] >= START).all()
    assert (b["purchase_rate_per_week"] > 0).all() and (b["lifetime_weeks"] > 0).all()


def test_order_lines(small):
    tx = small["transactions"]
    sale = tx[tx["amount"] > 0]
    assert len(tx) == len(sale) + (tx["amount"] < 0).sum()           # no zero-amount rows
    assert (tx["discount"] >= 0).all()
    per_order = sale.drop_duplicates().groupby("order_id")
    assert per_order["customer_id"].nunique().eq(1).all() and per_order["channel"].nunique().eq(1).all()
    assert per_order["order_date"].nunique().eq(1).all()
    assert per_order["category"].size().between(1, 4).all()
    assert per_order["category"].nunique().eq(per_order["category"].size()).all()
    assert set(tx["category"]) <= set(sample.CATEGORY_PARAMS) and set(tx["channel"]) <= set(sample.CHANNELS)


def test_refunds_reference_their_order(small):
    tx = small["transactions"]
    ref, sale = tx[tx["amount"] < 0], tx[tx["amount"] > 0].drop_duplicates()
    n_orders = sale["order_id"].nunique()
    assert 0.01 * n_orders < len(ref) < 0.05 * n_orders
    assert ref["order_id"].is_unique and (ref["discount"] == 0).all()
    m = ref.merge(sale, on=["order_id", "customer_id", "category", "channel"], suffixes=("", "_sale"),
                  validate="one_to_one")
    assert len(m) == len(ref)
    assert np.allclose(m["amount"], -m["amount_sale"]) and np.allclose(m["margin"], -m["margin_sale"])
    lag = (m["order_date"] - m["order_date_sale"]).dt.days
    assert lag.between(1, 30).all() and (m["order_date"] <= END).all()


def test_transaction_duplicates(small):
    tx = small["transactions"]
    assert tx.duplicated().sum() == 2                                  # max(2, 5 x 400 / 5000)
    assert not tx[tx["amount"] < 0].duplicated().any()


def test_one_html_name(small):
    names = small["customers"]["name"]
    assert (names == sample.HTML_NAME).sum() == 1
    assert names.str.contains("<").sum() == 1
    first_last = names[names != sample.HTML_NAME].str.split(" ", expand=True)
    assert first_last[0].isin(sample.FIRST_NAMES).all() and first_last[1].isin(sample.LAST_NAMES).all()


def test_survey_contract(small):
    sv, tr = small["survey"], small["truth"].set_index("customer_id")
    assert sv["response_date"].between(START, END).all()
    linked = sv["customer_id"].notna()
    assert 0.80 < linked.mean() < 0.90
    assert (tr.loc[sv.loc[linked, "customer_id"], "true_type"] != "prospect").all()
    fp = tr.loc[sv.loc[linked, "customer_id"], "first_purchase"].to_numpy()
    assert (sv.loc[linked, "response_date"].to_numpy() >= fp).all()
    own = small["customers"].set_index("customer_id").loc[sv.loc[linked, "customer_id"], ["region", "plan"]]
    assert (own.to_numpy() == sv.loc[linked, ["region", "plan"]].to_numpy()).all()
    assert set(sv["region"]) <= set(sample.REGION_MIX) and set(sv["plan"]) <= {"Basic", "Plus", "Premium"}


def test_survey_mess(small):
    sv = small["survey"]
    score = sv["score"]
    plain = score.str.fullmatch(r"\d+").fillna(False).astype(bool)
    labelled = score.isin(list(sample.SCORE_LABELS.values()))
    assert (plain | labelled | score.isna()).all()
    assert pd.to_numeric(score[plain]).between(0, 10).all()
    assert 0.01 < labelled.mean() < 0.05 and 0.005 < score.isna().mean() < 0.03
    assert sv.duplicated().sum() == 2 and sv["response_id"].duplicated().sum() == 2
    assert 0.30 < sv["comment"].isna().mean() < 0.50


def test_survey_panel_answers_in_two_years(small):
    sv = small["survey"].drop_duplicates()
    linked = sv.dropna(subset=["customer_id"])
    per = linked.groupby("customer_id")
    twice = per.size()[per.size() == 2].index
    assert len(twice) == round(0.06 * SMALL_N) and per.size().max() == 2
    years = linked[linked["customer_id"].isin(twice)].groupby("customer_id")["response_date"].agg(
        lambda d: d.dt.year.nunique())
    assert (years == 2).all()


def test_comments_follow_the_score(mid):
    sv = _scores(mid).dropna(subset=["comment"])
    detr = sv["comment"].str.contains("rude support|refund took weeks")
    assert sv.loc[detr, "s"].mean() < 6.5 < sv.loc[sv["comment"].str.contains("friendly staff"), "s"].mean()


# ---------------------------------------------------------------------------------------------------
# Planted structure (2,000 customers; spreads over 40 seeds in brackets)
# ---------------------------------------------------------------------------------------------------
def test_spend_per_order_by_type(mid):
    spend = _sales_orders(mid).groupby("true_type")["amount"].mean()
    # true friends / strangers: 3.4 (min 3.1); butterflies ~3.5x barnacles
    assert spend["true_friend"] > 2 * spend["stranger"]
    assert spend["butterfly"] > 2 * spend["barnacle"]


def test_margin_and_discounts_by_type_and_style(mid):
    o = _sales_orders(mid)
    by_type = o.groupby("true_type")
    rate = by_type["margin"].sum() / by_type["amount"].sum()
    assert rate["true_friend"] - rate["barnacle"] > 0.10                 # 0.24 (min 0.23)
    disc = by_type["discount"].apply(lambda s: (s > 0).mean())
    assert disc["barnacle"] - disc["true_friend"] > 0.20                 # 0.39 (min 0.35)
    by_style = o.groupby("buyer_style")["discount"].apply(lambda s: (s > 0).mean())
    assert by_style["price"] - by_style["relationship"] > 0.40           # 0.68 (min 0.64)
    assert by_style["poker"] > by_style["value"] > by_style["relationship"]


def test_frequency_and_churn_by_type(mid):
    tr = mid["truth"]
    orders = _sales_orders(mid).groupby("customer_id").size()
    per_type = orders.groupby(tr.set_index("customer_id").loc[orders.index, "true_type"]).mean()
    assert per_type["barnacle"] > 3 * per_type["stranger"]              # 7.6x (min 6.8x)
    churned = tr.groupby("true_type")["churned"].mean()
    assert churned["butterfly"] - churned["true_friend"] > 0.40          # 0.64 (min 0.58)
    assert churned["stranger"] > 0.6 and churned["barnacle"] < 0.5


def test_scores_by_type_and_region(mid):
    sv = _scores(mid)
    mean = sv.groupby("true_type")["s"].mean()
    assert mean["true_friend"] - mean["stranger"] > 2.0                   # 3.2 (min 3.0)
    assert mean["true_friend"] > mean["barnacle"] > mean["butterfly"] > mean["stranger"]
    nps = sv.groupby("true_type")["s"].apply(_nps)
    assert nps["true_friend"] > 30 and nps["stranger"] < -20
    east = sv.loc[sv["region"] != "East", "s"].mean() - sv.loc[sv["region"] == "East", "s"].mean()
    assert east > 0.4                                                     # 0.83 (min 0.55)


def test_referrals_follow_type(mid):
    ref = mid["customers"]["referrals"].groupby(mid["truth"]["true_type"]).mean()
    assert ref["true_friend"] > 3 * ref["stranger"] and ref["prospect"] == 0
    assert (mid["customers"]["referrals"] == 0).mean() > 0.7


# ---------------------------------------------------------------------------------------------------
# Documentation and bad input
# ---------------------------------------------------------------------------------------------------
def test_docstring_table_matches_parameters():
    rows = re.findall(r"^(stranger|butterfly|barnacle|true_friend)\s+(\d+)%\s+([\d.]+)\s+([\d.]+)\s+"
                      r"([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+\(", sample.__doc__, flags=re.M)
    assert len(rows) == 4
    for t, share, rate, life, spend, margin, score in rows:
        p = sample.TYPE_PARAMS[t]
        assert float(share) / 100 == sample.BUYER_MIX[t]
        assert float(rate) == p["rate_mean"] and float(life) == p["lifetime_weeks"]
        assert float(spend) == p["spend_mean"]
        assert (float(margin), float(score)) == (p["margin_rate"], p["score_mean"])


def test_docstring_examples_run():
    result = doctest.testmod(sample, optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 4 and result.failed == 0


@pytest.mark.parametrize("kw, err, match", [
    ({"seed": "1"}, TypeError, "seed must be a non-negative integer"),
    ({"seed": 1.5}, TypeError, "seed must be a non-negative integer"),
    ({"seed": -1}, TypeError, "seed must be a non-negative integer"),
    ({"n_customers": 2000.0}, TypeError, "n_customers must be an integer"),
    ({"n_customers": 50}, ValueError, "at least 100 customers"),
    ({"start": "2025-06-01"}, ValueError, "shorter than one year"),
    ({"end": "not a date"}, ValueError, "must be dates"),
])
def test_bad_arguments(kw, err, match):
    with pytest.raises(err, match=match):
        generate(**kw)
