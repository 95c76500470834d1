"""Timing shared by the benchmark scripts: run a step, print its wall and CPU time."""

from __future__ import annotations

import time


def timed(label, fn, *, width=44, indent=""):
    """Run ``fn()``, print ``label`` with its wall and CPU seconds, and return its result.

    Parameters
    ----------
    label : str
    fn : callable
        Called without arguments.
    width : int
        Width of the label column.
    indent : str
        Printed before the label.

    Returns
    -------
    object
        What ``fn`` returned.

    Examples
    --------
    >>> timed("sum", lambda: sum(range(3)), width=4)  # doctest: +ELLIPSIS
    sum  wall ... s   cpu ... s
    3
    """
    w0, c0 = time.perf_counter(), time.process_time()
    out = fn()
    print(f"{indent}{label:<{width}} wall {time.perf_counter() - w0:8.2f} s   "
          f"cpu {time.process_time() - c0:8.2f} s", flush=True)
    return out
