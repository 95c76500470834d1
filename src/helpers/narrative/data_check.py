"""The sentences of ``00_data_check``: what was loaded, what the log says, what to read first."""

from __future__ import annotations

import pandas as pd

from helpers.narrative.text import bullets, escape, join_words

__all__ = ["dataset_line", "log_examples", "warnings_text", "headline", "cache_line", "NO_TRANSACTIONS"]

NO_WARNINGS = "No warnings: the inputs are complete enough for every report."
NO_CACHE = ("No result cache: each report loads the data and fits the models it needs itself "
            "(`python -m helpers.report` builds them once per run and shares them).")

#: Said instead of the purchase figures in a survey-only run.
NO_TRANSACTIONS = ("No transactions file: a survey-only run. The NPS report runs; the lifecycle, "
                   "relationship-group and customer-action reports need purchases and are not run "
                   "(the index page says so).")


def dataset_line(name, observation_end, currency) -> str:
    """One line naming the data set, its observation end and its currency.

    Parameters
    ----------
    name : str
        The data set's name (``config["name"]``).
    observation_end : datetime-like
        The "as of" date of the run.
    currency : str
        The currency of the amounts.

    Returns
    -------
    str
        Markdown: ``**name**, as of **YYYY-MM-DD**; amounts in EUR.``

    Examples
    --------
    >>> dataset_line("Shop", pd.Timestamp("2025-12-31"), "EUR")
    '**Shop**, as of **2025-12-31**; amounts in EUR.'
    >>> dataset_line("Survey", pd.NaT, "EUR")
    '**Survey**, with no dates to set an as-of date.'
    """
    if pd.isna(observation_end):
        return f"**{escape(name)}**, with no dates to set an as-of date."
    return (f"**{escape(name)}**, as of **{pd.Timestamp(observation_end):%Y-%m-%d}**; "
            f"amounts in {escape(currency)}.")


def log_examples(log) -> list[str]:
    """One Markdown block per data-quality log entry that has example rows.

    Parameters
    ----------
    log : DataFrame
        The data-quality log as a table (``Dataset.log.to_frame()``): columns ``input``,
        ``reason``, ``count`` and ``examples`` (the example rows as text; ``""`` for none).

    Returns
    -------
    list of str
        For each entry with examples, in log order: a bold title (input, reason, row count)
        and the example rows in a code block, as they stand in the file.

    Examples
    --------
    >>> log = pd.DataFrame({"input": ["survey"], "reason": ["blank answer"], "count": [1200],
    ...                     "examples": ["line 3  R1  ..."]})
    >>> print(log_examples(log)[0])
    **survey: blank answer** (1,200 rows)
    <BLANKLINE>
    ```
    line 3  R1  ...
    ```
    """
    return [f"**{escape(entry['input'])}: {escape(entry['reason'])}** ({entry['count']:,} rows)"
            f"\n\n```\n{entry['examples']}\n```"
            for _, entry in log[log["examples"] != ""].iterrows()]


def warnings_text(warnings) -> str:
    """The data warnings as a Markdown list, or a sentence saying there are none.

    Parameters
    ----------
    warnings : list of str
        Plain sentences (``data.data_warnings(ds)``).

    Returns
    -------
    str
        Markdown.

    Examples
    --------
    >>> warnings_text(["Only 12 survey responses."])
    '- Only 12 survey responses.'
    >>> warnings_text([])
    'No warnings: the inputs are complete enough for every report.'
    """
    return bullets(escape(w) for w in warnings) if len(warnings) else NO_WARNINGS


def headline(transactions, n_survey, observation_end, dropped, n_warnings) -> str:
    """The one-line summary of the inputs, for the report index.

    Parameters
    ----------
    transactions : DataFrame
        The loaded transactions (``customer_id``, ``order_date``).
    n_survey : int
        Number of survey responses loaded.
    observation_end : datetime-like
        The "as of" date of the run.
    dropped : int
        Rows dropped by the loaders (all inputs).
    n_warnings : int
        Number of data warnings.

    Returns
    -------
    str
        Markdown.

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "b"],
    ...                    "order_date": pd.to_datetime(["2024-01-02", "2024-03-01", "2024-02-01"])})
    >>> headline(tx, 1500, pd.Timestamp("2024-12-31"), 2, 0)
    '3 transaction rows from 2 customers (2024-01-02 to 2024-12-31), 1,500 survey responses; 2 rows dropped, 0 warning(s).'
    >>> headline(tx.iloc[:0], 80, pd.NaT, 0, 1)
    'Survey only: 80 survey responses, no transactions file; 0 rows dropped, 1 warning(s).'
    """
    if not len(transactions):
        return (f"Survey only: {n_survey:,} survey responses, no transactions file; {dropped:,} rows "
                f"dropped, {n_warnings} warning(s).")
    start = transactions["order_date"].min()
    start_text = f"{start:%Y-%m-%d}" if pd.notna(start) else "no purchase"
    return (f"{len(transactions):,} transaction rows from "
            f"{transactions['customer_id'].nunique():,} customers "
            f"({start_text} to {pd.Timestamp(observation_end):%Y-%m-%d}), "
            f"{n_survey:,} survey responses; {dropped:,} rows dropped, {n_warnings} warning(s).")


def cache_line(status, *, cached=True, labels=None) -> str:
    """Which shared results of the run came from the result cache and which were built for it.

    Parameters
    ----------
    status : dict
        ``{name: "reused" | "built"}`` (:meth:`helpers.cache.SharedResults.status`): ``"reused"``
        means read back from an earlier run on the same input files, settings and code,
        ``"built"`` built once for this run.
    cached : bool, default True
        Whether a cache folder is in use (False: a notebook run alone, every report builds its own).
    labels : dict, optional
        Words for each name; default :data:`helpers.cache.LABELS`.

    Returns
    -------
    str
        Markdown, one or two sentences.

    Examples
    --------
    >>> cache_line({"data": "reused", "relationships": "reused", "view": "built"})
    'Reused from the result cache (an earlier run on the same input files, settings and code): the loaded data and the relationship model fit. Built once for this run and shared by the reports: the customer view.'
    >>> cache_line({}, cached=False) == NO_CACHE
    True
    """
    if not cached:
        return NO_CACHE
    if labels is None:
        from helpers.cache import LABELS as labels
    words = {what: [labels.get(name, name) for name, how in status.items() if how == what]
             for what in ("reused", "built")}
    parts = []
    if words["reused"]:
        parts.append("Reused from the result cache (an earlier run on the same input files, settings and "
                     f"code): {join_words(words['reused'])}.")
    if words["built"]:
        parts.append(f"Built once for this run and shared by the reports: {join_words(words['built'])}.")
    return " ".join(parts) or "Result cache in use; no shared result was needed yet."
