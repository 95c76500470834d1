"""Net Promoter Score (being split into submodules)."""

from helpers.nps.intervals import *  # noqa: F401,F403
from helpers.nps.intervals import BEHAVIOUR_COLUMNS, SCALES, STOPWORDS  # noqa: F401
