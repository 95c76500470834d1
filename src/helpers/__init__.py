"""Customer relationship analytics helpers.

The notebooks in ``notebooks/`` import everything they compute from here, one subpackage per
framework (data flows one way, top to bottom):

- :mod:`helpers.config`        the run configuration (YAML), validated up front
- :mod:`helpers.io`            load and validate transactions, survey and customers; the quality log
- :mod:`helpers.nps`           Net Promoter Score classes, intervals, comparisons, trend, drivers
- :mod:`helpers.lifecycle`     RFM, lifecycle stages, loyalty ladder, transitions, cohorts, survival
- :mod:`helpers.clv`           BG/NBD, Pareto/NBD and Gamma-Gamma models, customer value
- :mod:`helpers.relationship`  Reinartz & Kumar relationship groups
- :mod:`helpers.actions`       the rule engine, per-framework facts, the playbook, the CRM export
- :mod:`helpers.narrative`     every generated sentence of the reports
- :mod:`helpers.plots`         the house plotting style, one module per framework
- :mod:`helpers.report`        notebooks -> HTML + PDF reports and the index
- :mod:`helpers.frameworks`    the frameworks' vocabulary as data (names, definitions, colours)
- :mod:`helpers.stats`         small shared statistics
- :mod:`helpers.sample`        the seeded synthetic sample data
"""

from helpers.paths import DATA_DIR, PROJ_ROOT, REPORTS_DIR, SAMPLE_CONFIG

__version__ = "0.1.0"

__all__ = ["PROJ_ROOT", "DATA_DIR", "REPORTS_DIR", "SAMPLE_CONFIG", "__version__", "versions"]

_KEY_PACKAGES = ("pandas", "numpy", "scipy", "statsmodels", "matplotlib", "seaborn")


def versions():
    """Versions of Python and the key packages, for the closing cell of every notebook.

    Returns
    -------
    pandas.DataFrame
        One row per package: ``package``, ``version``.

    Examples
    --------
    >>> "pandas" in versions()["package"].tolist()
    True
    """
    import platform
    from importlib.metadata import version

    import pandas as pd

    rows = [("python", platform.python_version()), ("helpers", __version__)]
    rows += [(name, version(name)) for name in _KEY_PACKAGES]
    return pd.DataFrame(rows, columns=["package", "version"])
