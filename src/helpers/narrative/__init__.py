"""Every generated sentence of the reports, as tested functions of the results.

A notebook computes its tables and numbers with the framework packages, then
passes them to a function here, which returns Markdown (a string, or a list of
strings to show one by one). The submodules:

- :mod:`helpers.narrative.text`        shared formatting: ``escape`` (user data in
  Markdown/HTML), ``signed``, ``pct``, ``p_value``, ``join_words``, ``bullets``
- :mod:`helpers.narrative.data_check`  00_data_check: the data set line, the log's
  example rows, the warnings, the headline
- :mod:`helpers.narrative.nps`         01_nps: data line, year-on-year and driver
  notes, Interpret, Act
- :mod:`helpers.narrative.lifecycle`   02_lifecycle: data and computation notes,
  evidence per phase, report tables, Interpret, Act, headline
- :mod:`helpers.narrative.relationship` 03_relationship_groups: model and spend checks, axes,
  value, migration, NPS per group, strategies, headline
- :mod:`helpers.narrative.actions`     04_customer_actions: the view, NPS per segment, value,
  actions, urgency, headline
- :mod:`helpers.narrative.guide`       00_start_here and glossary: their headlines

Notebooks call them through the package: ``from helpers import narrative`` then
``display(Markdown(narrative.lifecycle.interpret(...)))``.
"""

from helpers.narrative import actions, data_check, guide, lifecycle, nps, relationship, text
from helpers.narrative.text import bullets, escape, join_words, p_value, pct, signed

__all__ = ["text", "data_check", "nps", "lifecycle", "relationship", "actions", "guide",
           "escape", "signed", "pct", "p_value", "join_words", "bullets"]
