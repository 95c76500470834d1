"""helpers.frames.isin against pandas' own isin."""

import numpy as np
import pandas as pd
import pytest

from helpers.frames import isin


@pytest.mark.parametrize("dtype", ["str", "string", object])
def test_isin_text_matches_pandas(dtype):
    rng = np.random.default_rng(3)
    pool = np.array([f"C{i:05d}" for i in range(500)], dtype=object)
    values = pd.Series(rng.choice(pool, 2_000), dtype=dtype)
    values.iloc[::97] = None
    other = pd.Index(rng.choice(pool, 300), dtype=dtype)
    expected = values.isin(other).fillna(False).to_numpy(dtype=bool) & values.notna().to_numpy()
    got = isin(values, other)
    assert got.dtype == bool and got.shape == (len(values),)
    np.testing.assert_array_equal(got, expected)
    np.testing.assert_array_equal(isin(pd.Index(values), list(other)), expected)


def test_isin_other_dtypes_and_mixed_go_to_pandas():
    np.testing.assert_array_equal(isin(pd.Index([1, 2, 3]), pd.Series([3, 1])), [True, False, True])
    # text ids against numbers never match, as in pandas
    np.testing.assert_array_equal(isin(pd.Index(["1", "2"], dtype="str"), [1, 2]), [False, False])
    assert isin(pd.Index([], dtype="str"), ["a"]).tolist() == []
