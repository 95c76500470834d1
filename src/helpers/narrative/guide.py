"""The sentences of ``00_start_here`` and ``glossary``: their one-line headlines for the index."""

from __future__ import annotations

__all__ = ["start_here_headline", "glossary_headline"]


def _n(count: int, word: str, plural: str | None = None) -> str:
    return f"{count:,} " + (word if count == 1 else plural or word + "s")


def start_here_headline(n_frameworks: int, n_reports: int, n_readers: int) -> str:
    """The one-line summary of the start-here guide, for the report index.

    Parameters
    ----------
    n_frameworks : int
        Frameworks described.
    n_reports : int
        Reports in the table of questions (the guide and the glossary included).
    n_readers : int
        Readers with a reading order.

    Returns
    -------
    str
        Markdown.

    Examples
    --------
    >>> start_here_headline(3, 7, 3)
    '3 frameworks, 7 reports and the question each answers; a reading order for 3 kinds of reader.'
    """
    return (f"{_n(n_frameworks, 'framework')}, {_n(n_reports, 'report')} and the question each answers; "
            f"a reading order for {n_readers:,} kind{'' if n_readers == 1 else 's'} of reader.")


def glossary_headline(n_terms: int, n_vocabularies: int, n_sources: int) -> str:
    """The one-line summary of the glossary, for the report index.

    Parameters
    ----------
    n_terms : int
        Terms defined.
    n_vocabularies : int
        Vocabularies they belong to.
    n_sources : int
        Distinct sources cited.

    Returns
    -------
    str
        Markdown.

    Examples
    --------
    >>> glossary_headline(56, 9, 12)
    '56 terms in 9 vocabularies, each with its definition, what to do and its source (12 sources).'
    """
    return (f"{_n(n_terms, 'term')} in {_n(n_vocabularies, 'vocabulary', 'vocabularies')}, "
            f"each with its definition, what to do and its source ({_n(n_sources, 'source')}).")
