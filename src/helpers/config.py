"""The run configuration: one YAML file describes a data set, every key checked up front.

A configuration names the inputs, maps the user's column names onto the data contract, and sets the
observation end, the currency, ``margin_rate``, how exports are read, and one section of settings
per framework (``nps``, ``lifecycle``, ``relationship``, ``actions``). :func:`load_config` reads it
over :data:`DEFAULT_CONFIG`; :func:`section_settings` turns one section into the keyword arguments of
the function that implements the framework.
"""

from __future__ import annotations

import copy
import difflib
import inspect
import os

import pandas as pd
import yaml

from helpers.io.quality import DataError
from helpers.paths import SAMPLE_CONFIG, resolve

__all__ = ["DEFAULT_CONFIG", "NPS_SETTINGS", "ConfigError", "MissingInputError", "load_config",
           "valid_keys", "section_settings"]


class ConfigError(DataError):
    """A run configuration that cannot be used: names the file, the line, the key and the fix.

    A :class:`~helpers.io.quality.DataError` (so code that stops on unusable input stops on it too)
    whose message reads ``config.yml, line 4, columns.transactions.ammount: problem.`` then ``Fix: ...``.

    Parameters
    ----------
    file : str or Path
        The configuration file.
    key : str or None
        Dotted path of the key at fault (``"columns.transactions.ammount"``).
    problem, fix : str
    line : int, optional
        Line of the key in the file (1-based).

    Examples
    --------
    >>> err = ConfigError("c.yml", "colums", "unknown key 'colums'", "did you mean 'columns'?", line=3)
    >>> str(err).splitlines()[0]
    "c.yml, line 3, key 'colums': unknown key 'colums'."
    """

    def __init__(self, file, key, problem, fix, line=None):
        self.file, self.column, self.problem, self.fix, self.rows = str(file), key, problem, fix, None
        self.key, self.line = key, line
        where = str(file) + (f", line {line}" if line else "") + (f", key {key!r}" if key else "")
        ValueError.__init__(self, f"{where}: {problem}.\nFix: {fix}")


class MissingInputError(ConfigError, FileNotFoundError):
    """An input path of the configuration that points to no file (also a FileNotFoundError)."""

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
        raise ConfigError(where, None, f"renamed setting(s): {hints}", "rename them in the configuration")


DEFAULT_CONFIG: dict = {
    "name": "Unnamed data set",
    "currency": "EUR",
    "engine": "duckdb",
    "inputs": {"transactions": None, "survey": None, "customers": None},
    "columns": {"transactions": {}, "survey": {}, "customers": {}},
    "observation_end": None,
    "margin_rate": 0.30,
    "read": {"sep": "auto", "decimal": "auto", "dayfirst": "auto", "encoding": "auto", "format": "auto",
             "sheet": None, "date_floor": "1990-01-01"},
    "exclude": {"transactions": [], "survey": [], "customers": []},
    "nps": {"score_column": None, "items": None, "language": "auto"},
    "lifecycle": {},
    "relationship": {},
    "actions": {},
}


#: ``read:`` may also hold one sub-mapping per input (same keys), e.g. ``read: {survey: {sheet: Answers}}``.
READ_PER_INPUT = ("transactions", "survey", "customers")
#: The tests an ``exclude:`` condition may use, beside ``column:`` (one per condition).
EXCLUDE_CONDITIONS = ("in", "equals", "matches", "below", "above", "blank")
#: Keys of the config's ``nps`` section: the survey column holding the NPS question (instead of
#: ``columns: survey: score:``), further 0-10 questions summarised beside it (a list of columns, or
#: None for every other column whose answers are all whole numbers 0..10), and the language of the
#: comments for the stop words ("auto", "en", "fr", "de", "es").
NPS_SETTINGS = ("score_column", "items", "language")


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
    MissingInputError
        If the file, or an input it names, does not exist (a FileNotFoundError and a ConfigError).
    ConfigError
        If the file is not valid YAML or not a mapping; a key is unknown anywhere (top level,
        ``inputs``, ``read``, ``columns`` and its canonical names, the framework sections; the
        message suggests the nearest valid key); neither transactions nor a survey is given; or a
        value has the wrong type. The message names the file, the line and the fix.

    Examples
    --------
    >>> cfg = load_config()
    >>> cfg["inputs"]["transactions"].name
    'transactions.csv'
    """
    path = resolve(path or SAMPLE_CONFIG)
    if not path.exists():
        raise MissingInputError(path, None, "the configuration file does not exist",
                                "check the --config path; start from data/sample/config.yml")
    text = path.read_text(encoding="utf-8-sig")
    try:
        node = yaml.compose(text)
        raw = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        what = " ".join(str(x) for x in (getattr(exc, "context", None), getattr(exc, "problem", None))
                        if x) or str(exc)
        raise ConfigError(path, None, f"not valid YAML ({what})",
                          "check the indentation (spaces, not tabs), the colons after keys and the "
                          "quotes around values with ': ' or '#' at this line",
                          line=mark.line + 1 if mark else None) from None
    if not isinstance(raw, dict):
        raise ConfigError(path, None, "the configuration is not a YAML mapping",
                          "start from data/sample/config.yml and edit the values")
    lines = _key_lines(node)
    _renamed(raw, path.name)
    _check_keys(raw, path, lines)
    cfg = _merge(DEFAULT_CONFIG, raw)
    cfg["config_path"] = path
    _check(cfg, path, lines)
    return cfg


def _key_lines(node, prefix=()) -> dict:
    """Line (1-based) of every key of a composed YAML mapping, by its path as a tuple."""
    out = {}
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            key = (*prefix, str(k.value))
            out[key] = k.start_mark.line + 1
            out.update(_key_lines(v, key))
    return out


def valid_keys(section=None, sub=None) -> list[str]:
    """The keys a run configuration may hold at one place.

    Parameters
    ----------
    section : str, optional
        None for the top level; else ``"inputs"``, ``"read"``, ``"columns"``, ``"nps"``,
        ``"lifecycle"``, ``"relationship"`` or ``"actions"``.
    sub : str, optional
        With ``section="columns"``: the input whose canonical column names are wanted.

    Returns
    -------
    list of str

    Examples
    --------
    >>> valid_keys("columns", "transactions")[:3]
    ['customer_id', 'order_date', 'amount']
    >>> "survey" in valid_keys("inputs")
    True
    """
    from helpers.io.schema import SCHEMAS

    if section is None:
        return list(DEFAULT_CONFIG)
    if section == "columns":
        if sub is None:
            return list(DEFAULT_CONFIG["columns"])
        return SCHEMAS[sub]["required"] + SCHEMAS[sub]["optional"]
    if section == "nps":
        return list(NPS_SETTINGS)
    if section == "read":
        return list(DEFAULT_CONFIG["read"]) + list(READ_PER_INPUT)
    if section == "lifecycle":
        from helpers.lifecycle.view import customer_lifecycle

        return _kwargs(customer_lifecycle, ("transactions", "observation_end", "customers", "survey"))
    if section == "relationship":
        from helpers.relationship.pipeline import customer_relationships

        return _kwargs(customer_relationships, ("transactions", "observation_end"))
    if section == "actions":
        from helpers.actions.view import ACTIONS_SETTINGS

        return list(ACTIONS_SETTINGS)
    return list(DEFAULT_CONFIG[section])


def _kwargs(func, skip) -> list[str]:
    params = inspect.signature(func).parameters
    return [k for k, p in params.items()
            if k not in skip and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]


def _unknown(keys, valid, path, where, lines):
    """Raise a ConfigError for the first key of ``keys`` not in ``valid``, with a suggestion."""
    for key in keys:
        if key in valid:
            continue
        near = difflib.get_close_matches(str(key), [str(v) for v in valid], n=1, cutoff=0.6)
        dotted = ".".join((*where, str(key)))
        place = f"under `{'.'.join(where)}:`" if where else "at the top level"
        hint = f"did you mean {near[0]!r}? " if near else ""
        raise ConfigError(path, dotted, f"unknown key {str(key)!r} {place}",
                          f"{hint}valid keys here: {', '.join(map(str, valid))}",
                          line=lines.get((*where, str(key))))


def _check_keys(raw, path, lines) -> None:
    """Check every key of the file against :func:`valid_keys`: a typo stops the run."""
    _unknown(raw, valid_keys(), path, (), lines)
    for section in ("inputs", "read", "exclude", "columns", "nps", "lifecycle", "relationship", "actions"):
        value = raw.get(section)
        if value is None:
            continue
        if not isinstance(value, dict):
            raise ConfigError(path, section, f"`{section}:` must be a mapping of settings, not "
                              f"{value!r}", f"write e.g. `{section}: {{{valid_keys(section)[0]}: ...}}`"
                              if valid_keys(section) else f"write `{section}: {{}}`",
                              line=lines.get((section,)))
        if value:  # (the framework sections' keys come from their functions: imported only when needed)
            _renamed(value, f"{path.name}: config section {section!r}")
            _unknown(value, valid_keys(section), path, (section,), lines)
    for name, mapping in (raw.get("columns") or {}).items():
        if isinstance(mapping, dict):
            _unknown(mapping, valid_keys("columns", name), path, ("columns", name), lines)
    for name, mapping in (raw.get("read") or {}).items():
        if name in READ_PER_INPUT and isinstance(mapping, dict):
            _unknown(mapping, list(DEFAULT_CONFIG["read"]), path, ("read", name), lines)


def _check(cfg: dict, path, lines=None) -> None:
    """Validate a merged configuration in place: resolve the inputs, type the values, or raise."""
    lines = lines or {}
    if not cfg["inputs"].get("transactions") and not cfg["inputs"].get("survey"):
        raise ConfigError(path, "inputs", "no transactions file and no survey file is given",
                          "add `inputs: {transactions: path/to/transactions.csv}` (and/or "
                          "`survey: path/to/survey.csv` for the NPS report alone)",
                          line=lines.get(("inputs",)))
    from helpers import engine  # the run's engine for the transaction-level queries

    if cfg["engine"] not in engine.ENGINES:
        raise ConfigError(path, "engine", f"unknown engine {cfg['engine']!r}",
                          f"write one of {list(engine.ENGINES)} (duckdb is the default)",
                          line=lines.get(("engine",)))
    engine.use(cfg["engine"])
    for key, value in list(cfg["inputs"].items()):
        if isinstance(value, dict) and "connection" in value:  # a table of any Ibis backend
            cfg["inputs"][key] = _warehouse_input(key, value, path, lines)
        elif isinstance(value, dict):  # a table of a DuckDB database file
            if set(value) != {"database", "table"}:
                raise ConfigError(path, f"inputs.{key}", f"a table input needs exactly the keys "
                                  f"database and table, got {sorted(value)}",
                                  f"write `{key}: {{database: shop.duckdb, table: orders}}`",
                                  line=lines.get(("inputs", key)))
            db = resolve(value["database"], base=path.parent)
            if not db.exists():
                raise MissingInputError(path, f"inputs.{key}.database",
                                        f"inputs.{key}.database points to a missing file: {db}",
                                        "database paths are relative to the configuration file's "
                                        f"folder ({path.parent})", line=lines.get(("inputs", key)))
            cfg["inputs"][key] = (db, str(value["table"]))
        elif value:
            p = resolve(value, base=path.parent)
            if not p.is_file():
                near = difflib.get_close_matches(p.name, [c.name for c in p.parent.glob("*")]
                                                 if p.parent.is_dir() else [], n=1)
                raise MissingInputError(
                    path, f"inputs.{key}", f"inputs.{key} points to a missing file: {p}",
                    (f"did you mean {near[0]!r}? " if near else "")
                    + "input paths are relative to the configuration file's folder "
                    f"({path.parent}); correct the path or give an absolute one",
                    line=lines.get(("inputs", key)))
            cfg["inputs"][key] = p
    if cfg["engine"] == "ibis":
        from helpers.engine.warehouse import WarehouseTable, use_connection

        tx = cfg["inputs"].get("transactions")
        if not isinstance(tx, WarehouseTable):
            raise ConfigError(path, "engine", "engine: ibis runs the queries on the database of "
                              "the transactions input, which is not a database connection",
                              "write `transactions: {connection: <ibis URL>, table: <name>}` under "
                              "`inputs:`, or use engine: duckdb", line=lines.get(("engine",)))
        use_connection(tx.connection)
    if cfg["observation_end"] is not None:
        try:
            cfg["observation_end"] = pd.Timestamp(cfg["observation_end"]).normalize()
        except (ValueError, TypeError, OverflowError) as exc:
            raise ConfigError(path, "observation_end", f"not a date: {cfg['observation_end']!r}",
                              "write it as YYYY-MM-DD or null",
                              line=lines.get(("observation_end",))) from exc
    try:
        cfg["margin_rate"] = float(cfg["margin_rate"])
    except (TypeError, ValueError) as exc:
        raise ConfigError(path, "margin_rate", f"not a number: {cfg['margin_rate']!r}",
                          "write a fraction such as 0.3", line=lines.get(("margin_rate",))) from exc
    if not 0 <= cfg["margin_rate"] <= 1:
        raise ConfigError(path, "margin_rate", f"{cfg['margin_rate']} is outside 0..1",
                          "write the gross margin as a fraction of revenue, e.g. 0.3 for 30%",
                          line=lines.get(("margin_rate",)))
    for name, mapping in cfg["columns"].items():
        if mapping is not None and not isinstance(mapping, dict):
            raise ConfigError(path, f"columns.{name}", "must be a mapping canonical -> your column",
                              f"write e.g. `columns: {{{name}: {{customer_id: 'Customer No'}}}}`",
                              line=lines.get(("columns", name)))
    score = (cfg.get("nps") or {}).get("score_column")
    mapped = (cfg["columns"].get("survey") or {}).get("score")
    if score and mapped and score != mapped:
        raise ConfigError(path, "nps.score_column", f"the NPS question is {score!r} here but "
                          f"`columns: survey: score:` maps {mapped!r}", "keep one of the two",
                          line=lines.get(("nps", "score_column")))


def _warehouse_input(key, value, path, lines):
    """``{connection: URL, table: name[, select: [columns]]}`` -> a WarehouseTable, or raise."""
    from helpers.engine.warehouse import WarehouseTable, env_names

    where = ("inputs", key)
    extra = sorted(set(value) - {"connection", "table", "select"})
    if extra or not value.get("table") or not isinstance(value.get("connection"), str):
        raise ConfigError(path, f"inputs.{key}", "a database input needs the keys connection (an "
                          "Ibis URL) and table, and may have select (a list of columns); got "
                          f"{sorted(value)}", f"write `{key}: {{connection: "
                          "\"postgres://user:${PGPASSWORD}@host/db\", table: orders}`",
                          line=lines.get(where))
    missing = [n for n in env_names(value["connection"]) if n not in os.environ]
    if missing:
        raise ConfigError(path, f"inputs.{key}.connection", f"the connection refers to environment "
                          f"variable(s) {missing}, which are not set",
                          "export them before the run (the password stays out of the file)",
                          line=lines.get(where))
    select = value.get("select")
    if select is not None and (not isinstance(select, list) or not all(isinstance(c, str)
                                                                      for c in select)):
        raise ConfigError(path, f"inputs.{key}.select", f"not a list of column names: {select!r}",
                          "write e.g. `select: [customer_id, order_date, amount]`",
                          line=lines.get(where))
    return WarehouseTable(value["connection"], str(value["table"]),
                          tuple(select) if select else None)


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
