"""helpers.actions.view: the sample's customer view, predicted profit per action, the call list
(and their plots)."""

import numpy as np
import pandas as pd
import pytest

from helpers import actions
from tests.actions.checks import input_ids


def test_predicted_profit_by_action_call_list_and_playbook_table(playbook):
    v = pd.DataFrame({"rule": ["a", "a", "b", "c"], "action": ["Call now; then write", "Call now; then write",
                                                                 "Mail - soon", "Nothing"],
                      "owner": ["x", "x", "y", "z"], "priority": [1, 1, 5, 9],
                      "clv": [10.0, 30.0, 50.0, np.nan], "clv_lower": [9.0, 25.0, 40.0, np.nan],
                      "clv_upper": [11.0, 35.0, 60.0, np.nan], "matched": ["a;c", "a;b;c", "b;c", "c"],
                      "name": ["n1", "n2", "n3", "n4"]},
                     index=pd.Index(["k1", "k2", "k3", "k4"], name="customer_id"))
    vs = actions.predicted_profit_by_action(v)
    assert vs["rule"].tolist() == ["b", "a", "c"]
    assert vs["label"].tolist() == ["Mail", "Call now", "Nothing"]
    assert vs[["customers", "with_value", "value", "value_lower", "value_upper"]].values.tolist() == [
        [1, 1, 50.0, 40.0, 60.0], [2, 2, 40.0, 34.0, 46.0], [1, 0, 0.0, 0.0, 0.0]]
    assert vs["value_share"].tolist() == pytest.approx([50 / 90, 40 / 90, 0.0])
    calls = actions.call_list(v, 3)
    assert calls["customer_id"].tolist() == ["k2", "k1", "k3"]  # priority, then value
    assert actions.call_list(v, 10, max_priority=1)["customer_id"].tolist() == ["k2", "k1"]
    with pytest.raises(ValueError, match="n must be"):
        actions.call_list(v, 0)
    rules = [{"id": "c", "priority": 9, "action": "", "owner": "", "reason": "", "when": {}},
             {"id": "a", "priority": 1, "action": "", "owner": "", "reason": "", "when": {"x": 1}},
             {"id": "b", "priority": 5, "action": "", "owner": "", "reason": "", "when": {"x": 2}}]
    t = actions.playbook_table(rules, v)
    assert t["id"].tolist() == ["a", "b", "c"] and t["order"].tolist() == [1, 2, 3]
    assert t["customers"].tolist() == [2, 1, 1] and t["matched"].tolist() == [2, 2, 4]


def test_call_list_names_are_escaped_in_html():
    v = pd.DataFrame({"name": ['<script>alert("x")</script> Smith'], "priority": [1], "clv": [5.0],
                      "action": ["call"]}, index=pd.Index(["<i>C1</i>"], name="customer_id"))
    page = actions.call_list(v)._repr_html_()
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page
    assert "<i>C1" not in page and "&lt;i&gt;C1" in page


@pytest.fixture
def close_figures():
    import matplotlib

    matplotlib.use("Agg")
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


def test_plot_stage_group_heatmap(close_figures):
    import matplotlib.pyplot as plt

    from helpers import plots

    v = pd.DataFrame({"lifecycle_stage": pd.Categorical(["active", "active", "prospect", None],
                                                        categories=["prospect", "active", "lapsed"]),
                      "relationship_group": ["True Friends", "Strangers", None, "Strangers"]})
    ax = plots.plot_stage_group_heatmap(v, ax=plt.figure().gca())
    assert [t.get_text() for t in ax.get_yticklabels()] == ["prospect", "active"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["Strangers", "True Friends", "(no purchase)"]
    cells = [t.get_text() for t in ax.texts if "\n" in t.get_text()]
    assert cells == ["0\n0%", "0\n0%", "1\n33%", "1\n33%", "1\n33%", "0\n0%"]
    assert any("1 without a stage" in t.get_text() for t in ax.texts)
    with pytest.raises(ValueError, match="lacks column"):
        plots.plot_stage_group_heatmap(v.drop(columns="relationship_group"))


def test_plot_predicted_profit_by_action(close_figures):
    import matplotlib.pyplot as plt

    from helpers import plots

    t = pd.DataFrame({"label": ["Call", "Mail", "None"], "value": [100.0, 20.0, 0.0],
                      "value_lower": [90.0, 15.0, 0.0], "value_upper": [110.0, 25.0, 0.0],
                      "customers": [3, 40, 7], "priority": [1, 5, 9]})
    ax = plots.plot_predicted_profit_by_action(t, ax=plt.figure().gca(), currency="EUR")
    assert len(ax.patches) == 3
    assert [x.get_text() for x in ax.get_yticklabels()] == ["Call", "Mail", "None"]
    assert ax.get_xlabel() == "predicted profit (EUR)" and ax.get_title(loc="left")
    assert [p.get_width() for p in ax.patches] == [100.0, 20.0, 0.0]
    with pytest.raises(ValueError, match="lacks column"):
        plots.plot_predicted_profit_by_action(t.drop(columns="value_upper"))


def test_sample_view_has_every_customer_once_with_an_action(sample_view):
    ds, v = sample_view
    ids = input_ids(ds)
    assert v.index.is_unique and len(v) == len(ids) and set(v.index) == ids
    assert v["action"].notna().all() and v["rule"].notna().all()
    assert ((v["lifecycle_stage"] == "prospect") == ~v["in_transactions"]).all()
    assert v.loc[~v["in_transactions"], "relationship_group"].isna().all()
    assert v["nps_class"].isna().sum() > 0 and (v["n_orders"] == 0).sum() > 0


def test_sample_nps_facts_match_the_latest_answer(sample_view):
    ds, v = sample_view
    sv = ds.survey.dropna(subset=["customer_id"]).sort_values("response_date", kind="stable")
    latest = sv.drop_duplicates("customer_id", keep="last").set_index("customer_id")["score"]
    got = v["nps_score"].dropna()
    assert set(got.index) == set(latest.index)
    assert (got.astype(int) == latest.reindex(got.index).astype(int)).all()
    expected = np.select([got >= 9, got >= 7], ["promoter", "passive"], "detractor")
    assert (v.loc[got.index, "nps_class"].astype(str).to_numpy() == expected).all()


def test_sample_answer_age_and_the_48_hour_rules(sample_view):
    ds, v = sample_view
    end = pd.Timestamp(v.attrs["observation_end"])
    assert v.attrs["freshness_days"] == 30
    sv = ds.survey.dropna(subset=["customer_id"])
    sv = sv[sv["response_date"] <= end].sort_values("response_date", kind="stable")
    last = pd.to_datetime(sv.drop_duplicates("customer_id", keep="last")
                          .set_index("customer_id")["response_date"])
    has = v["answer_date"].notna()
    assert set(v.index[has]) == set(last.index)
    assert (v.loc[has, "answer_date"] == last.reindex(v.index[has])).all()
    age = (end.normalize() - last.dt.normalize()).dt.days.reindex(v.index[has])
    assert (v.loc[has, "answer_age_days"].astype(int) == age).all()
    assert (v["fresh_answer"] == (v["answer_age_days"] <= 30).fillna(False)).all()
    quick = v["rule"].isin(["close-the-loop-detractor", "save-true-friend-detractor"])
    assert quick.any() and v.loc[quick, "fresh_answer"].all()
    # older detractors keep their class (they count in the analysis) but get another action
    old = (v["nps_class"] == "detractor") & ~v["fresh_answer"]
    assert old.sum() > quick.sum() and not quick[old].any()


def test_sample_value_level_is_top_quarter(sample_view):
    _, v = sample_view
    cut = v["clv"].quantile(0.75)
    has = v["clv"].notna()
    assert ((v.loc[has, "value_level"] == "high") == (v.loc[has, "clv"] >= cut)).all()
    assert v.loc[~has, "value_level"].isna().all()


def test_view_reads_its_config_sections(sample_view, tmp_path):
    import dataclasses
    import warnings

    ds, _ = sample_view
    (tmp_path / "pb.yml").write_text(
        "- {id: vip, priority: 1, action: call, owner: a, reason: r, when: {value_level: high}, contact: personal,"
        " kind: nurture}\n"
        "- {id: rest, priority: 9, action: mail, owner: b, reason: r, when: {}, contact: automated, kind: standard}\n")
    cfg = {**ds.config, "config_path": tmp_path / "c.yml",
           "actions": {"value_split": 100, "playbook": "pb.yml", "freshness_days": 400},
           "relationship": {"n_boot": 0}}
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"\w score: .* share one value", category=UserWarning)
        v = actions.customer_view(dataclasses.replace(ds, config=cfg))
        for section in ("relationship", "lifecycle", "actions"):
            bad = {**cfg, section: {**cfg[section], "not_a_keyword": 1}}
            with pytest.raises(ValueError, match=rf"'{section}': unknown setting\(s\) \['not_a_keyword'\]"):
                actions.customer_view(dataclasses.replace(ds, config=bad))
    assert v["clv_lower"].isna().all()  # n_boot = 0 reached customer_relationships
    assert ((v["value_level"] == "high") == (v["clv"] >= 100)).all()
    assert ((v["rule"] == "vip") == (v["value_level"] == "high")).all() and set(v["rule"]) == {"vip", "rest"}
    assert v.attrs["playbook"] == str(tmp_path / "pb.yml")
    # the freshness window comes from the config (400 days instead of the default 30)
    assert v.attrs["freshness_days"] == 400
    assert (v["fresh_answer"] == (v["answer_age_days"] <= 400).fillna(False)).all()
    assert (v["answer_age_days"] > 30).any() and v["fresh_answer"].sum() > (v["answer_age_days"] <= 30).sum()


@pytest.mark.slow
def test_report_writes_csv_headline_and_escapes_names(sample_view, tmp_path):
    from helpers import report

    _, v = sample_view
    nb = report.NOTEBOOKS_DIR / "04_customer_actions.ipynb"
    # Lengthen the call list so that the sample's customer named <script>alert("x")</script> Smith
    # is in the report.
    ranked = actions.call_list(v, len(v))
    script_ids = v.index[v["name"].astype(str).str.contains("<script>", regex=False)]
    assert len(script_ids) == 1
    rank = int(np.flatnonzero(ranked["customer_id"].to_numpy() == script_ids[0])[0])
    r = report.run_all(notebooks=[nb], out_dir=tmp_path, jobs=1, pdf=False,
                       parameters={nb.name: {"top_n": rank + 1}})[0]
    assert r.ok, r.error
    csv = pd.read_csv(tmp_path / "customer_actions.csv", dtype={"customer_id": str})
    assert csv["customer_id"].is_unique and set(csv["customer_id"]) == set(v.index)
    page = (tmp_path / r.html).read_text(encoding="utf-8")
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert" in page  # shown, escaped
    assert actions.call_list(v, 15)["name"].iloc[0] in page  # names are shown
    for label in actions.predicted_profit_by_action(v)["label"].head(3):
        assert label in r.headline
    assert 'href="customer_actions.csv"' in (tmp_path / "index.html").read_text()


def test_predicted_profit_by_action_uses_the_interval_of_each_sum(sample_view):
    _, v = sample_view
    stake = actions.predicted_profit_by_action(v).set_index("rule")
    exact = pd.DataFrame.from_dict(v.attrs["value_by_rule"], orient="index")
    buyers = v[v["clv"].notna()]
    # the estimate is the customers' sum; the range comes from the same draws summed per rule
    np.testing.assert_allclose(exact["estimate"], buyers.groupby("rule")["clv"].sum().reindex(exact.index))
    assert (stake.loc[exact.index, "interval"] == "bootstrap of the sum").all()
    np.testing.assert_allclose(stake.loc[exact.index, "value_lower"], exact["lower"])
    assert (stake["value_lower"] <= stake["value"] + 1e-9).all()
    assert (stake["value"] <= stake["value_upper"] + 1e-9).all()
    # summing each customer's own bounds gives a range at least as wide as the interval of the sum
    # (equal when the customers' values move together over the draws; 1% for percentile noise)
    summed = buyers.groupby("rule")[["clv_lower", "clv_upper"]].sum().reindex(exact.index)
    assert ((summed["clv_upper"] - summed["clv_lower"]) >= 0.99 * (exact["upper"] - exact["lower"])).all()
    assert set(stake["interval"]) <= {"bootstrap of the sum", "no predicted value"}
    plain = actions.predicted_profit_by_action(v, by="relationship_group")
    assert (plain["interval"] == "sum of customer bounds").all()


def test_view_from_a_given_lifecycle_equals_the_view_that_computes_it(sample_view):
    """The run's shared lifecycle result (the cache hands it over) gives the same view."""
    import warnings

    from helpers import cache

    ds, want = sample_view
    r = cache.shared(folder=None)
    r._memory.clear()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lc = r.get("lifecycle")
        given = actions.customer_view(ds, lifecycle=lc, relationships=r.get("relationships"))
    pd.testing.assert_frame_equal(given, want)
    # and it is the one used: a changed segment shows in the view
    changed = lc.copy()
    first = changed.index[0]
    changed.loc[first, "rfm_segment"] = "Hibernating" if want.loc[first, "rfm_segment"] != "Hibernating" else "Champions"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        other = actions.customer_view(ds, lifecycle=changed, relationships=r.get("relationships"))
    assert other.loc[first, "rfm_segment"] == changed.loc[first, "rfm_segment"]
