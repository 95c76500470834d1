"""``python -m helpers.report``: see :mod:`helpers.report.cli`."""

import sys

from helpers.report.cli import main

if __name__ == "__main__":
    sys.exit(main())
