import math

import pytest

from helpers.narrative import text


def test_escape_plain_words_unchanged():
    assert text.escape("True friends") == "True friends"
    assert text.escape(42) == "42"


def test_escape_html_and_markdown():
    out = text.escape("<script>a & b</script> *x* _y_ [l](u) `c` a|b ~s~ \\")
    for raw in "<>*_[]`|~\\":
        assert raw not in out
    assert "&lt;script&gt;a &amp; b" in out


def test_escape_keeps_quotes_like_old_lambda():
    assert text.escape('say "hi"') == 'say "hi"'


@pytest.mark.parametrize(
    ("x", "decimals", "expected"),
    [(5, 0, "+5"), (-3, 0, "-3"), (0, 0, "0"), (-0.2, 0, "0"), (0.4, 0, "0"),
     (2.35, 1, "+2.4"), (-1.25, 2, "-1.25"), (0.04, 1, "0.0"), (1234, 0, "+1234")],
)
def test_signed(x, decimals, expected):
    assert text.signed(x, decimals) == expected


@pytest.mark.parametrize("x", [None, math.nan, float("nan")])
def test_missing_numbers_never_say_nan(x):
    assert text.signed(x) == "n/a"
    assert text.pct(x) == "n/a"


def test_pct_matches_format():
    assert text.pct(0.42) == "42%" == f"{0.42:.0%}"
    assert text.pct(0.1234, 1) == "12.3%"
    assert text.pct(1) == "100%"


def test_bad_decimals():
    with pytest.raises(ValueError, match="decimals"):
        text.signed(1, -1)
    with pytest.raises(ValueError, match="decimals"):
        text.pct(1, -1)


def test_join_words():
    assert text.join_words([]) == ""
    assert text.join_words(["a"]) == "a"
    assert text.join_words(("a", "b")) == "a and b"
    assert text.join_words(["a", "b", "c", "d"]) == "a, b, c and d"
    assert text.join_words(x for x in [1, 2]) == "1 and 2"


def test_bullets():
    assert text.bullets(["one", "two"]) == "- one\n- two"
    assert text.bullets([]) == ""


def test_escape_underscores_only_where_markdown_reads_them():
    assert text.escape("acquisition_channel") == "acquisition_channel"
    assert text.escape("_private_ name") == "&#95;private&#95; name"
    assert text.escape("a __b__") == "a &#95;&#95;b&#95;&#95;"


def test_p_value():
    assert text.p_value(0.0009) == "< 0.001"
    assert text.p_value(0.001) == "= 0.001"
    assert text.p_value(0.5) == "= 0.500"
    assert text.p_value(math.nan) == "n/a"
