"""Load and validate the three inputs: transactions, NPS survey and customers.

Submodules:

- :mod:`helpers.io.read`     text decoding and encodings, separator sniffing, the CSV itself, and the
                             parsers of exported numbers, dates and NPS scores
- :mod:`helpers.io.schema`   the data contract (:data:`SCHEMAS`, the canonical columns), the column
                             mapping, and :class:`Dataset` (the loaded inputs of one run)
- :mod:`helpers.io.load`     the loaders: :func:`load_transactions`, :func:`load_survey`,
                             :func:`load_customers` and :func:`load_all` (one run, cross-checked)
- :mod:`helpers.io.quality`  :class:`DataError`, the :class:`QualityLog`, :func:`input_overview` and
                             :func:`data_warnings`

The run configuration these read is :mod:`helpers.config`.
"""

from helpers.io.load import load_all, load_customers, load_survey, load_transactions
from helpers.io.quality import N_EXAMPLES, DataError, QualityLog, data_warnings, input_overview
from helpers.io.read import parse_dates, parse_numbers, parse_scores
from helpers.io.schema import SCHEMAS, Dataset

__all__ = [
    "DataError",
    "QualityLog",
    "Dataset",
    "SCHEMAS",
    "N_EXAMPLES",
    "load_transactions",
    "load_survey",
    "load_customers",
    "load_all",
    "parse_numbers",
    "parse_dates",
    "parse_scores",
    "input_overview",
    "data_warnings",
]
