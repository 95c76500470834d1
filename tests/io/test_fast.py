"""The fast paths of loading give what the plain pandas code gives.

Every bad-input case and the bundled sample are loaded twice, with pyarrow's CSV reader
(``FAST_CSV``) and with the pandas parser, and must give equal frames, equal logs and equal errors.
The vectorised checks are compared with the plain pandas or Python computation they replace.
"""

import numpy as np
import pandas as pd
import pytest

from helpers.io import DataError, QualityLog, load_all, read
from helpers.io.load import _duplicated, _is_null_id, _null_like, _padded
from helpers.io.read import _SPACE_CHARS, _isin, _unpadded
from helpers.paths import SAMPLE_DIR

from .test_bad_inputs import CASES, _load


def _outcome(case, fast, monkeypatch):
    monkeypatch.setattr(read, "FAST_CSV", fast)
    log = QualityLog()
    try:
        out = _load(case, log)
    except DataError as exc:
        return ("error", str(exc), log.entries)
    return ("ok", out, log.entries)


@pytest.mark.parametrize("case", CASES, ids=[f"{i:03d}-{c['file']}" for i, c in enumerate(CASES)])
def test_bad_inputs_read_alike_by_both_parsers(case, monkeypatch):
    fast, plain = (_outcome(case, flag, monkeypatch) for flag in (True, False))
    assert fast[0] == plain[0]
    if fast[0] == "error":
        assert fast[1] == plain[1]
    else:
        pd.testing.assert_frame_equal(fast[1], plain[1], check_exact=True)
    assert fast[2] == plain[2]


def test_sample_reads_alike_by_both_parsers(monkeypatch):
    runs = []
    for flag in (True, False):
        monkeypatch.setattr(read, "FAST_CSV", flag)
        runs.append(load_all(SAMPLE_DIR / "config.yml"))
    fast, plain = runs
    for name in ("transactions", "survey", "customers"):
        pd.testing.assert_frame_equal(getattr(fast, name), getattr(plain, name), check_exact=True)
    assert fast.log.entries == plain.log.entries


def _messy_frame(n, seed=0):
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({
        "a": rng.choice(["x", "y", "z", "é", ""], n),
        "b": rng.integers(0, 40, n).astype(str),
        "c": rng.choice(["1.5", "2", "NaN", "-"], n),
    }).astype("str")
    df.loc[rng.random(n) < 0.05, "b"] = np.nan  # missing values equal each other, as in pandas
    df["d"] = rng.integers(0, 3, n).astype(float)  # a derived (numeric) column
    return df


@pytest.mark.parametrize("n", [200, 60_000])
def test_duplicated_is_pandas_duplicated(n):
    df = _messy_frame(n)
    expected = df.duplicated(keep="first").to_numpy()
    assert expected.any() and not expected.all()
    np.testing.assert_array_equal(_duplicated(df), expected)


def test_duplicated_on_unique_rows_and_object_columns():
    df = pd.DataFrame({"id": [f"C{i}" for i in range(60_000)], "v": ["1"] * 60_000}, dtype=object)
    assert not _duplicated(df).any()
    df.loc[59_999, "id"] = "C7"
    assert np.flatnonzero(_duplicated(df)).tolist() == [59_999]


def test_null_like_is_the_python_rule():
    values = pd.Series(["NULL", "null", "N/A", "nAn", "0", "000", "0.0", "C001", "", "(Blank)",
                        "ＮＵＬＬ", "İ", "Nıl", "ñull", "None ", np.nan, "-", "--", "- -", "00a"],
                       dtype="str")
    expected = [_is_null_id(v) for v in values]
    assert _null_like(values).tolist() == expected
    assert sum(expected) == 9  # NULL null N/A nAn 0 000 (Blank) - --


def test_isin_is_pandas_isin():
    values = pd.Series(["C1", "C2", np.nan, "C3", "c1"], dtype="str")
    other = pd.Series(["C1", "C3", "C9"], dtype="string")
    assert _isin(values, other).tolist() == [True, False, False, True, False]
    assert _isin(pd.Index(["C3", "C4"], dtype="str"), other).tolist() == [True, False]


def test_padded_finds_every_python_whitespace_at_either_end():
    for ch in _SPACE_CHARS:
        for value in (f"{ch}A1", f"A1{ch}"):
            assert _padded(pd.Series(["B2", value], dtype="str")), repr(value)
    assert not _padded(pd.Series(["A 1", "B\u00a02", ""], dtype="str"))
    assert _padded(pd.Series(["A", np.nan], dtype="str"))  # missing: left to the exact check


@pytest.mark.parametrize("body, expected", [
    (b"id,amount\nC1,2.50\nC2,3\n", True),
    (b"id,amount\nC1,2.50 \nC2,3\n", False),
    (b"id,amount\nC1\xc2\xa0,2.50\n", False),  # a non-breaking space after a value
    (b'id,amount\n"C1 ",2.50\n', False),  # inside quotes
    (b"id\tamount\nC1\t2\n", True),  # the tab is the separator
])
def test_unpadded_byte_check(body, expected):
    sep = "\t" if b"\t" in body.split(b"\n")[0] else ","
    assert _unpadded(body, sep) is expected
    if expected:  # what the byte check promises: no value changes when stripped
        df = pd.read_csv(pd.io.common.BytesIO(body), sep=sep, dtype=str, keep_default_na=False)
        assert (df == df.apply(lambda c: c.str.strip())).all().all()


def test_sort_by_date_and_id_is_pandas_stable_sort():
    from helpers.io.load import _sort_by_date_and_id

    rng = np.random.default_rng(3)
    n = 120_000
    out = pd.DataFrame({
        "customer_id": pd.array(rng.choice(["C1", "C10", "C2", "c1", "Ä", "B"], n), dtype="string"),
        "order_date": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 30, n), unit="D"),
        "amount": np.arange(n, dtype=float),  # ties in (date, id) keep their order: stable
    }, index=pd.Index(rng.permutation(n) + 2, name="line"))
    pd.testing.assert_frame_equal(_sort_by_date_and_id(out),
                                  out.sort_values(["order_date", "customer_id"], kind="stable"))


@pytest.mark.parametrize("n, sparse_drops", [(1_000, False), (150_000, False), (150_000, True)])
def test_keep_is_loc(n, sparse_drops):
    from helpers.io.load import _keep

    rng = np.random.default_rng(4)
    df = pd.DataFrame({
        "t": pd.array(rng.choice(["a", "b", ""], n), dtype="str"),
        "s": pd.array(rng.choice(["x", None], n), dtype="string"),
        "f": rng.random(n), "i": pd.array(rng.integers(0, 3, n), dtype="Int64"),
        "d": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 9, n), unit="D"),
        "o": np.array(rng.choice(["p", "q"], n), dtype=object),
    }, index=pd.Index(np.arange(n) + 2, name="line"))
    df.attrs["derived"] = {"f"}
    keep = rng.random(n) < (0.7 if sparse_drops is False else 0.9999)  # many runs, or a few slices
    expected = df.loc[keep]
    got = _keep(df, keep)
    pd.testing.assert_frame_equal(got, expected)
    assert got.attrs == {"derived": {"f"}}
    consumed = _keep(df, keep, consume=True)  # empties df as it goes (when large)
    pd.testing.assert_frame_equal(consumed, expected)
    assert df.shape[1] == (0 if n > 100_000 else 6)
