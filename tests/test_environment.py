"""The pins in pyproject.toml, environment.yml and requirements.lock agree."""

import re
import tomllib

import yaml

from helpers.paths import PROJ_ROOT


#: Extras outside the default environment, each pinned in its own lock file instead.
SEPARATE_EXTRAS = {"spark": "requirements-spark.lock", "warehouse": "requirements-warehouse.lock"}


def _lock_pins(name):
    return {line.split(" ")[0].lower() for line in (PROJ_ROOT / name).read_text().splitlines()
            if "==" in line and not line.startswith((" ", "#"))}


def pyproject_pins(separate=False):
    meta = tomllib.loads((PROJ_ROOT / "pyproject.toml").read_text())["project"]
    pins = [] if separate else list(meta["dependencies"])
    for name, extra in meta["optional-dependencies"].items():
        if (name in SEPARATE_EXTRAS) == separate:
            pins += extra
    return {p.lower() for p in pins}


def environment_pins():
    env = yaml.safe_load((PROJ_ROOT / "environment.yml").read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d)
    return {p.lower() for p in pip}


def test_every_pin_is_exact():
    for pin in pyproject_pins():
        assert re.fullmatch(r"[a-z0-9_.\-\[\]]+==[0-9][0-9a-z.]*", pin), pin


def test_environment_yml_equals_pyproject():
    py, env = pyproject_pins(), environment_pins()
    assert py == env, f"only in pyproject: {sorted(py - env)}; only in environment.yml: {sorted(env - py)}"


def test_lock_contains_every_pin():
    lock = {line.split(" ")[0].lower() for line in (PROJ_ROOT / "requirements.lock").read_text().splitlines()
            if "==" in line and not line.startswith((" ", "#"))}
    missing = pyproject_pins() - lock
    assert not missing, f"requirements.lock is stale; run uv pip compile (missing {sorted(missing)})"


def test_separate_extras_are_locked():
    meta = tomllib.loads((PROJ_ROOT / "pyproject.toml").read_text())["project"]
    for name, lock in SEPARATE_EXTRAS.items():
        pins = {p.lower() for p in meta["optional-dependencies"][name]}
        assert not pins - _lock_pins(lock), f"{lock} lacks {sorted(pins - _lock_pins(lock))}"


def test_separate_locks_change_no_default_pin():
    def versions(name):
        return {pin.split("==")[0].split("[")[0]: pin.split("==")[1] for pin in _lock_pins(name)}

    default = versions("requirements.lock")
    for lock in SEPARATE_EXTRAS.values():
        changed = {k: v for k, v in versions(lock).items() if k in default and default[k] != v}
        assert not changed, f"{lock} changes pins of requirements.lock: {changed}"
