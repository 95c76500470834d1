"""The exercise notebooks run in tests/exercises (with the solutions, wrong answers and unanswered),
not under nbval: their stored copies stay unanswered and unexecuted, and the solutions are data."""

collect_ignore_glob = ["*.ipynb", "solutions/*"]
