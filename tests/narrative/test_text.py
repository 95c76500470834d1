import pytest

from helpers.narrative import text


def test_escape_html_and_markdown():
    assert text.escape("a < b & c > d") == "a &lt; b &amp; c &gt; d"
    assert text.escape('say "hi"') == 'say "hi"'
    assert text.escape("**bold** _it_ [x](y) a|b `c` \\") == (
        "\\*\\*bold\\*\\* \\_it\\_ \\[x\\](y) a\\|b \\`c\\` \\\\")
    assert text.escape(3) == "3"


@pytest.mark.parametrize("x, decimals, expected", [(12.4, 0, "+12"), (-3.46, 1, "-3.5"), (0, 0, "+0")])
def test_signed(x, decimals, expected):
    assert text.signed(x, decimals) == expected


def test_pct():
    assert text.pct(0.256) == "26%"
    assert text.pct(0.0172, 1) == "1.7%"


@pytest.mark.parametrize("items, expected", [([], ""), (["a"], "a"), (["a", "b"], "a and b"),
                                             (["a", "b", "c"], "a, b and c")])
def test_join_words(items, expected):
    assert text.join_words(items) == expected


def test_bullets():
    assert text.bullets(["one", "two"]) == "- one\n- two"
    assert text.bullets([]) == ""
