"""Every generated sentence of the reports, as tested functions of the results.

A notebook computes its tables and numbers with the framework packages, then
passes them to a function here, which returns Markdown. The submodules:

- :mod:`helpers.narrative.text`        shared formatting: ``escape``, ``signed``,
  ``pct``, ``join_words``, ``bullets``
"""

from helpers.narrative import text
from helpers.narrative.text import bullets, escape, join_words, pct, signed

__all__ = ["text", "escape", "signed", "pct", "join_words", "bullets"]
