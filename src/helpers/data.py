"""Former home of the loaders and the run configuration: an alias of :mod:`helpers.io` and
:mod:`helpers.config`, so that ``from helpers import data`` and ``data.load_all(...)`` keep working.

New code imports from :mod:`helpers.io` (loading, the data contract, the quality log) and
:mod:`helpers.config` (the run configuration).
"""

from helpers.config import *  # noqa: F403
from helpers.config import __all__ as _config_names
from helpers.io import *  # noqa: F403
from helpers.io import __all__ as _io_names

__all__ = [*_io_names, *_config_names]
