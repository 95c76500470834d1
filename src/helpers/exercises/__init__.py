"""Exercises with checked answers, one module per framework (``notebooks/exercises/``).

Each module holds an :class:`~helpers.exercises.core.Exercise` of about ten graded tasks and exposes
``check(key, answer)``, ``inputs(key)`` and ``question(key)``. ``check`` says right, not answered yet,
or what is wrong and where to look in the reports, and never prints the right answer: right answers
are computed from the task's inputs by the framework helpers at check time, or, for judgement
questions, stored as salted hashes (:func:`~helpers.exercises.core.salted_hash`).

- :mod:`~helpers.exercises.nps`: classify answers, the NPS, its standard error and interval, a
  segment difference, a change between years, the sample size;
- :mod:`~helpers.exercises.lifecycle`: stages, the loyalty ladder, RFM segments and their actions,
  changing a stage window;
- :mod:`~helpers.exercises.relationship`: what P(alive) means, expected purchases, relationship
  groups and their strategies, changing a split line;
- :mod:`~helpers.exercises.actions`: the playbook's action for a customer, buyer types, service
  personas and the relationship type an action uses;
- :mod:`~helpers.exercises.case`: the CDNOW case study (published BG/NBD estimates reproduced, then
  relationship groups and actions), imported on its own: ``from helpers.exercises import case``.

Examples
--------
>>> from helpers.exercises import nps
>>> nps.check("q3", None)
q3: not answered yet.
>>> sorted(EXERCISES)
['actions', 'lifecycle', 'nps', 'relationship']
"""

from helpers.exercises import actions, lifecycle, nps, relationship
from helpers.exercises.core import RIGHT, UNANSWERED, WRONG, Exercise, Feedback, Task, salted_hash

#: The exercise of each framework, by notebook name (``notebooks/exercises/<name>.ipynb``).
EXERCISES = {m.EXERCISE.name: m for m in (nps, lifecycle, relationship, actions)}

__all__ = ["EXERCISES", "Exercise", "Task", "Feedback", "salted_hash", "RIGHT", "WRONG", "UNANSWERED",
           "nps", "lifecycle", "relationship", "actions"]
