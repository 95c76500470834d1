"""The data contract: the canonical columns of each input, the column mapping, and the Dataset.

Every loader (:mod:`helpers.io.load`) maps the user's column names onto the canonical ones below,
coerces types and validates; any other column is kept as a text attribute.

Canonical columns
-----------------
============  ==============  ===========================================================
input         column          meaning
============  ==============  ===========================================================
transactions  customer_id     required, text
              order_date      required, date
              amount          required, revenue; negative = refund or return
              order_id        optional; rows of one order are one purchase
              margin          optional; gross profit of the row
              discount        optional; discount given on the row
              profit          derived: ``margin`` if present, else ``amount * margin_rate``
survey        score           required, integer 0..10; labelled answers are parsed
              response_date   optional; needed for trends (without it they are skipped)
              period          optional; a wave or period label that stands in for the date
              customer_id     optional; links a response to transactions
              weight          optional survey weight (> 0)
customers     customer_id     required
              signup_date     optional
              referrals       optional count
============  ==============  ===========================================================

Any other column is kept as an attribute (region, plan, channel, comment, ...).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from helpers.io.quality import DataError, QualityLog

__all__ = ["SCHEMAS", "Dataset"]

#: The data contract: per input, the required and optional canonical columns and how each is typed.
SCHEMAS = {
    "transactions": {
        "required": ["customer_id", "order_date", "amount"],
        "optional": ["order_id", "margin", "discount"],
        "dates": ["order_date"],
        "numbers": ["amount", "margin", "discount"],
        "ids": ["customer_id", "order_id"],
    },
    "survey": {
        "required": ["score"],
        "optional": ["response_date", "customer_id", "weight", "period"],
        "dates": ["response_date"],
        "numbers": ["weight"],
        "ids": ["customer_id"],
    },
    "customers": {
        "required": ["customer_id"],
        "optional": ["signup_date", "referrals"],
        "dates": ["signup_date"],
        "numbers": ["referrals"],
        "ids": ["customer_id"],
    },
}


@dataclass
class Dataset:
    """The three loaded inputs, the configuration and the data-quality log of one run.

    Attributes
    ----------
    transactions, survey, customers : pandas.DataFrame
        Canonical tables (``survey`` and ``customers`` may be empty when the config gives no file).
    config : dict
        The resolved run configuration (see :func:`helpers.config.load_config`).
    log : QualityLog
    observation_end : pandas.Timestamp
        The "as of" date of the analysis.
    """

    transactions: pd.DataFrame
    survey: pd.DataFrame
    customers: pd.DataFrame
    config: dict
    log: QualityLog
    observation_end: pd.Timestamp


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _map_columns(df, path, name, mapping, log):
    schema = SCHEMAS[name]
    mapping = {k: v for k, v in (mapping or {}).items() if v}
    rename = {}
    for canonical, source in mapping.items():
        if source not in df.columns:
            raise DataError(path, source, f"the config maps {canonical!r} to {source!r}, which is not a "
                            f"column of the file (columns: {list(df.columns)})",
                            f"correct `columns: {name}: {canonical}:` in the config")
        rename[source] = canonical
    taken = set(rename.values()) | set(rename)
    for canonical in schema["required"] + schema["optional"]:
        if canonical in taken or canonical in df.columns:
            continue
        matches = [c for c in df.columns if _norm(c) == _norm(canonical) and c not in taken]
        if matches:
            rename[matches[0]] = canonical
            log.add(name, f"column {matches[0]!r} used as {canonical!r} (same name but for case and "
                    "punctuation)", "info", len(df))
    df = df.rename(columns=rename)
    missing = [c for c in schema["required"] if c not in df.columns]
    if missing:
        raise DataError(path, missing[0], f"required column {missing[0]!r} is missing; the file has "
                        f"{list(df.columns)}",
                        f"rename the column in the export or map it in the config: "
                        f"`columns: {name}: {missing[0]}: <your column name>`")
    return df


def _keep_attributes(df, out, name):
    """Copy the columns that are not in the input's schema into ``out`` as text attributes."""
    schema = SCHEMAS[name]["required"] + SCHEMAS[name]["optional"]
    for col in df.columns:
        if col not in out.columns and col not in schema:
            out[col] = df[col].replace("", pd.NA).astype("string")
