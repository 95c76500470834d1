"""Small pandas operations that stay fast on millions of customer ids.

pandas stores text as Arrow strings; a few of its operations on them still go through Python
objects one value at a time (``isin`` turns every value it looks for into a Python string first,
seconds for a million ids). The functions here take Arrow's own route for text and pandas' for
everything else, with pandas' results.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["isin"]


def _text_arrow(values):
    """The Arrow array behind a text Series / Index, or None when it is not Arrow text."""
    import pyarrow as pa

    arr = getattr(getattr(values, "array", None), "_pa_array", None)
    if arr is None or not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
        return None
    return arr


def isin(values, other) -> np.ndarray:
    """Whether each value is among ``other``, as ``values.isin(other)`` (missing values never match).

    Text on both sides is compared through Arrow's hash set; any other dtype goes to pandas.

    Parameters
    ----------
    values : pandas.Series or pandas.Index
        The values to look up (e.g. customer ids).
    other : pandas.Series, pandas.Index or list-like
        The values to look for.

    Returns
    -------
    numpy.ndarray of bool
        One flag per value, in order.

    Examples
    --------
    >>> isin(pd.Index(["a", "b", None], dtype="str"), pd.Series(["b", "c"], dtype="str")).tolist()
    [False, True, False]
    >>> isin(pd.Index([1, 2, 3]), [3, 4]).tolist()
    [False, False, True]
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    if not isinstance(values, (pd.Series, pd.Index)):
        values = pd.Index(values)
    left = _text_arrow(values)
    right = _text_arrow(other if isinstance(other, (pd.Series, pd.Index)) else pd.Index(other))
    if left is None or right is None:
        out = values.isin(other)
        return np.asarray(out.fillna(False) if isinstance(out, pd.Series) else out, dtype=bool)
    if isinstance(right, pa.ChunkedArray):
        right = right.combine_chunks()
    hit = pc.is_in(left, value_set=right.cast(left.type), skip_nulls=True)
    return pc.fill_null(hit, False).to_numpy(zero_copy_only=False).astype(bool, copy=False)
