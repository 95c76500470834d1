"""Project paths, resolved from this file so that notebooks, papermill and nbval agree.

nbval runs a notebook from its own folder and papermill from the current one: every path in the
project is built from :data:`PROJ_ROOT`, never from the working folder.
"""

from pathlib import Path

PROJ_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = PROJ_ROOT / "data"
SAMPLE_DIR = DATA_DIR / "sample"
SAMPLE_CONFIG = SAMPLE_DIR / "config.yml"
NOTEBOOKS_DIR = PROJ_ROOT / "notebooks"
REPORTS_DIR = PROJ_ROOT / "reports"


def resolve(path, base=PROJ_ROOT):
    """Return ``path`` as an absolute :class:`~pathlib.Path`, relative paths taken from ``base``.

    Parameters
    ----------
    path : str or Path
        A path, absolute or relative.
    base : Path, default PROJ_ROOT
        Folder that relative paths are taken from.

    Returns
    -------
    Path

    Examples
    --------
    >>> resolve("data/sample/config.yml") == PROJ_ROOT / "data/sample/config.yml"
    True
    """
    p = Path(path).expanduser()
    return p if p.is_absolute() else (Path(base) / p).resolve()
