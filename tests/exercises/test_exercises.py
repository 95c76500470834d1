"""helpers.exercises: right, wrong and unanswered feedback, against solutions worked by hand; the
exercise notebooks run with the solutions filled in, with wrong answers and unanswered."""

import importlib.util
import json
import re

import nbformat
import pytest
from nbclient import NotebookClient

from helpers.exercises import EXERCISES, RIGHT, UNANSWERED, WRONG, Exercise, Task
from helpers.exercises.notebook import exercise_notebook
from helpers.paths import NOTEBOOKS_DIR
from helpers.report.pipeline import list_notebooks

FOLDER = NOTEBOOKS_DIR / "exercises"
NAMES = sorted(EXERCISES)


def _solutions(name):
    spec = importlib.util.spec_from_file_location(f"solutions_{name}", FOLDER / "solutions" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _shown(value):
    """Texts an answer would show as: each name of a list or dict, or a number to 2 decimals."""
    if isinstance(value, dict):
        return {str(v) for v in value.values()}
    if isinstance(value, (list, tuple)):
        return {f"{v:.2f}" if isinstance(v, float) else str(v) for v in value}
    return {f"{value:.2f}"} if isinstance(value, float) else set()


@pytest.mark.parametrize("name", NAMES)
def test_about_ten_tasks_each_with_a_hint(name):
    ex = EXERCISES[name].EXERCISE
    assert 8 <= len(ex.tasks) <= 12
    for t in ex.tasks:
        assert t.hint and (t.expected is not None) != (t.answer_hash is not None), t.key


@pytest.mark.parametrize("name", NAMES)
def test_hand_solutions_are_right(name):
    mod, sol = EXERCISES[name], _solutions(name)
    assert set(sol.ANSWERS) == {t.key for t in mod.EXERCISE.tasks}
    for key, answer in sol.ANSWERS.items():
        fb = mod.check(key, answer)
        assert fb.status == RIGHT and fb.message == f"{key}: right.", (key, fb)


@pytest.mark.parametrize("name", NAMES)
def test_wrong_answers_get_a_hint_and_not_the_answer(name):
    mod, sol = EXERCISES[name], _solutions(name)
    for key, answer in sol.WRONG.items():
        fb = mod.check(key, answer)
        assert fb.status == WRONG and "Where to look:" in fb.message, (key, fb)
        hint = mod.EXERCISE.task(key).hint
        leaked = {s for s in _shown(sol.ANSWERS[key]) - _shown(answer)
                  if s in fb.message.replace(hint, "")}
        assert not leaked, f"{name} {key} shows the answer: {leaked}"


@pytest.mark.parametrize("name", NAMES)
def test_unanswered_is_not_a_failure(name):
    for t in EXERCISES[name].EXERCISE.tasks:
        fb = EXERCISES[name].check(t.key, None)
        assert fb.status == UNANSWERED and fb.message == f"{t.key}: not answered yet."


def test_feedback_says_what_is_wrong():
    ex = Exercise("t", [Task("n", "?", "number", "look here", expected=lambda: 10.0, tol=0.5),
                        Task("l", "?", "labels", "look there", expected=lambda: {"a": "x", "b": "y"},
                             choices=("x", "y")),
                        Task("i", "?", "interval", "look", expected=lambda: (1.0, 2.0), tol=0.1)])
    assert ex.check("n", 10.4).status == RIGHT
    assert "too low" in ex.check("n", 9).message
    assert "cannot read this answer (expected a number" in ex.check("n", "ten").message
    assert ex.check("l", {"a": "x", "b": "x"}).message.startswith("l: not right: 1 of 2 wrong (customers b)")
    assert "no answer for b" in ex.check("l", {"a": "x"}).message
    assert "'z' is not one of: x, y" in ex.check("l", {"a": "z", "b": "y"}).message
    assert "the upper end is off" in ex.check("i", (1.0, 3.0)).message
    ex.check("n", 10)  # the latest check of a task counts
    assert ex.score() == "1 of 3 tasks right."


def test_bad_task_definitions_and_keys():
    with pytest.raises(KeyError, match="no exercise 'crm'; exercises: "):
        exercise_notebook("crm")
    with pytest.raises(ValueError, match="unknown kind 'essay'"):
        Exercise("t", [Task("q1", "?", "essay", "-")])
    with pytest.raises(ValueError, match="task keys must be unique"):
        Exercise("t", [Task("q1", "?", "bool", "-"), Task("q1", "?", "bool", "-")])
    with pytest.raises(KeyError, match="no task 'q99' in the nps exercise"):
        EXERCISES["nps"].check("q99", 1)


def test_exercises_are_not_reports():
    names = [p.name for p in list_notebooks()]
    assert not [n for n in names if n in {f"{e}.ipynb" for e in NAMES}]
    assert all(p.parent == NOTEBOOKS_DIR for p in list_notebooks())


@pytest.mark.parametrize("name", NAMES)
def test_trainee_copy_holds_no_solution(name):
    nb = nbformat.read(FOLDER / f"{name}.ipynb", as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code)
    answers = [c.source for c in code if "ex.check(" in c.source]
    assert len(answers) == len(EXERCISES[name].EXERCISE.tasks)
    assert all(re.match(r"q\d+ = None  # your answer\n", s) for s in answers), answers
    assert "solutions" not in "\n".join(c.source for c in nb.cells)
    # the questions shown are the module's (a changed task cannot leave a stale question)
    shown = [c.source for c in nb.cells if c.cell_type == "markdown" and c.source.startswith("**q")]
    assert shown == [EXERCISES[name].question(t.key) for t in EXERCISES[name].EXERCISE.tasks]
    fresh = exercise_notebook(name)
    assert [(c.cell_type, c.source) for c in nb.cells] == [(c.cell_type, c.source) for c in fresh.cells], \
        "stale trainee notebook: run python -m helpers.exercises"


def _run(name, mode):
    """Execute an exercise notebook with the hand solutions, the wrong answers or nothing filled in;
    return each task's status and the check outputs."""
    nb = nbformat.read(FOLDER / f"{name}.ipynb", as_version=4)
    if mode != "unanswered":
        path = FOLDER / "solutions" / f"{name}.py"
        load = (f"import runpy\nANSWERS = runpy.run_path({str(path)!r})"
                f"[{'ANSWERS' if mode == 'right' else 'WRONG'!r}]")
        nb.cells.insert(1, nbformat.v4.new_code_cell(load))
        for c in nb.cells:
            c.source = re.sub(r"^(q\d+) = None", r'\1 = ANSWERS["\1"]', c.source, flags=re.M)
    nb.cells.append(nbformat.v4.new_code_cell("import json\nprint(json.dumps(ex.EXERCISE.results))"))
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(FOLDER)}}).execute()
    status = json.loads(nb.cells[-1].outputs[0]["text"])
    checks = [o["data"]["text/plain"] for c in nb.cells if "ex.check(" in c.source
              for o in c.outputs if o.get("output_type") == "execute_result"]
    return status, checks


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_notebook_runs_right_wrong_and_unanswered(name):
    keys = [t.key for t in EXERCISES[name].EXERCISE.tasks]
    status, checks = _run(name, "right")
    assert status == dict.fromkeys(keys, RIGHT) and all(m.endswith(": right.") for m in checks)
    status, checks = _run(name, "wrong")
    assert status == dict.fromkeys(keys, WRONG) and all("Where to look:" in m for m in checks)
    status, checks = _run(name, "unanswered")
    assert status == dict.fromkeys(keys, UNANSWERED) and len(checks) == len(keys)
