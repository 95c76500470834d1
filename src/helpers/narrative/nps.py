"""The sentences of ``01_nps``: data line, year-on-year and driver notes, Interpret and Act.

Inputs are the results the notebook computed with :mod:`helpers.nps`: the overall summary
(``nps_summary``), the segment comparison (``compare_segments``), the year-on-year table
(``compare_periods``), the drivers table (``drivers``) and the distinguishing words
(``distinguishing_words``). Every name taken from the data is escaped.
"""

from __future__ import annotations

import pandas as pd

from helpers.narrative.text import escape, p_value, signed

__all__ = ["data_line", "no_dates_note", "no_segment_note", "items_text", "NO_PURCHASES", "NO_ITEMS",
           "year_on_year_notes", "driver_notes", "drivers_table", "driver_name", "interpret", "act",
           "sample_size_line", "OPPOSITE_DIRECTIONS", "NOTHING_TO_ACT_ON", "NO_COMMENTS"]

#: Said when the two year-on-year answers are both significant and point opposite ways.
OPPOSITE_DIRECTIONS = (
    "The two year-on-year rows point in opposite directions. They measure different things: all "
    "answers compare two independent samples, whose change mixes a change of opinion with a change in "
    "who answered; the panel follows the same customers, who chose to answer in both years and need not "
    "stand for the rest. Why the two differ is not tested here.")

#: Said instead of the words table when the survey has no comments.
NO_COMMENTS = "The survey has no comment column, so there are no words to compare."

#: Act, when neither a driver nor a word stands out.
NOTHING_TO_ACT_ON = "No driver or word stands out to act on."

#: Drivers, when the run has no transactions file (a survey-only run).
NO_PURCHASES = ("The run has no transactions file, so purchase behaviour cannot enter the drivers; "
                "the survey's own columns do.")

#: Said when the survey has no further 0-10 question.
NO_ITEMS = "The survey has no other 0-10 question to set beside the NPS question."

_Z_CLEAR = 1.96  # |z| of a word that stands out clearly (two-sided 5%)


def data_line(survey) -> str:
    """How many answers the survey holds and over which dates.

    Parameters
    ----------
    survey : DataFrame
        The loaded survey (``response_date``).

    Returns
    -------
    str
        Markdown: ``"3,940 answers from 2023-01-12 to 2025-12-31."``

    Examples
    --------
    >>> data_line(pd.DataFrame({"response_date": pd.to_datetime(["2024-03-01", "2024-01-05"])}))
    '2 answers from 2024-01-05 to 2024-03-01.'
    """
    if not len(survey):
        return "No answers."
    dates = survey["response_date"] if "response_date" in survey else pd.Series(dtype="datetime64[ns]")
    if dates.isna().all():
        return f"{len(survey):,} answers, with no response dates."
    undated = f" ({int(dates.isna().sum()):,} without a date)" if dates.isna().any() else ""
    return f"{len(survey):,} answers from {dates.min():%Y-%m-%d} to {dates.max():%Y-%m-%d}{undated}."


def no_dates_note(period_column=None) -> str:
    """What a survey without response dates leaves out (and what stands in for the trend).

    Parameters
    ----------
    period_column : str, optional
        The column that stands in for the date in the trend (a wave number or label), if any.

    Returns
    -------
    str
        Markdown.

    Examples
    --------
    >>> no_dates_note()
    'The survey has no response dates, so the trend over time and the year-on-year comparison are skipped.'
    >>> no_dates_note("period")
    'The survey has no response dates: the trend is drawn per value of its column period, in order; the year-on-year comparison is skipped.'
    """
    if period_column:
        return (f"The survey has no response dates: the trend is drawn per value of its column "
                f"{escape(period_column)}, in order; the year-on-year comparison is skipped.")
    return ("The survey has no response dates, so the trend over time and the year-on-year "
            "comparison are skipped.")


def no_segment_note(segment, survey) -> str:
    """Said instead of the segment comparison when the survey has no such column.

    Parameters
    ----------
    segment : str
        The column asked for (the notebook parameter ``segment``).
    survey : pandas.DataFrame
        The survey; its text columns with 2 to 20 different values (not ``customer_id`` or
        ``comment``) are named as segments that could be compared instead.

    Returns
    -------
    str
        Markdown.

    Examples
    --------
    >>> sv = pd.DataFrame({"score": [1, 9, 10], "plan": ["a", "b", "a"], "id": ["x", "y", "z"]},
    ...                   dtype="string")
    >>> no_segment_note("region", sv)
    'The survey has no column region, so segments are not compared; its column plan can be (notebook parameter `segment`).'
    >>> no_segment_note("region", sv[["score"]])
    'The survey has no column region, so segments are not compared.'
    """
    text = f"The survey has no column {escape(segment)}, so segments are not compared"
    columns = [c for c in survey.select_dtypes(include=["string", "object"]).columns
               if c not in ("customer_id", "comment", "score") and 2 <= survey[c].nunique() <= 20
               and survey[c].nunique() < len(survey)]
    if columns:
        word = "column" if len(columns) == 1 else "columns"
        return (f"{text}; its {word} {', '.join(escape(c) for c in columns)} can be (notebook "
                "parameter `segment`).")
    return text + "."


def items_text(items) -> str:
    """One sentence per further 0-10 question, from :func:`helpers.nps.item_summary`.

    Parameters
    ----------
    items : pandas.DataFrame
        Output of :func:`helpers.nps.item_summary`.

    Returns
    -------
    str
        Markdown bullets, or :data:`NO_ITEMS`.

    Examples
    --------
    >>> t = pd.DataFrame({"item": ["ease"], "n": [120], "mean": [7.25], "top_box": [0.4],
    ...                   "bottom_box": [0.25], "net": [15.0], "rho": [0.62], "n_pairs": [118]})
    >>> items_text(t)
    '- **ease**: 120 answers, mean 7.2; 40% answer 9-10 and 25% answer 0-6 (net +15 on the NPS scale); rank correlation with the NPS question 0.62 (118 answering both).'
    """
    if items is None or not len(items):
        return NO_ITEMS
    lines = []
    for r in items.itertuples(index=False):
        rho = (f"rank correlation with the NPS question {r.rho:.2f} ({r.n_pairs:,} answering both)"
               if pd.notna(r.rho) else "no rank correlation with the NPS question (too few answering both)")
        lines.append(f"- **{escape(r.item)}**: {r.n:,} answers, mean {r.mean:.1f}; {r.top_box:.0%} answer "
                     f"9-10 and {r.bottom_box:.0%} answer 0-6 (net {signed(r.net, 0)} on the NPS scale); "
                     f"{rho}.")
    return "\n".join(lines)


def year_on_year_notes(yoy=None, error=None) -> list[str]:
    """What to say before the year-on-year table: why it is missing, or its notes.

    Parameters
    ----------
    yoy : DataFrame or None
        The result of ``nps.compare_periods`` (its ``attrs["notes"]`` are plain sentences).
    error : Exception or str, optional
        Why ``compare_periods`` could not compare (then ``yoy`` is None).

    Returns
    -------
    list of str
        Markdown lines, one per displayed block (empty when there is nothing to say).

    Examples
    --------
    >>> year_on_year_notes(error=ValueError("fewer than 2 answers in 2024"))
    ['No year-on-year comparison: fewer than 2 answers in 2024.']
    """
    if yoy is None:
        return [f"No year-on-year comparison: {escape(error)}."] if error is not None else []
    return [f"Note: {escape(note)}." for note in yoy.attrs.get("notes", [])]


def driver_notes(drivers_by, segment_features, *, n_linked, n_answers, has_link,
                 modelled, has_purchases=True) -> str:
    """What the drivers model uses, and what it had to leave out.

    Parameters
    ----------
    drivers_by : list of str
        The survey columns asked for as drivers.
    segment_features : list of str
        Those of them the survey has.
    n_linked : int
        Answers linked to a customer (used for the model).
    n_answers : int
        All answers.
    has_link : bool
        Whether any answer links to a customer (purchase behaviour can be used).
    modelled : bool
        Whether a drivers model was fitted.
    has_purchases : bool, default True
        Whether the run has transactions; without them (a survey-only run) :data:`NO_PURCHASES`
        is said instead of the link sentence.

    Returns
    -------
    str
        Markdown, one sentence per fact.

    Examples
    --------
    >>> driver_notes(["region", "tier"], ["region"], n_linked=80, n_answers=100, has_link=True,
    ...              modelled=True)  # doctest: +ELLIPSIS
    'The survey has no column tier; left out of the drivers. 80 of 100 answers are linked ...'
    """
    notes = []
    if missing := sorted(set(drivers_by) - set(segment_features)):
        notes.append(f"The survey has no column {', '.join(escape(m) for m in missing)}; left out "
                     "of the drivers.")
    if not has_purchases:
        notes.append(NO_PURCHASES)
    elif has_link:
        notes.append(f"{n_linked:,} of {n_answers:,} answers are linked to a customer and used "
                     "below; behaviour enters per doubling (log2 scale), segments against their "
                     "most common level.")
    else:
        notes.append("The survey is not linked to customers, so purchase behaviour cannot be "
                     "used.")
    if not modelled:
        notes.append("No driver can be modelled: no segment column and no link to purchases.")
    return " ".join(notes)


def drivers_table(drivers) -> pd.DataFrame:
    """The drivers table as the report shows it.

    Parameters
    ----------
    drivers : DataFrame
        ``nps.drivers``: ``feature``, ``level``, ``scale``, ``odds_ratio``, ``ci_low``,
        ``ci_high``, ``p_value``.

    Returns
    -------
    DataFrame
        Those columns; ``level`` blank for numeric features, ``p_value`` as text
        (``"<0.001"`` or three decimals), numbers rounded to 2 decimals.

    Examples
    --------
    >>> drv = pd.DataFrame({"feature": ["orders"], "level": [None], "scale": ["per doubling"],
    ...                     "odds_ratio": [1.578], "ci_low": [1.4], "ci_high": [1.7],
    ...                     "p_value": [1e-9]})
    >>> print(drivers_table(drv).to_string(index=False))
    feature level        scale  odds_ratio  ci_low  ci_high p_value
     orders       per doubling        1.58     1.4      1.7  <0.001
    """
    p_text = drivers["p_value"].map(lambda p: "<0.001" if p < 0.001 else f"{p:.3f}")
    return (drivers.assign(level=drivers["level"].fillna(""), p_value=p_text)
            [["feature", "level", "scale", "odds_ratio", "ci_low", "ci_high", "p_value"]]
            .round(2))


def driver_name(row) -> str:
    """A driver as a reader names it: ``"plan Premium (vs Basic)"``, ``"orders (per doubling)"``.

    Parameters
    ----------
    row : Series or dict
        One row of the drivers table: ``feature``, ``level`` (missing for numeric features)
        and ``scale``.

    Returns
    -------
    str
        Escaped text.

    Examples
    --------
    >>> driver_name({"feature": "plan", "level": "Plus", "scale": "vs Basic"})
    'plan Plus (vs Basic)'
    >>> driver_name({"feature": "orders", "level": None, "scale": "per doubling"})
    'orders (per doubling)'
    """
    if pd.isna(row["level"]):
        return f"{escape(row['feature'])} ({escape(row['scale'])})"
    return f"{escape(row['feature'])} {escape(row['level'])} ({escape(row['scale'])})"


def _segment_lines(by_segment, segment):
    if by_segment is None:
        return []
    seg_col = segment if segment in by_segment.columns else "segment"
    sig = by_segment[by_segment["significant"].eq(True)]
    lines = [f"- {escape(row[seg_col])}: NPS {signed(row['nps'])}, differs from the rest "
             f"(Holm-adjusted p {p_value(row['p_adj'])})." for _, row in sig.iterrows()]
    if sig.empty:
        lines.append(f"- No {escape(segment)} differs significantly from the rest after Holm "
                     "adjustment.")
    return lines


def _year_on_year_lines(yoy):
    lines = []
    for kind, row in yoy.iterrows():
        paired = kind != "all answers"
        who = ("all answers" if not paired
               else f"the {int(row['n_pairs']):,} customers who answered in both years")
        test = ("paired test of the same customers' two answers" if paired
                else "test of two independent samples")
        significant = row["p_value"] < row["alpha"]
        level = f"{row['alpha']:.0%}"
        verdict = (f"significant at the {level} level by the {test}" if significant
                   else f"within noise (not significant at the {level} level by the {test})")
        if paired and significant:
            verdict += "; true of these self-selected repeat respondents, not shown for all customers"
        lines.append(f"- Year on year ({who}): NPS {signed(row['nps_a'])} against "
                     f"{signed(row['nps_b'])}, change {signed(row['diff'], 1)} points (95% CI "
                     f"{signed(row['ci_low'], 1)} to {signed(row['ci_high'], 1)}, "
                     f"p {p_value(row['p_value'])}): {verdict}.")
    significant = yoy["p_value"] < yoy["alpha"]
    if len(yoy) == 2 and significant.all() and \
            (yoy["diff"].iloc[0] > 0) != (yoy["diff"].iloc[1] > 0):
        lines.append(f"- {OPPOSITE_DIRECTIONS}")
    return lines


def sample_size_line(margin, needed, needed_worst, shares=None) -> str:
    """Answers the next survey needs, at the observed shares and in the worst case, both named.

    Parameters
    ----------
    margin : float
        The wanted margin of error, in NPS points.
    needed : int
        ``nps.sample_size(margin, observed)``: at this survey's shares of promoters and detractors.
    needed_worst : int
        ``nps.sample_size(margin)``: the worst case (half promoters, half detractors), the most any
        shares can need.
    shares : mapping, optional
        The observed ``promoters`` and ``detractors`` shares (0..1), named in the sentence.

    Returns
    -------
    str

    Examples
    --------
    >>> print(sample_size_line(5, 958, 1534, {"promoters": 0.45, "detractors": 0.40}))
    For a margin of error of ±5 points the next survey needs 958 answers at this survey's shares (45% promoters, 40% detractors), and 1,534 in the worst case (half promoters, half detractors: the most any shares can need).
    """
    at = "at this survey's shares"
    if shares is not None:
        p = shares.get("promoters", shares.get("promoter"))
        d = shares.get("detractors", shares.get("detractor"))
        at += f" ({p:.0%} promoters, {d:.0%} detractors)"
    return (f"For a margin of error of ±{margin:g} points the next survey needs {needed:,} answers {at}, "
            f"and {needed_worst:,} in the worst case (half promoters, half detractors: the most any shares "
            "can need).")


def _significant_drivers(drv):
    return drv[drv["p_value"] < drv.attrs["alpha"]]


def _driver_lines(drv):
    level = f"{100 * (1 - drv.attrs['alpha']):g}%"
    sig_drv = _significant_drivers(drv)
    lines = [f"- **Drivers** (ordinal logit on {drv.attrs['n']:,} answers; each odds ratio "
             "holds the other features fixed):"]
    for _, row in sig_drv.iterrows():
        way = "higher" if row["odds_ratio"] > 1 else "lower"
        lines.append(f"    - {driver_name(row)}: {way} scores, odds of a higher class "
                     f"×{row['odds_ratio']:.2f} ({level} CI {row['ci_low']:.2f} to "
                     f"{row['ci_high']:.2f}).")
    if sig_drv.empty:
        lines.append("    - None of the features goes clearly with the score.")
    flat = [driver_name(row) for _, row in drv[drv["p_value"] >= drv.attrs["alpha"]].iterrows()]
    if flat:
        lines.append(f"    - No clear effect: {', '.join(flat)}.")
    return lines


def _word_lines(words):
    lines = []
    for grp in ("promoter", "detractor"):
        w = words[(words["group"] == grp) & (words["z"].abs() >= _Z_CLEAR)]["word"].head(5)
        lines.append(f"- Words of {grp}s: "
                     + (", ".join(f"*{escape(x)}*" for x in w) if len(w)
                        else "none stands out clearly") + ".")
    return lines


def interpret(overall, by_segment, segment, *, needed, margin, yoy=None, drivers=None,
              words=None, needed_worst=None) -> str:
    """The Interpret section of the NPS report.

    Parameters
    ----------
    overall : dict or Series
        ``nps.nps_summary`` of all answers (``nps``, ``ci_low``, ``ci_high``, ``n``).
    by_segment : DataFrame
        ``nps.compare_segments``: one row per segment with the segment column (named
        ``segment`` or after the segment), ``nps``, ``p_adj`` and ``significant``.
    segment : str
        The segment column's name (as the reader knows it).
    needed : int
        Answers the next survey needs for the wanted margin at the observed shares
        (``nps.sample_size(margin, overall)``).
    margin : float
        The wanted margin of error, in NPS points.
    yoy : DataFrame, optional
        ``nps.compare_periods`` (index ``"all answers"`` and the paired panel): ``nps_a``,
        ``nps_b``, ``diff``, ``ci_low``, ``ci_high``, ``p_value``, ``alpha``, ``n_pairs``.
    drivers : DataFrame, optional
        ``nps.drivers``: ``feature``, ``level``, ``scale``, ``odds_ratio``, ``ci_low``,
        ``ci_high``, ``p_value``; ``attrs`` ``alpha`` and ``n``.
    words : DataFrame, optional
        ``nps.distinguishing_words``: ``group`` (promoter/detractor), ``word``, ``z``.
    needed_worst : int, optional
        The worst case (``nps.sample_size(margin)``), said beside ``needed`` with both named (see
        :func:`sample_size_line`); without it the sentence gives ``needed`` alone.

    Returns
    -------
    str
        A Markdown list: the overall score, the segments that differ (or that none does),
        each year-on-year answer called significant only when the test that fits its design
        (independent samples, or paired for the panel) is, naming that test and its level,
        the survey size needed, the drivers and the words that stand out.

    Examples
    --------
    >>> seg = pd.DataFrame({"segment": ["East", "West"], "nps": [-22.4, 13.0],
    ...                     "p_adj": [0.0004, 0.2], "significant": [True, False]})
    >>> print(interpret({"nps": 5.2, "ci_low": 2.6, "ci_high": 7.9, "n": 3940}, seg, "region",
    ...                 needed=1534, margin=5.0))
    - Overall, over all answers (a customer who answered twice counts twice; 04 uses each customer's latest answer): **NPS +5 (95% CI +3 to +8, n = 3,940)**.
    - East: NPS -22, differs from the rest (Holm-adjusted p < 0.001).
    - For a margin of error of ±5 points the next survey needs 1,534 answers.
    """
    from helpers.nps import nps_headline

    lines = [f"- Overall, over all answers (a customer who answered twice counts twice; 04 uses each "
             f"customer's latest answer): **{nps_headline(overall)}**."]
    lines += _segment_lines(by_segment, segment)
    if yoy is not None:
        lines += _year_on_year_lines(yoy)
    if needed_worst is None:
        lines.append(f"- For a margin of error of ±{margin:g} points the next survey needs "
                     f"{needed:,} answers.")
    else:
        shares = {k: overall[k] for k in ("promoters", "detractors") if k in overall}
        lines.append("- " + sample_size_line(margin, needed, needed_worst, shares if len(shares) == 2 else None))
    if drivers is not None:
        lines += _driver_lines(drivers)
    if words is not None and len(words):
        lines += _word_lines(words)
    return "\n".join(lines)


def act(drivers=None, words=None, *, behaviour_used=True) -> str:
    """The Act section of the NPS report: what the drivers and the words point at.

    Parameters
    ----------
    drivers : DataFrame, optional
        ``nps.drivers`` (see :func:`interpret`); only significant drivers lead to an action.
    words : DataFrame, optional
        ``nps.distinguishing_words``; the detractors' three clearest words are named.
    behaviour_used : bool, default True
        Whether purchase behaviour was in the drivers model (then a segment's effect holds
        "even at the same purchases").

    Returns
    -------
    str
        A Markdown list, or a sentence saying nothing stands out.

    Examples
    --------
    >>> act()
    'No driver or word stands out to act on.'
    """
    acts = []
    if drivers is not None:
        sig_drv = _significant_drivers(drivers)
        for _, row in sig_drv[sig_drv["level"].notna()].iterrows():
            ref = escape(row["scale"].removeprefix("vs "))
            name = f"{escape(row['feature'])} {escape(row['level'])}"
            if row["odds_ratio"] < 1:
                same = " even at the same purchases" if behaviour_used else ""
                acts.append(f"- Start the detractor call-backs in {name}: its answers score lower "
                            f"than {ref}'s{same}; find out what differs there.")
            else:
                acts.append(f"- Learn from {name}: what do these customers get that {ref} does "
                            "not?")
        numeric = sig_drv[sig_drv["level"].isna()]
        up = [escape(f) for f in numeric.loc[numeric["odds_ratio"] > 1, "feature"]]
        down = [escape(f) for f in numeric.loc[numeric["odds_ratio"] < 1, "feature"]]
        if up:
            acts.append(f"- More {' and more '.join(up)} go with higher scores. Moving customers "
                        "to their next purchase (the loyalty ladder in `02_lifecycle`) is the "
                        "lever this data points to; the link runs both ways, so measure it with "
                        "a test group.")
        if "tenure" in down:
            acts.append("- At the same orders, a longer tenure goes with lower scores: customers "
                        "who buy rarely over a long time are cooling. Check them against the "
                        "*at risk* stage in `02_lifecycle`.")
        if other_down := [f for f in down if f != "tenure"]:
            acts.append(f"- More {' and more '.join(other_down)} go with lower scores at the same "
                        "other features: read these customers' comments before pushing for more "
                        "of it.")
    if words is not None and len(words):
        det = words[(words["group"] == "detractor") & (words["z"] <= -_Z_CLEAR)]["word"].head(3)
        if len(det):
            acts.append(f"- Detractors' comments point at {', '.join(escape(w) for w in det)}: "
                        "read the comments with these words first.")
    return "\n".join(acts) if acts else NOTHING_TO_ACT_ON
