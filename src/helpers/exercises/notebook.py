"""The trainee notebooks ``notebooks/exercises/<name>.ipynb``, written from the exercise modules, so
that a changed task changes its notebook: ``python -m helpers.exercises`` rewrites them (unanswered,
without outputs)."""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from helpers.paths import NOTEBOOKS_DIR

__all__ = ["INTRO", "exercise_notebook", "write_notebooks"]

#: Title, report and a note on the shared inputs of each exercise.
INTRO = {
    "nps": ("NPS: classify, compute, compare", "01_nps", "`ex.inputs(...)` gives each task's data."),
    "lifecycle": ("Lifecycle: stages, the loyalty ladder and RFM", "02_lifecycle",
                  "Six customers' purchases; the stage windows are in `ex.inputs('windows')`."),
    "relationship": ("Relationship groups: P(alive), groups and strategies", "03_relationship_groups",
                     "The BG/NBD parameters are in `ex.inputs('params')` (the CDNOW estimates of Fader, "
                     "Hardie & Lee, 2005)."),
    "actions": ("Customer actions: the playbook, buyer types and service personas", "04_customer_actions",
                "The playbook's rules are in `ex.inputs('rules')`."),
}
_SETUP = {"lifecycle": 'ex.inputs("windows")', "relationship": 'ex.inputs("params")',
          "actions": 'ex.inputs("rules")'}
_KERNEL = {"kernelspec": {"display_name": "Python 3 (crm-notebooks)", "language": "python", "name": "python3"},
           "language_info": {"name": "python"}}


def exercise_notebook(name: str) -> nbformat.NotebookNode:
    """The unanswered trainee notebook of one exercise.

    Parameters
    ----------
    name : str
        A key of :data:`helpers.exercises.EXERCISES`.

    Returns
    -------
    nbformat.NotebookNode
        An introduction, the import, then per task its question, its inputs (when it has some) and
        ``qN = None  # your answer`` with ``ex.check("qN", qN)``; the score last.

    Raises
    ------
    KeyError
        If ``name`` is not an exercise.

    Examples
    --------
    >>> nb = exercise_notebook("nps")
    >>> nb.cells[1].source
    'from helpers.exercises import nps as ex'
    """
    from helpers.exercises import EXERCISES

    if name not in EXERCISES:
        raise KeyError(f"no exercise {name!r}; exercises: {sorted(EXERCISES)}")
    mod = EXERCISES[name]
    title, report, note = INTRO[name]
    cells = [new_markdown_cell(
        f"# Exercise: {title}\n\n"
        f"Practise on [{report}](../{report}.ipynb) and the [glossary](../glossary.ipynb). Each task says "
        f"what to compute or decide. Write your answer in place of `None` and run the cell: `ex.check` says "
        f"**right**, or what is wrong and where to look in the report, and never shows the answer. "
        f"An unanswered task says *not answered yet*. {note}"),
        new_code_cell(f"from helpers.exercises import {name} as ex")]
    if name in _SETUP:
        cells.append(new_code_cell(_SETUP[name]))
    for t in mod.EXERCISE.tasks:
        cells.append(new_markdown_cell(mod.question(t.key)))
        if t.inputs is not None:
            cells.append(new_code_cell(f'ex.inputs("{t.key}")'))
        cells.append(new_code_cell(f'{t.key} = None  # your answer\nex.check("{t.key}", {t.key})'))
    cells += [new_markdown_cell("How many are right so far:"), new_code_cell("ex.EXERCISE.score()")]
    return new_notebook(cells=cells, metadata=_KERNEL)


def write_notebooks(folder=NOTEBOOKS_DIR / "exercises") -> list[Path]:
    """Write every exercise's trainee notebook into ``folder``.

    Parameters
    ----------
    folder : str or Path
        Default ``notebooks/exercises``.

    Returns
    -------
    list of Path

    Examples
    --------
    >>> import tempfile
    >>> [p.name for p in write_notebooks(tempfile.mkdtemp())]
    ['nps.ipynb', 'lifecycle.ipynb', 'relationship.ipynb', 'actions.ipynb']
    """
    from helpers.exercises import EXERCISES

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name in EXERCISES:
        path = folder / f"{name}.ipynb"
        nbformat.write(exercise_notebook(name), path)
        paths.append(path)
    return paths
