"""The bad-input suite: every case of tests/data/bad/cases.csv ends in a logged fix or one clear error.

Each row names a file, the input it is loaded as, config overrides (YAML), and the expected outcome:
``fix`` or ``flag`` (a log entry whose reason contains ``message``, with ``count`` rows) or ``error``
(a :class:`DataError` whose text contains every ``;``-separated word group of ``message``).
"""

import csv
import warnings

import pytest
import yaml

from helpers.io import DataError, QualityLog, load_customers, load_survey, load_transactions

from .checks import BAD

LOADERS = {"transactions": load_transactions, "survey": load_survey, "customers": load_customers}
with open(BAD / "cases.csv", newline="", encoding="utf-8") as fh:
    CASES = list(csv.DictReader(fh))


def _load(case, log):
    over = yaml.safe_load(case["config"]) or {}
    kwargs = {"columns": over.get("columns"), "read": over.get("read"),
              "exclude": over.get("exclude"), "log": log}
    if "observation_end" in over:
        kwargs["observation_end"] = over["observation_end"]
    return LOADERS[case["input"]](BAD / case["file"], **kwargs)


def test_suite_is_large_and_every_file_is_used():
    assert len(CASES) >= 80
    used = {c["file"] for c in CASES}
    on_disk = {p.name for p in BAD.iterdir() if p.name != "cases.csv"}
    assert on_disk == used, sorted(on_disk ^ used)


@pytest.mark.parametrize("case", CASES, ids=[f"{i:03d}-{c['file']}" for i, c in enumerate(CASES)])
def test_bad_input(case):
    log = QualityLog()
    if case["expect"] == "error":
        with pytest.raises(DataError) as info:
            _load(case, log)
        text = str(info.value)
        assert str(BAD / case["file"]) in text and "Fix:" in text
        for words in case["message"].split(";"):
            assert words in text, f"{words!r} not in the error:\n{text}"
        return
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a fix is logged, never only warned about
        out = _load(case, log)
    assert len(out) > 0
    action = {"fix": {"fixed", "dropped", "info"}, "flag": {"flagged"}}[case["expect"]]
    hits = [e for e in log.entries if case["message"] in e["reason"] and e["action"] in action]
    found = log.to_frame()[["action", "reason", "count"]]
    assert hits, f"no {case['expect']} entry with {case['message']!r}:\n{found}"
    assert hits[0]["count"] == int(case["count"]), hits[0]
