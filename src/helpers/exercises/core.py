"""The exercise engine: graded tasks whose right answers are computed from the task's inputs by the
framework helpers (or stored as salted hashes for judgement questions), and :meth:`Exercise.check`,
which says right, or what is wrong and where to look, without ever printing the right answer."""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field
from typing import Any, Callable

__all__ = ["Task", "Exercise", "Feedback", "salted_hash", "UNANSWERED", "RIGHT", "WRONG"]

UNANSWERED, RIGHT, WRONG = "not answered yet", "right", "wrong"
_SALT = "crm-notebooks exercises"


def salted_hash(answer: Any, key: str) -> str:
    """The stored form of a judgement answer: a salted SHA-256 of its normalised text.

    Parameters
    ----------
    answer : object
        The answer (compared case- and space-insensitively).
    key : str
        The task key, part of the salt, so equal answers of two tasks hash differently.

    Returns
    -------
    str
        64 hex digits.

    Examples
    --------
    >>> salted_hash(" B ", "q1") == salted_hash("b", "q1") != salted_hash("b", "q2")
    True
    """
    text = " ".join(str(answer).split()).casefold()
    return hashlib.sha256(f"{_SALT}|{key}|{text}".encode()).hexdigest()


@dataclass
class Feedback:
    """The result of one check: ``status`` (right, wrong, not answered yet) and the message shown."""

    key: str
    status: str
    message: str

    def __repr__(self) -> str:
        return self.message

    def __bool__(self) -> bool:
        return self.status == RIGHT


@dataclass
class Task:
    """One graded task.

    ``kind`` says how an answer is compared: ``"number"`` (within ``tol``), ``"label"`` (one name,
    case-insensitive; ``choices`` lists the valid ones), ``"labels"`` (a mapping or list of names, each
    graded), ``"bool"``, ``"interval"`` (a (low, high) pair within ``tol``) or ``"hashed"`` (a label
    checked against ``answer_hash``). ``expected`` computes the right answer from ``inputs`` with the
    framework helpers; ``hint`` says where to look when the answer is wrong.
    """

    key: str
    question: str
    kind: str
    hint: str
    expected: Callable[[], Any] | None = None
    inputs: Callable[[], Any] | None = None
    tol: float = 0.0
    choices: tuple = ()
    answer_hash: str | None = None
    unit: str = ""

    def grade(self, answer) -> Feedback:
        """Compare ``answer`` with the right one; the message never contains the right answer."""
        k = self.key
        if answer is None:
            return Feedback(k, UNANSWERED, f"{k}: not answered yet.")
        try:
            ok, detail = _GRADERS[self.kind](self, answer)
        except (TypeError, ValueError) as err:
            return Feedback(k, WRONG, f"{k}: cannot read this answer ({err}). {self.hint}")
        if ok:
            return Feedback(k, RIGHT, f"{k}: right.")
        return Feedback(k, WRONG, f"{k}: not right{': ' + detail if detail else ''}. Where to look: {self.hint}")


def _norm(x) -> str:
    return " ".join(str(x).split()).casefold()


def _number(task, answer):
    if isinstance(answer, bool) or not isinstance(answer, (int, float)) or not math.isfinite(answer):
        raise TypeError(f"expected a number{' in ' + task.unit if task.unit else ''}, got {answer!r}")
    diff = float(answer) - float(task.expected())
    if abs(diff) <= task.tol:
        return True, ""
    return False, "too high" if diff > 0 else "too low"


def _interval(task, answer):
    try:
        low, high = (float(v) for v in answer)
    except (TypeError, ValueError):
        raise TypeError(f"expected a pair (low, high), got {answer!r}") from None
    want = task.expected()
    bad = [name for name, a, w in (("the lower end", low, want[0]), ("the upper end", high, want[1]))
           if abs(a - w) > task.tol]
    return (not bad), " and ".join(bad) + (" is off" if len(bad) == 1 else " are off")


def _valid(task, value):
    if task.choices and _norm(value) not in {_norm(c) for c in task.choices}:
        raise ValueError(f"{value!r} is not one of: {', '.join(map(str, task.choices))}")


def _label(task, answer):
    _valid(task, answer)
    return _norm(answer) == _norm(task.expected()), ""


def _hashed(task, answer):
    _valid(task, answer)
    return salted_hash(answer, task.key) == task.answer_hash, ""


def _labels(task, answer):
    want = task.expected()
    if isinstance(want, dict):
        if not isinstance(answer, dict):
            raise TypeError(f"expected a dict like {{{next(iter(want))!r}: ...}}, got {type(answer).__name__}")
        missing = [k for k in want if k not in answer]
        if missing:
            return False, f"no answer for {', '.join(map(str, missing))}"
        pairs = list(want.items())
        got = [answer[k] for k in want]
    else:
        if isinstance(answer, (str, bytes)) or not hasattr(answer, "__len__"):
            raise TypeError(f"expected a list of {len(want)} names, got {answer!r}")
        if len(answer) != len(want):
            return False, f"expected {len(want)} names, got {len(answer)}"
        pairs = list(enumerate(want, 1))
        got = list(answer)
    for g in got:
        _valid(task, g)
    wrong = [str(k) for (k, w), g in zip(pairs, got) if _norm(w) != _norm(g)]
    if not wrong:
        return True, ""
    where = "positions (from 1)" if not isinstance(want, dict) else "customers"
    return False, f"{len(wrong)} of {len(pairs)} wrong ({where} {', '.join(wrong)})"


def _bool(task, answer):
    if not isinstance(answer, bool):
        raise TypeError(f"expected True or False, got {answer!r}")
    return answer == bool(task.expected()), ""


_GRADERS = {"number": _number, "interval": _interval, "label": _label, "labels": _labels,
            "bool": _bool, "hashed": _hashed}


@dataclass
class Exercise:
    """A framework's graded tasks, in order, and the results of the checks made so far.

    Examples
    --------
    >>> ex = Exercise("demo", [Task("q1", "2 + 2?", "number", "add the two numbers", expected=lambda: 4)])
    >>> ex.check("q1", None)
    q1: not answered yet.
    >>> ex.check("q1", 5)
    q1: not right: too high. Where to look: add the two numbers
    >>> ex.check("q1", 4)
    q1: right.
    >>> ex.results
    {'q1': 'right'}
    """

    name: str
    tasks: list[Task]
    results: dict = field(default_factory=dict)

    def __post_init__(self):
        self._by_key = {t.key: t for t in self.tasks}
        if len(self._by_key) != len(self.tasks):
            raise ValueError(f"{self.name}: task keys must be unique")
        for t in self.tasks:
            if t.kind not in _GRADERS:
                raise ValueError(f"{self.name} {t.key}: unknown kind {t.kind!r}; known: {sorted(_GRADERS)}")

    def task(self, key: str) -> Task:
        """The task ``key``; a ``KeyError`` lists the keys that exist."""
        if key not in self._by_key:
            raise KeyError(f"no task {key!r} in the {self.name} exercise; tasks: {', '.join(self._by_key)}")
        return self._by_key[key]

    def inputs(self, key: str):
        """The inputs of task ``key`` (a table or dict), to look at or compute with."""
        t = self.task(key)
        return None if t.inputs is None else t.inputs()

    def question(self, key: str) -> str:
        """The question of task ``key``, as Markdown."""
        return f"**{key}.** {self.task(key).question}"

    def check(self, key: str, answer) -> Feedback:
        """Check an answer: right, not answered yet, or what is wrong and where to look."""
        fb = self.task(key).grade(answer)
        self.results[key] = fb.status
        return fb

    def score(self) -> str:
        """How many tasks are right so far, as one line."""
        right = sum(s == RIGHT for s in self.results.values())
        return f"{right} of {len(self.tasks)} tasks right."
