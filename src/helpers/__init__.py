"""Customer relationship analytics helpers.

The notebooks in ``notebooks/`` import everything they compute from here:

- :mod:`helpers.data`          load and validate transactions, survey and customers
- :mod:`helpers.nps`           Net Promoter Score classes and statistics
- :mod:`helpers.lifecycle`     RFM summary, lifecycle stages, loyalty ladder, cohorts, survival
- :mod:`helpers.clv`           BG/NBD, Pareto/NBD and Gamma-Gamma models
- :mod:`helpers.relationship`  Reinartz & Kumar relationship groups
- :mod:`helpers.actions`       the joined per-customer view and the playbook
- :mod:`helpers.frameworks`    the frameworks' vocabulary as data
- :mod:`helpers.plots`         the house plotting style
- :mod:`helpers.report`        notebooks -> HTML + PDF reports
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
