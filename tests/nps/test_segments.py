"""Tests of helpers.nps.segments: each segment against the rest, Holm, chi-square."""

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from helpers import nps

from .common import seg_frame, trinomial_se


def test_segments_against_rest_with_holm():
    df = seg_frame()
    res = nps.compare_segments(df, "region", method="wald")
    assert res["segment"].tolist() == ["North", "South", "West"]
    assert res["nps"].tolist() == pytest.approx([3000 / 55, -1000 / 55, 0])
    # North against the rest (South + West: 35 promoters, 15 passives, 45 detractors of 95)
    p_r, d_r = 35 / 95, 45 / 95
    se = math.sqrt(trinomial_se(40 / 55, 10 / 55, 55) ** 2 + trinomial_se(p_r, d_r, 95) ** 2)
    north = res.iloc[0]
    assert north["reference"] == "rest" and north["nps_ref"] == pytest.approx(100 * (p_r - d_r))
    assert north["diff_se"] == pytest.approx(100 * se)
    assert north["p_value"] == pytest.approx(2 * stats.norm.sf((30 / 55 - (p_r - d_r)) / se))
    # Holm by hand: sort p, multiply by m, m-1, ..., keep monotone, cap at 1
    p = res["p_value"].to_numpy()
    order = np.argsort(p)
    adj = np.minimum(1, np.maximum.accumulate(p[order] * np.array([3, 2, 1])))
    expected = np.empty(3)
    expected[order] = adj
    assert res["p_adj"].to_numpy() == pytest.approx(expected)
    assert res["significant"].tolist() == (expected < 0.05).tolist()


def test_segments_chi_square_by_hand():
    df = seg_frame()
    df.index = [0] * len(df)  # a repeated index must not change anything
    res = nps.compare_segments(df, "region")
    obs = np.array([[10, 5, 40], [30, 5, 20], [15, 10, 15]])  # detractor, passive, promoter
    exp = obs.sum(1, keepdims=True) * obs.sum(0, keepdims=True) / obs.sum()
    chi2 = ((obs - exp) ** 2 / exp).sum()
    assert res.attrs["chi2"]["chi2"] == pytest.approx(chi2)
    assert res.attrs["chi2"]["dof"] == 4
    assert res.attrs["chi2"]["p_value"] == pytest.approx(stats.chi2.sf(chi2, 4))


def test_segments_baseline_and_weighted_rest():
    df = seg_frame()
    res = nps.compare_segments(df, "region", baseline="West")
    west = res.set_index("segment").loc["West"]
    assert np.isnan(west["diff"]) and np.isnan(west["p_adj"])
    assert res.set_index("segment").loc["North", "diff"] == pytest.approx(3000 / 55)
    # weighted: the "rest" must equal an explicit comparison with the other rows
    rng = np.random.default_rng(2)
    df["weight"] = rng.uniform(0.5, 2.0, len(df))
    res_w = nps.compare_segments(df, "region", weight="weight")
    for seg in ("North", "South", "West"):
        ref = nps.compare(df[df.region == seg], df[df.region != seg], weight="weight")
        row = res_w.set_index("segment").loc[seg]
        assert (row["diff"], row["diff_se"], row["p_value"]) == pytest.approx(
            (ref["diff"], ref["se"], ref["p_value"]))


def test_segments_bad_input_and_missing_segments():
    df = seg_frame()
    with pytest.raises(ValueError, match="baseline 'East'"):
        nps.compare_segments(df, "region", baseline="East")
    with pytest.raises(ValueError, match="fewer than 2 segments"):
        nps.compare_segments(df[df.region == "North"], "region")
    with pytest.raises(ValueError, match="no column 'plan'"):
        nps.compare_segments(df, "plan")
    df.loc[0, "region"] = None
    with pytest.warns(UserWarning, match="1 answers have no 'region'"):
        res = nps.compare_segments(df, "region")
    assert res["n"].sum() == len(df) - 1


def test_frame_functions_warn_about_missing_scores():
    df = seg_frame()
    df["score"] = df["score"].astype("Int64")
    df.loc[[0, 1], "score"] = pd.NA
    with pytest.warns(UserWarning, match="2 of 150 rows have no score"):
        res = nps.compare_segments(df, "region")
    assert res["n"].sum() == 148


def test_segments_bootstrap_size_and_seed_are_parameters():
    df = seg_frame()
    default = nps.compare_segments(df, "region", method="bootstrap")
    same = nps.compare_segments(df, "region", method="bootstrap", n_boot=2000, seed=0)
    pd.testing.assert_frame_equal(default, same)
    other = nps.compare_segments(df, "region", method="bootstrap", n_boot=500, seed=3)
    assert not np.allclose(other["ci_low"], default["ci_low"])
    # each segment's interval is the bootstrap of nps_summary with the same size and seed
    north = nps.nps_summary(df.loc[df.region == "North", "score"], method="bootstrap", n_boot=500,
                            seed=3)
    assert other.loc[0, ["ci_low", "ci_high"]].tolist() == [north["ci_low"], north["ci_high"]]
    assert other["nps"].tolist() == default["nps"].tolist()  # the point estimates do not move
