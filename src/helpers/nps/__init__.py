"""Net Promoter Score: classes, the score with its uncertainty, comparisons, trends and drivers.

The Net Promoter Score (Reichheld, 2003) asks "How likely is it that you would recommend us to a
friend or colleague?" on a 0-10 scale. Answers 9-10 are promoters, 7-8 passives, 0-6 detractors, and

    NPS = 100 * (share of promoters - share of detractors),   on the -100..100 scale.

Each answer is a draw from a trinomial distribution, so with shares ``p_P`` and ``p_D`` the variance of
the NPS (as a proportion) is ``(p_P + p_D - (p_P - p_D)**2) / n`` (Rocks, 2016). Everything here builds
on that: confidence intervals (Wald, adjusted Wald, bootstrap), differences between groups or periods
(independent or paired by respondent), per-segment tests with Holm-adjusted p-values, trends, sample
sizes, an ordinal regression of the score on attributes and behaviour, and the words that separate
promoters from detractors.

Submodules (every public name is re-exported here, so ``helpers.nps.nps_summary`` keeps working):

- :mod:`~helpers.nps.classes`      reading 0-10 scores, ``classify``, ``latest_answers`` (each
  customer's latest answer), ``score_distribution``; ``CLASSES``
- :mod:`~helpers.nps.intervals`    one NPS with its standard error and interval: ``nps_summary``,
  ``nps_intervals``, ``nps_interval_from_counts``, the bootstrap, ``nps_headline``
- :mod:`~helpers.nps.compare`      the difference of two NPS values: ``compare`` (independent or
  paired on ``customer_id``), ``compare_periods`` (this year against last)
- :mod:`~helpers.nps.segments`     ``compare_segments`` (each segment against the rest, Holm) and
  ``class_distribution_test`` (chi-square of the class mix)
- :mod:`~helpers.nps.trend`        ``trend``: NPS per period with significant changes marked
- :mod:`~helpers.nps.sample_size`  ``sample_size`` and ``sample_size_difference``
- :mod:`~helpers.nps.drivers`      ``behaviour_at_response`` and ``drivers`` (ordinal logit, odds
  ratios)
- :mod:`~helpers.nps.text`         ``distinguishing_words`` and ``STOPWORDS``
- ``helpers.nps._grouped`` (internal) per-group counts, shares and intervals shared by segments
  and trend

Survey frames follow the data contract: ``score`` (Int64 0..10), ``response_date`` (datetime),
``customer_id`` (may be missing), ``weight`` (optional) and any other column as an attribute. Missing
scores are always left out with a count in a ``UserWarning``, never silently. The as-of date
parameter is ``observation_end`` and the link column parameter ``customer_id`` throughout.

Conventions of the returned tables: ``n`` is the number of answers used, ``n_eff`` the Kish effective
sample size (``n`` when unweighted), ``n_promoters``/``n_passives``/``n_detractors`` the unweighted
counts, ``promoters``/``passives``/``detractors`` the (weighted) shares in 0..1, and ``nps``, ``se``,
``ci_low``, ``ci_high`` are in NPS points (-100..100).

References
----------
Reichheld, F. F. (2003). The One Number You Need to Grow. Harvard Business Review, 81(12), 46-54.
Rocks, B. (2016). Interval Estimation for the 'Net Promoter Score'. The American Statistician, 70(4).
Kish, L. (1965). Survey Sampling. Wiley (effective sample size of a weighted sample).
Monroe, B. L., Colaresi, M. P. & Quinn, K. M. (2008). Fightin' Words. Political Analysis, 16(4).
"""

from helpers.nps.classes import CLASSES, classify, latest_answers, score_distribution
from helpers.nps.compare import compare, compare_periods
from helpers.nps.drivers import BEHAVIOUR_COLUMNS, SCALES, behaviour_at_response, drivers
from helpers.nps.intervals import (CI_METHODS, DEFAULT_CI_METHOD, nps_headline,
                                   nps_interval_from_counts, nps_intervals, nps_summary)
from helpers.nps.sample_size import sample_size, sample_size_difference
from helpers.nps.segments import class_distribution_test, compare_segments
from helpers.nps.items import find_items, item_summary
from helpers.nps.text import STOPWORDS, STOPWORDS_BY_LANGUAGE, detect_language, distinguishing_words, stopwords_for
from helpers.nps.trend import trend

__all__ = [
    "find_items",
    "item_summary",
    "STOPWORDS_BY_LANGUAGE",
    "detect_language",
    "stopwords_for",
    "CLASSES",
    "CI_METHODS",
    "DEFAULT_CI_METHOD",
    "classify",
    "latest_answers",
    "score_distribution",
    "nps_interval_from_counts",
    "nps_summary",
    "nps_intervals",
    "compare_periods",
    "nps_headline",
    "compare",
    "compare_segments",
    "class_distribution_test",
    "trend",
    "sample_size",
    "sample_size_difference",
    "behaviour_at_response",
    "drivers",
    "distinguishing_words",
    "BEHAVIOUR_COLUMNS",
    "SCALES",
    "STOPWORDS",
]
