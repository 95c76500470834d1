"""Shared by the io and config tests: the bad-export files and checks on the quality log."""

from pathlib import Path

import yaml

BAD = Path(__file__).resolve().parents[1] / "data" / "bad"


def reasons(log, action=None):
    return {e["reason"]: e["count"] for e in log.entries if action is None or e["action"] == action}


def has(log, fragment, action=None, count=None):
    hits = [(r, c) for r, c in reasons(log, action).items() if fragment in r]
    assert hits, f"no {action or ''} log entry containing {fragment!r}: {reasons(log)}"
    if count is not None:
        assert hits[0][1] == count, hits
    return hits[0]


def write_config(tmp_path, **over):
    for name in ("refunds.csv", "labelled_scores.csv"):
        (tmp_path / name).write_bytes((BAD / name).read_bytes())
    cfg = {"inputs": {"transactions": "refunds.csv", "survey": "labelled_scores.csv"}, **over}
    path = tmp_path / "c.yml"
    path.write_text(yaml.safe_dump(cfg))
    return path
