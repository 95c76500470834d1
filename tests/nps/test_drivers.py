"""Tests of helpers.nps.drivers: behaviour at the answer, planted odds ratios, the sample."""

import math
import warnings

import numpy as np
import pandas as pd
import pytest

from helpers import nps

from .common import planted_survey


def test_behaviour_at_response_by_hand():
    survey = pd.DataFrame({
        "customer_id": pd.array(["a", "b", None, "z", "a"], dtype="string"),
        "response_date": pd.to_datetime(["2024-03-10", "2024-03-10", "2024-03-10", "2024-03-10",
                                         "2024-01-01"]),
        "score": [9, 4, 7, 8, 10]})
    tx = pd.DataFrame({
        "customer_id": ["a", "a", "a", "a", "a", "b"],
        "order_id": ["o1", "o1", "o2", "o3", "o4", "o5"],
        "order_date": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-02-01", "2024-03-10",
                                      "2024-03-11", "2024-04-01"]),
        "amount": [10.0, 5.0, 20.0, -4.0, 100.0, 7.0],
        "profit": [3.0, 1.0, 6.0, -1.0, 30.0, 2.0]})
    with pytest.warns(UserWarning, match="1 linked respondents"):
        out = nps.behaviour_at_response(survey, tx)
    # a on 2024-03-10: orders o1, o2, o3 (the refund row on the day counts), not o4 (after)
    assert out.loc[0, ["tenure_days", "orders", "spend", "profit"]].tolist() == [69, 3, 31, 9]
    assert out.loc[1, ["tenure_days", "orders", "spend"]].tolist() == [0, 0, 0]  # buys later
    assert out.loc[2, ["tenure_days", "orders", "spend"]].isna().all()  # not linked
    assert out.loc[3, ["orders", "spend"]].tolist() == [0, 0]  # unknown id
    assert out.loc[4, ["tenure_days", "orders", "spend"]].tolist() == [0, 1, 15]  # same day
    assert out["score"].tolist() == survey["score"].tolist()
    # without order_id: one purchase per customer and day
    no_id = nps.behaviour_at_response(survey.iloc[[0]], tx.drop(columns="order_id"))
    assert no_id.loc[0, "orders"] == 3


def test_drivers_recovers_planted_odds_ratios():
    df, x = planted_survey()
    res = nps.drivers(df, ["x", "region"])
    by = res.set_index("term")
    assert set(by.index) == {"x", "region[East]", "region[South]"}
    assert by.loc["x", "scale"] == "per SD" and by.loc["region[East]", "scale"] == "vs North"
    true_or_x = math.exp(1.0 * x.std(ddof=1))  # per standard deviation of x
    assert by.loc["x", "ci_low"] < true_or_x < by.loc["x", "ci_high"]
    assert by.loc["region[East]", "ci_low"] < math.exp(-1.0) < by.loc["region[East]", "ci_high"]
    assert by.loc["region[South]", "ci_low"] < 1 < by.loc["region[South]", "ci_high"]
    assert res["odds_ratio"].tolist() == pytest.approx(np.exp(res["coef"]).tolist())
    assert res["odds_ratio"].is_monotonic_decreasing
    assert res.attrs["converged"] and res.attrs["n"] == len(df)


def test_drivers_multinomial_and_score_outcome():
    df, _ = planted_survey(n=1200)
    res = nps.drivers(df, ["x"], model="multinomial")
    assert sorted(res["outcome"]) == ["passive", "promoter"]
    assert ((res["ci_low"] < res["odds_ratio"]) & (res["odds_ratio"] < res["ci_high"])).all()
    assert res["odds_ratio"].tolist() == pytest.approx(np.exp(res["coef"]).tolist())
    or_x = res.set_index("outcome")["odds_ratio"]
    assert or_x["promoter"] > or_x["passive"] > 1
    assert nps.drivers(df, ["x"], outcome="score").loc[0, "odds_ratio"] > 1


def test_drivers_joins_behaviour_from_transactions():
    rng = np.random.default_rng(9)
    n = 300
    ids = [f"c{i}" for i in range(n)]
    orders = rng.integers(1, 8, n)
    tx = pd.DataFrame({"customer_id": np.repeat(ids, orders),
                       "order_date": pd.Timestamp("2023-01-01")
                       + pd.to_timedelta(rng.integers(0, 300, orders.sum()), unit="D"),
                       "amount": rng.gamma(2, 20, orders.sum())})
    score = np.clip(np.round(4 + 0.8 * orders + rng.normal(0, 1.5, n)), 0, 10).astype(int)
    survey = pd.DataFrame({"customer_id": pd.array(ids, dtype="string"), "score": score,
                           "response_date": pd.Timestamp("2024-01-01"),
                           "plan": rng.choice(["Basic", "Plus"], n)})
    survey.loc[:9, "customer_id"] = pd.NA
    with pytest.warns(UserWarning, match="10 of them not linked"):
        res = nps.drivers(survey, ["plan"], transactions=tx)
    terms = set(res["term"])
    assert {"tenure_days", "orders", "spend"} < terms and len(terms) == 4
    assert any(t.startswith("plan[") for t in terms)
    assert res.set_index("term").loc["orders", "ci_low"] > 1
    assert res.attrs["n"] == n - 10


def test_drivers_scales_are_reparametrisations_of_one_model():
    df, x = planted_survey(n=800)
    df["m"] = np.exp(df["x"])  # skewed and positive, like spend
    per_sd = nps.drivers(df, ["x", "m", "region"]).set_index("term")
    per_unit = nps.drivers(df, ["x", "m", "region"], scale="unit").set_index("term")
    # the same likelihood in other units: coefficient per unit = coefficient per SD / SD
    for t in ("x", "m"):
        assert per_unit.loc[t, "coef"] == pytest.approx(per_sd.loc[t, "coef"] / df[t].std(),
                                                        rel=1e-3)
    assert per_unit.loc["region[East]", "coef"] == pytest.approx(per_sd.loc["region[East]", "coef"],
                                                                 rel=1e-3)
    # log2 = sign(v) * log2(1 + |v|) by hand, entered per unit; the dict leaves region alone
    hand = df.assign(lx=np.sign(df["x"]) * np.log2(1 + df["x"].abs()),
                     lm=np.log2(1 + df["m"]))
    by_hand = nps.drivers(hand, ["lx", "lm", "region"], scale="unit").set_index("term")
    logged = nps.drivers(df, ["x", "m", "region"], scale={"x": "log2", "m": "log2"})
    logged = logged.set_index("term")
    assert logged.loc[["x", "m"], "scale"].tolist() == ["per doubling"] * 2
    assert logged.loc["region[East]", "scale"] == "vs North"
    assert logged.loc["x", "odds_ratio"] == pytest.approx(by_hand.loc["lx", "odds_ratio"], rel=1e-3)
    assert logged.loc["m", "ci_low"] == pytest.approx(by_hand.loc["lm", "ci_low"], rel=1e-3)
    mixed = nps.drivers(df, ["x", "m"], scale={"m": "log2"}).set_index("term")["scale"]
    assert mixed.to_dict() == {"x": "per SD", "m": "per doubling"}
    with pytest.raises(ValueError, match="unknown scale"):
        nps.drivers(df, ["x"], scale="log")
    with pytest.raises(ValueError, match="not among the features"):
        nps.drivers(df, ["x"], scale={"y": "log2"})
    with pytest.raises(TypeError, match="scale must be"):
        nps.drivers(df, ["x"], scale=2)


@pytest.fixture(scope="module")
def sample_linked(sample):
    """The bundled sample's linked answers and its transactions."""
    linked = sample.survey[sample.survey["customer_id"].notna()].reset_index(drop=True)
    return linked, sample.transactions


def sample_drivers(survey, tx):
    return nps.drivers(survey, ["region", "plan"], transactions=tx,
                       behaviour=("tenure_days", "orders", "profit"), scale="log2")


def test_drivers_find_the_planted_loyalty_relation_in_the_sample(sample_linked):
    # Planted in helpers.sample: true friends (profitable, frequent) score highest, strangers
    # (one small order) lowest, and a customer's own effect raises both the score and the purchase
    # rate; East scores 0.9 points lower.
    survey, tx = sample_linked
    res = sample_drivers(survey, tx).set_index("term")
    assert res.attrs["converged"] and res.attrs["n"] == len(survey)
    assert set(res.index) >= {"tenure_days", "orders", "profit", "region[East]"}
    for term in ("orders", "profit"):
        assert res.loc[term, "scale"] == "per doubling"
        assert res.loc[term, "odds_ratio"] > 1 and res.loc[term, "ci_low"] > 1, term
    assert res.loc["region[East]", "ci_high"] < 1


def test_drivers_on_the_sample_with_shuffled_scores_find_no_behaviour_effect(sample_linked):
    # the control of the test above: break the link between answer and customer
    survey, tx = sample_linked
    shuffled = survey.assign(score=survey["score"].sample(frac=1, random_state=0).to_numpy())
    res = sample_drivers(shuffled, tx).set_index("term")
    assert not (res.loc[["orders", "profit"], "ci_low"] > 1).any()
    assert res.loc["region[East]", "ci_high"] > 1


def test_drivers_warns_on_separation_and_bad_input():
    df, _ = planted_survey(n=600)
    df["vip"] = "no"
    df.loc[df.index[:8], "vip"] = "yes"
    df.loc[df.index[:8], "score"] = 10
    with pytest.warns(UserWarning, match="separation"):
        nps.drivers(df, ["x", "vip"])
    with pytest.raises(ValueError, match="no column"):
        nps.drivers(df, ["nope"])
    with pytest.raises(ValueError, match="unknown model"):
        nps.drivers(df, ["x"], model="probit")
    with pytest.raises(ValueError, match="not linked"):
        nps.drivers(df, ["x"], transactions=pd.DataFrame())
    with pytest.warns(UserWarning, match="constant"), \
            pytest.raises(ValueError, match="no usable feature"):
        nps.drivers(df.assign(c=1.0), ["c"])


def test_drivers_pass_on_deprecation_notices_and_gather_fit_warnings(monkeypatch):
    from statsmodels.miscmodels.ordinal_model import OrderedModel

    fit = OrderedModel.fit

    def noisy_fit(self, *args, **kwargs):
        warnings.warn("an old argument", DeprecationWarning)
        warnings.warn("overflow in exp", RuntimeWarning)
        return fit(self, *args, **kwargs)

    monkeypatch.setattr(OrderedModel, "fit", noisy_fit)
    df, _ = planted_survey(n=600)
    with pytest.warns(DeprecationWarning, match="an old argument"), \
            pytest.warns(UserWarning, match=r"did not converge cleanly \(overflow in exp\)"):
        nps.drivers(df, ["x"])


@pytest.mark.parametrize("with_order_id", [True, False])
def test_behaviour_at_response_equals_a_loop_over_answers(with_order_id):
    rng = np.random.default_rng(5)
    n_tx, n_sv = 600, 150
    tx = pd.DataFrame({
        "customer_id": rng.choice([f"c{i}" for i in range(40)], n_tx),
        "order_id": [f"o{i}" for i in rng.integers(0, 250, n_tx)],
        "order_date": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 200, n_tx),
                                                                   unit="D"),
        "amount": rng.normal(30, 20, n_tx).round(2),
        "profit": np.where(rng.random(n_tx) < 0.05, np.nan, rng.normal(5, 3, n_tx))})
    if not with_order_id:
        tx = tx.drop(columns="order_id")
    survey = pd.DataFrame({
        "customer_id": pd.array(rng.choice([f"c{i}" for i in range(45)] + [None], n_sv),
                                dtype="string"),
        "response_date": pd.Timestamp("2023-12-20") + pd.to_timedelta(
            rng.integers(0, 230, n_sv), unit="D") + pd.Timedelta(hours=13),
        "score": rng.integers(0, 11, n_sv)})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # ids c40..c44 never buy
        got = nps.behaviour_at_response(survey, tx)
    for i, row in survey.iterrows():
        if pd.isna(row["customer_id"]):
            assert got.loc[i, ["tenure_days", "orders", "spend", "profit"]].isna().all()
            continue
        day = row["response_date"].normalize()
        mine = tx[(tx["customer_id"] == row["customer_id"]) & (tx["order_date"] <= day)]
        if with_order_id:
            orders = mine["order_id"].nunique()  # an order counts once it has appeared
        else:
            orders = mine["order_date"].nunique()
        tenure = (day - mine["order_date"].min()).days if len(mine) else 0
        want = [tenure, orders, mine["amount"].sum(), mine["profit"].fillna(0).sum()]
        assert got.loc[i, ["tenure_days", "orders", "spend", "profit"]].tolist() == \
            pytest.approx(want, abs=1e-9)


def test_drivers_on_the_sample_reach_statsmodels_maximum_with_tight_convergence(sample_linked):
    # statsmodels' OrderedModel (numerical derivatives), BFGS run to a gradient of 1e-10: the
    # exact maximum; drivers' Newton fit with exact derivatives must agree with it
    import importlib

    from statsmodels.miscmodels.ordinal_model import OrderedModel
    from statsmodels.tools.sm_exceptions import ConvergenceWarning

    drv_mod = importlib.import_module("helpers.nps.drivers")
    survey, tx = sample_linked
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        got = sample_drivers(survey, tx).set_index("term")
        data = nps.behaviour_at_response(survey, tx)
    feats = ["region", "plan", "tenure_days", "orders", "profit"]
    data = data.dropna(subset=["score", *feats])
    x, _ = drv_mod._design(data[feats], feats, dict.fromkeys(feats, "log2"))
    cls = np.digitize(data["score"].astype(int), [7, 9])
    with warnings.catch_warnings():  # BFGS reports "precision loss" this close to the maximum
        warnings.simplefilter("ignore", ConvergenceWarning)
        want = OrderedModel(pd.Series(pd.Categorical(cls, ordered=True)),
                            x.reset_index(drop=True), distr="logit").fit(
            method="bfgs", disp=False, maxiter=5000, gtol=1e-10)
    for term in x.columns:
        assert got.loc[term, "coef"] == pytest.approx(want.params[term], abs=1e-6)
        assert got.loc[term, "p_value"] == pytest.approx(want.pvalues[term], abs=1e-5)


def test_behaviour_at_response_on_the_sample_equals_pandas(sample):
    # the bundled sample with refunds, plus missing profits, missing order ids, unknown ids,
    # answers before the first purchase and unlinked answers; expected values from a merge of
    # answers and rows, grouped per answer
    tx = sample.transactions.copy()
    assert (tx["amount"] < 0).any()  # refunds, often on a later day than their order
    rng = np.random.default_rng(3)
    tx.loc[rng.random(len(tx)) < 0.05, "profit"] = np.nan
    tx.loc[rng.random(len(tx)) < 0.02, "order_id"] = pd.NA
    survey = sample.survey.copy()
    linked = survey.index[survey["customer_id"].notna()]
    survey.loc[linked[:3], "customer_id"] = ["nobody-1", "nobody-2", "nobody-1"]
    survey.loc[linked[3:8], "response_date"] = pd.Timestamp("2001-02-03 14:00")  # before buying
    with pytest.warns(UserWarning, match="^3 linked respondents"):
        got = nps.behaviour_at_response(survey, tx)
    assert got.drop(columns=["tenure_days", "orders", "spend", "profit"]).equals(survey)

    answers = survey.loc[survey["customer_id"].notna(), ["customer_id", "response_date"]]
    answers = answers.assign(day=answers["response_date"].dt.normalize()).rename_axis("row")
    rows = tx.assign(day_of_row=tx["order_date"].dt.normalize(),
                     order=tx["order_id"].astype(object).fillna("<no id>"))
    pairs = answers.reset_index().merge(rows, on="customer_id")
    pairs = pairs[pairs["day_of_row"] <= pairs["day"]]
    per = pairs.groupby("row").agg(spend=("amount", "sum"), profit=("profit", "sum"),
                                   orders=("order", "nunique"), first=("day_of_row", "min"),
                                   day=("day", "first"))
    per["tenure_days"] = (per["day"] - per["first"]).dt.days
    want = pd.DataFrame(0.0, index=answers.index, columns=["tenure_days", "orders", "spend",
                                                           "profit"])
    want.loc[per.index] = per[want.columns].to_numpy(dtype=float)
    want = want.reindex(survey.index)  # unlinked answers: NaN
    assert survey["customer_id"].isna().sum() > 0 and (want["orders"] == 0).sum() == 8
    for col in want.columns:
        np.testing.assert_allclose(got[col].to_numpy(), want[col].to_numpy(), rtol=0, atol=1e-8,
                                   err_msg=col)


def test_behaviour_at_response_compares_ids_of_other_dtypes_as_text():
    tx = pd.DataFrame({"customer_id": [1, 1, 2], "order_date": pd.to_datetime(
        ["2024-01-01", "2024-01-03", "2024-01-02"]), "amount": [5.0, 7.0, 2.0]})
    survey = pd.DataFrame({"customer_id": pd.array(["1", "2", "1.0"], dtype="string"),
                           "response_date": pd.to_datetime(["2024-01-05"] * 3)})
    want = [[4.0, 2.0, 12.0], [3.0, 1.0, 2.0], [0.0, 0.0, 0.0]]  # "1.0" is not "1"
    cols = ["tenure_days", "orders", "spend"]
    for ids in (tx["customer_id"], tx["customer_id"].astype("Int64"),
                tx["customer_id"].astype(str).astype("category")):
        with pytest.warns(UserWarning, match="^1 linked respondents"):
            got = nps.behaviour_at_response(survey, tx.assign(customer_id=ids))
        assert got[cols].values.tolist() == want
