"""helpers.narrative.guide: the headlines of the start-here guide and the glossary."""

from helpers.narrative import guide


def test_start_here_headline_counts_and_plurals():
    assert guide.start_here_headline(3, 7, 3) == (
        "3 frameworks, 7 reports and the question each answers; a reading order for 3 kinds of reader.")
    assert guide.start_here_headline(1, 1, 1).startswith("1 framework, 1 report and")
    assert "for 1 kind of reader" in guide.start_here_headline(1, 1, 1)


def test_glossary_headline_counts_and_plurals():
    assert guide.glossary_headline(1234, 9, 12) == (
        "1,234 terms in 9 vocabularies, each with its definition, what to do and its source (12 sources).")
    assert guide.glossary_headline(1, 1, 1).startswith("1 term in 1 vocabulary,")
    assert guide.glossary_headline(1, 1, 1).endswith("(1 source).")
