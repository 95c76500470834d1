"""The data-quality log and the one error for unusable input, plus what the loaded inputs hold.

Loaders never drop or change a row silently: every fix, drop or suspicious finding goes into a
:class:`QualityLog` (reason, count, example rows), which ``00_data_check`` shows and every report
can cite. Input that cannot be used raises one :class:`DataError` naming the file, the column, up to
five offending rows and the fix. :func:`input_overview` and :func:`data_warnings` summarise a loaded
:class:`helpers.io.schema.Dataset` for the analyst.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

from helpers.frames import isin

if TYPE_CHECKING:
    from helpers.io.schema import Dataset

__all__ = ["N_EXAMPLES", "DataError", "QualityLog", "input_overview", "data_warnings"]

#: Offending rows shown in an error message or kept in a log entry.
N_EXAMPLES = 5


class DataError(ValueError):
    """Input that cannot be used: names the file, the column, up to 5 offending rows and the fix.

    Parameters
    ----------
    file : str or Path
        The input file.
    column : str or None
        The column at fault (None when the whole file is).
    problem : str
        What is wrong.
    fix : str
        What the user should do.
    rows : pandas.DataFrame, optional
        Offending rows; the first five are shown with their line numbers in the file.

    Examples
    --------
    >>> err = DataError("survey.csv", "score", "scores outside 0..10", "correct the scores")
    >>> "survey.csv" in str(err) and "Fix:" in str(err)
    True
    """

    def __init__(self, file, column, problem, fix, rows=None):
        self.file, self.column, self.problem, self.fix = str(file), column, problem, fix
        self.rows = None if rows is None else rows.head(N_EXAMPLES)
        where = f"{self.file}" + (f", column {column!r}" if column else "")
        msg = f"{where}: {problem}."
        if self.rows is not None and len(self.rows):
            shown = self.rows.copy()
            shown.index = [f"line {i}" for i in shown.index]
            msg += f"\nOffending rows (up to {N_EXAMPLES}):\n{shown.to_string()}"
        msg += f"\nFix: {fix}"
        super().__init__(msg)


@dataclass
class QualityLog:
    """Record of every fix, drop and finding made while loading.

    Each entry has ``input`` (transactions / survey / customers / all), ``reason``, ``action``
    (``dropped``, ``fixed``, ``flagged`` or ``info``), ``count`` (rows concerned) and ``examples``
    (up to 5 rows as text, with their line numbers in the file).

    Examples
    --------
    >>> log = QualityLog()
    >>> log.add("survey", "blank answer", "dropped", 3)
    >>> log.to_frame()[["input", "action", "count"]].values.tolist()
    [['survey', 'dropped', 3]]
    """

    entries: list = field(default_factory=list)

    def add(self, input, reason, action, count, examples=None):
        """Add one entry (ignored when ``count`` is 0).

        Parameters
        ----------
        input : str
            Which input the entry is about.
        reason : str
            What was found, in words an analyst understands.
        action : {"dropped", "fixed", "flagged", "info"}
            What the loader did.
        count : int
            Number of rows concerned.
        examples : pandas.DataFrame, optional
            Offending rows; the first five are kept as text.

        Returns
        -------
        None

        Raises
        ------
        ValueError
            If ``action`` is not one of the four allowed values.
        """
        if action not in {"dropped", "fixed", "flagged", "info"}:
            raise ValueError(f"action must be dropped, fixed, flagged or info, not {action!r}")
        if not count:
            return
        text = ""
        if examples is not None and len(examples):
            ex = examples.head(N_EXAMPLES).copy()
            by_line = ex.index.name == "line"  # loaders index rows by their line in the file
            if by_line:
                ex.index = [f"line {i}" for i in ex.index]
            text = ex.to_string(max_colwidth=40, index=by_line)
        self.entries.append(
            {"input": input, "reason": reason, "action": action, "count": int(count), "examples": text}
        )

    def to_frame(self) -> pd.DataFrame:
        """Return the log as a table (input, action, reason, count, examples), in the order found.

        Returns
        -------
        pandas.DataFrame
        """
        cols = ["input", "action", "reason", "count", "examples"]
        return pd.DataFrame(self.entries, columns=cols)

    def dropped(self, input=None) -> int:
        """Total rows dropped, for one input or all.

        Parameters
        ----------
        input : str, optional

        Returns
        -------
        int
        """
        return int(sum(e["count"] for e in self.entries
                       if e["action"] == "dropped" and (input is None or e["input"] == input)))

    def __len__(self):
        return len(self.entries)


# ---------------------------------------------------------------------------------------------------
# What the inputs hold
# ---------------------------------------------------------------------------------------------------
def input_overview(ds: Dataset) -> pd.DataFrame:
    """Summarise each input in one row: rows, customers, date range and the main measures.

    Parameters
    ----------
    ds : Dataset
        As returned by :func:`helpers.io.load_all`.

    Returns
    -------
    pandas.DataFrame
        Index ``input`` (transactions, survey, customers); columns rows, customers, first, last,
        and a ``notes`` text with the input's key measures.

    Examples
    --------
    >>> from helpers.io import load_all
    >>> input_overview(load_all()).index.tolist()
    ['transactions', 'survey', 'customers']
    """
    tx, sv, cu = ds.transactions, ds.survey, ds.customers
    cur = ds.config.get("currency", "")
    orders = tx["order_id"].nunique() if "order_id" in tx else len(tx[["customer_id", "order_date"]]
                                                                   .drop_duplicates())
    refunds = tx["amount"] < 0
    rows = [
        {"input": "transactions", "rows": len(tx), "customers": tx["customer_id"].nunique(),
         "first": tx["order_date"].min(), "last": tx["order_date"].max(),
         "notes": f"{orders:,} orders; revenue {tx['amount'].sum():,.0f} {cur}, profit "
                  f"{tx['profit'].sum():,.0f} {cur}; {int(refunds.sum()):,} refund rows "
                  f"({-tx.loc[refunds, 'amount'].sum():,.0f} {cur})"},
        {"input": "survey", "rows": len(sv), "customers": sv["customer_id"].nunique(),
         "first": sv["response_date"].min() if len(sv) else pd.NaT,
         "last": sv["response_date"].max() if len(sv) else pd.NaT,
         "notes": (f"{sv['customer_id'].notna().mean():.0%} linked to a customer; mean score "
                   f"{sv['score'].mean():.1f}" if len(sv) else "no survey")},
        {"input": "customers", "rows": len(cu), "customers": cu["customer_id"].nunique(),
         "first": cu["signup_date"].min() if "signup_date" in cu else pd.NaT,
         "last": cu["signup_date"].max() if "signup_date" in cu else pd.NaT,
         "notes": f"{(~isin(cu['customer_id'], tx['customer_id'])).sum():,} never bought "
                  f"(prospects); attributes: {', '.join(c for c in cu.columns if c != 'customer_id')}"},
    ]
    out = pd.DataFrame(rows).set_index("input")
    for c in ("first", "last"):
        out[c] = pd.to_datetime(out[c]).dt.strftime("%Y-%m-%d").fillna("")
    return out


def data_warnings(ds: Dataset, *, max_drop_share=0.01, min_history_days=365, min_linked_share=0.5,
                  min_responses=100) -> list[str]:
    """List what an analyst must read before trusting the reports built on ``ds``.

    Parameters
    ----------
    ds : Dataset
    max_drop_share : float, default 0.01
        Warn when more than this share of an input's rows was dropped.
    min_history_days : int, default 365
        Warn when the transactions span less (lifetime models need history).
    min_linked_share : float, default 0.5
        Warn when fewer survey responses than this link to a customer.
    min_responses : int, default 100
        Warn when the survey has fewer responses (NPS intervals get wide).

    Returns
    -------
    list of str
        Plain sentences, empty when nothing needs attention.

    Examples
    --------
    >>> from helpers.io import load_all
    >>> isinstance(data_warnings(load_all()), list)
    True
    """
    out = []
    tx, sv = ds.transactions, ds.survey
    for name, kept in (("transactions", len(tx)), ("survey", len(sv)), ("customers", len(ds.customers))):
        dropped = ds.log.dropped(name)
        if dropped and dropped / (dropped + kept) > max_drop_share:
            out.append(f"{dropped:,} {name} rows ({dropped / (dropped + kept):.1%}) were dropped: "
                       "read the data-quality log below before using the reports.")
    span = (tx["order_date"].max() - tx["order_date"].min()).days
    if span < min_history_days:
        out.append(f"Transactions span only {span} days: lifetime models and cohort retention need "
                   f"at least {min_history_days} days to be reliable.")
    repeat = tx.groupby("customer_id")["order_date"].nunique().gt(1).mean()
    if repeat < 0.2:
        out.append(f"Only {repeat:.0%} of customers bought on more than one day: repeat-purchase models "
                   "have little to learn from.")
    if len(sv) == 0:
        out.append("No survey: the NPS report and the NPS parts of the action table are empty.")
    else:
        if len(sv) < min_responses:
            out.append(f"Only {len(sv)} survey responses: NPS confidence intervals will be wide.")
        linked = sv["customer_id"].notna().mean()
        if linked < min_linked_share:
            out.append(f"Only {linked:.0%} of survey responses link to a customer: NPS drivers and the "
                       "per-customer view use the linked ones only.")
    flagged = [e for e in ds.log.entries if e["action"] == "flagged"]
    for e in flagged:
        out.append(f"{e['count']:,} {e['input']} rows flagged: {e['reason']}.")
    return out
