"""The run configuration: one YAML file describes a data set, every key checked up front.

A configuration names the inputs, maps the user's column names onto the data contract, and sets the
observation end, the currency, ``margin_rate``, how exports are read, and one section of settings
per framework (``nps``, ``lifecycle``, ``relationship``, ``actions``). :func:`load_config` reads it
over :data:`DEFAULT_CONFIG`; :func:`section_settings` turns one section into the keyword arguments of
the function that implements the framework.
"""

from __future__ import annotations

import copy
import inspect
import warnings

import pandas as pd
import yaml

from helpers.io.quality import DataError
from helpers.paths import SAMPLE_CONFIG, resolve

__all__ = ["DEFAULT_CONFIG", "load_config", "section_settings"]

#: Defaults of a run configuration; a config file overrides any key (nested dicts are merged).
#: Setting names used before the package spoke of each idea with one word: a configuration that
#: still uses one stops with the new name instead of an "unknown setting".
RENAMED_SETTINGS = {"as_of": "observation_end", "end": "observation_end",
                    "customer": "customer_id", "paired_on": "customer_id"}


def _renamed(keys, where):
    """Raise a ValueError naming the new name of any renamed setting among ``keys``."""
    old = sorted(k for k in keys if k in RENAMED_SETTINGS)
    if old:
        hints = "; ".join(f"{k!r} is now {RENAMED_SETTINGS[k]!r}" for k in old)
        raise ValueError(f"{where}: renamed setting(s): {hints}; rename them in the configuration")


DEFAULT_CONFIG: dict = {
    "name": "Unnamed data set",
    "currency": "EUR",
    "engine": "duckdb",
    "inputs": {"transactions": None, "survey": None, "customers": None},
    "columns": {"transactions": {}, "survey": {}, "customers": {}},
    "observation_end": None,
    "margin_rate": 0.30,
    "read": {"sep": "auto", "decimal": "auto", "dayfirst": "auto", "encoding": "auto"},
    "nps": {},
    "lifecycle": {},
    "relationship": {},
    "actions": {},
}


def _merge(base: dict, override: dict) -> dict:
    out = copy.deepcopy(base)
    for k, v in (override or {}).items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = _merge(out[k], v)
        else:
            out[k] = v
    return out


def load_config(path=None) -> dict:
    """Read a run configuration (YAML), merge it over :data:`DEFAULT_CONFIG` and resolve its paths.

    Parameters
    ----------
    path : str or Path, optional
        The YAML file; relative paths are taken from the project root. Default: the sample's
        ``data/sample/config.yml``. Input paths inside the file are relative to the file itself.

    Returns
    -------
    dict
        The configuration with absolute input paths, ``observation_end`` as a Timestamp or None, and
        ``config_path`` set to the file read.

    Raises
    ------
    FileNotFoundError
        If the file, or an input it names, does not exist.
    DataError
        If the YAML is not a mapping, the transactions input is missing, or a value has the wrong type.

    Examples
    --------
    >>> cfg = load_config()
    >>> cfg["inputs"]["transactions"].name
    'transactions.csv'
    """
    path = resolve(path or SAMPLE_CONFIG)
    if not path.exists():
        raise FileNotFoundError(f"config file not found: {path}")
    with open(path, encoding="utf-8-sig") as fh:
        raw = yaml.safe_load(fh) or {}
    if not isinstance(raw, dict):
        raise DataError(path, None, "the configuration is not a YAML mapping",
                        "start from data/sample/config.yml and edit the values")
    _renamed(raw, path.name)
    unknown = sorted(set(raw) - set(DEFAULT_CONFIG))
    if unknown:
        warnings.warn(f"{path.name}: unknown configuration keys ignored: {unknown}", UserWarning,
                      stacklevel=2)
    cfg = _merge(DEFAULT_CONFIG, raw)
    cfg["config_path"] = path
    _check(cfg, path)
    return cfg


def _check(cfg: dict, path) -> None:
    """Validate a merged configuration in place: resolve the inputs, type the values, or raise."""
    if not cfg["inputs"].get("transactions"):
        raise DataError(path, "inputs.transactions", "no transactions file is given",
                        "add `inputs: {transactions: path/to/transactions.csv}`")
    from helpers import engine  # the run's engine for the transaction-level queries

    if cfg["engine"] not in engine.ENGINES:
        raise DataError(path, "engine", f"unknown engine {cfg['engine']!r}",
                        f"write one of {list(engine.ENGINES)} (duckdb is the default)")
    engine.use(cfg["engine"])
    for key, value in list(cfg["inputs"].items()):
        if isinstance(value, dict):  # a table of a DuckDB database file
            if set(value) != {"database", "table"}:
                raise DataError(path, f"inputs.{key}", f"a table input needs exactly the keys "
                                f"database and table, got {sorted(value)}",
                                f"write `{key}: {{database: shop.duckdb, table: orders}}`")
            db = resolve(value["database"], base=path.parent)
            if not db.exists():
                raise FileNotFoundError(f"{path.name}: inputs.{key}.database points to a missing "
                                        f"file: {db}")
            cfg["inputs"][key] = (db, str(value["table"]))
        elif value:
            p = resolve(value, base=path.parent)
            if not p.exists():
                raise FileNotFoundError(f"{path.name}: inputs.{key} points to a missing file: {p}")
            cfg["inputs"][key] = p
    if cfg["observation_end"] is not None:
        try:
            cfg["observation_end"] = pd.Timestamp(cfg["observation_end"]).normalize()
        except (ValueError, TypeError) as exc:
            raise DataError(path, "observation_end", f"not a date: {cfg['observation_end']!r}",
                            "write it as YYYY-MM-DD or null") from exc
    try:
        cfg["margin_rate"] = float(cfg["margin_rate"])
    except (TypeError, ValueError) as exc:
        raise DataError(path, "margin_rate", f"not a number: {cfg['margin_rate']!r}",
                        "write a fraction such as 0.3") from exc
    if not 0 <= cfg["margin_rate"] <= 1:
        raise DataError(path, "margin_rate", f"{cfg['margin_rate']} is outside 0..1",
                        "write the gross margin as a fraction of revenue, e.g. 0.3 for 30%")
    for name, mapping in cfg["columns"].items():
        if mapping is not None and not isinstance(mapping, dict):
            raise DataError(path, f"columns.{name}", "must be a mapping canonical -> your column",
                            f"write e.g. `columns: {{{name}: {{customer_id: 'Customer No'}}}}`")


def section_settings(config, section, func, *, skip=(), with_defaults=False, **overrides) -> dict:
    """Keyword arguments for ``func`` from one section of a run configuration.

    A config section such as ``relationship:`` holds keyword arguments of the function that
    implements the framework (e.g. :func:`helpers.relationship.customer_relationships`), so that a
    notebook and the per-customer view use the same settings. A key the function does not take is
    an error (a typo would otherwise be ignored without a word). ``overrides`` that are not
    ``None`` win over the config, so a notebook parameter left at ``None`` means "as configured".

    Parameters
    ----------
    config : dict
        A run configuration (:func:`load_config`, or ``Dataset.config``).
    section : str
        Name of the section (``"lifecycle"``, ``"relationship"``, ...).
    func : callable
        The function whose keyword arguments the section may set.
    skip : iterable of str
        Parameters of ``func`` the configuration must not set (data arguments).
    with_defaults : bool, default False
        Also return ``func``'s defaults for the settings neither configured nor overridden, so the
        result names every choice in force.
    **overrides
        Values that replace the configured ones unless they are ``None``.

    Returns
    -------
    dict

    Raises
    ------
    ValueError
        If the section is not a mapping or names an argument ``func`` does not take.

    Examples
    --------
    >>> def fit(data, *, cutoff=0.5, horizon=52):
    ...     return cutoff, horizon
    >>> cfg = {"model": {"cutoff": 0.3}}
    >>> section_settings(cfg, "model", fit, skip=("data",), horizon=None)
    {'cutoff': 0.3}
    >>> section_settings(cfg, "model", fit, skip=("data",), cutoff=0.7)
    {'cutoff': 0.7}
    >>> section_settings(cfg, "model", fit, skip=("data",), with_defaults=True)
    {'cutoff': 0.3, 'horizon': 52}
    """
    values = config.get(section) or {}
    if not isinstance(values, dict):
        raise ValueError(f"config section {section!r} must be a mapping of settings, not {values!r}")
    params = inspect.signature(func).parameters
    known = [k for k, p in params.items()
             if k not in set(skip) and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
    _renamed(set(values) - set(known), f"config section {section!r}")
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise ValueError(f"config section {section!r}: unknown setting(s) {unknown}; "
                         f"{func.__module__}.{func.__name__} takes {known}")
    unknown = sorted(set(overrides) - set(known))
    if unknown:
        raise ValueError(f"override(s) {unknown} are not settings of {func.__name__}; it takes {known}")
    out = {k: p.default for k, p in params.items()
           if with_defaults and k in known and p.default is not p.empty}
    out.update(values)
    out.update({k: v for k, v in overrides.items() if v is not None})
    return out
