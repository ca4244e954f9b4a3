"""The line-break policy the canvas and the figures share, measured in characters here."""

from __future__ import annotations

from app.domain.line_breaks import ELLIPSIS, cut_points, elide, without_cut_hyphens, wrap


def chars(text: str) -> float:
    return float(len(text))


def test_a_long_latin_greek_or_cyrillic_word_is_cut_with_a_hyphen():
    assert wrap("Personalization consent", 10, 2, chars) == ("Personali-", "zation co…")
    assert wrap("Betrugserkennungsmodell", 10, 3, chars) == ("Betrugser-", "kennungsm-", "odell")
    assert wrap("Αναγνώρισηπροτύπων", 8, 2, chars)[0] == "Αναγνώρ-"
    assert wrap("Распознавание", 8, 2, chars)[0] == "Распозн-"


def test_cjk_arabic_and_hebrew_words_are_cut_without_a_hyphen():
    assert wrap("推荐系统的特征存储与在线服务", 6, 2, chars) == ("推荐系统的特", "征存储与在…")
    assert wrap("المستخدمينالجدد", 6, 2, chars)[0] == "المستخ"
    assert wrap("דירוגארוךמאוד", 6, 2, chars)[0] == "דירוגא"


def test_no_hyphen_between_a_letter_and_a_digit_or_after_a_hyphen():
    assert wrap("GPT4oMini", 4, 3, chars)[0] == "GPT4"
    assert wrap("abc-defghijkl", 5, 3, chars)[0] == "abc-"


def test_a_cut_never_splits_a_grapheme_cluster():
    decomposed = "Cafe\u0301ine\u0301s"  # e + combining acute
    assert 4 not in cut_points(decomposed) and 8 not in cut_points(decomposed)
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # one emoji of five code points
    assert cut_points(family + "x") == [5]
    thumbs = "\U0001f44d\U0001f3fd"  # with a skin tone
    assert cut_points(thumbs + thumbs) == [2]
    flags = "\U0001f1e9\U0001f1ea\U0001f1eb\U0001f1f7"  # two flags: DE FR
    assert cut_points(flags) == [2]
    jamo = "\u1100\u1161\u11a8\u1100\u1161"  # two syllables in conjoining jamo
    assert cut_points(jamo) == [3]
    conjunct = "\u0915\u094d\u0937"  # Devanagari k + virama + ss: one cluster
    assert cut_points(conjunct + "\u0915") == [3]
    lines = wrap(decomposed * 2, 6, 3, chars)
    assert all(not line.startswith("\u0301") for line in lines)
    assert lines[0] == "Cafe\u0301-"  # the hyphen follows the mark, after the letter it sits on


def test_the_last_line_is_elided_between_clusters():
    assert elide("abcdef", 6, chars) == "abcdef"
    assert elide("abc defgh", 6, chars) == "abc d" + ELLIPSIS
    assert elide("e\u0301e\u0301e\u0301e\u0301", 4, chars) == "e\u0301" + ELLIPSIS


def test_words_are_kept_whole_and_a_line_ends_after_a_dash_only_to_show_more():
    assert wrap("Streaming supply/demand pipeline", 18, 2, chars) == ("Streaming supply/", "demand pipeline")
    three = ("Streaming", "supply/demand", "pipeline")
    assert wrap("Streaming supply/demand pipeline", 16, 3, chars) == three
    assert wrap("Budget-split A/B test", 12, 2, chars) == ("Budget-split", "A/B test")
    assert wrap("Predict 30-day churn", 12, 2, chars) == ("Predict", "30-day churn")
    assert wrap("Streaming supply/demand pipeline", 10, 3, chars) == ("Streaming", "supply/", "demand pi…")
    assert wrap("Inverse-propensity weighting", 12, 2, chars) == ("Inverse-", "propensity…")


def test_the_cut_hyphens_come_off_and_the_text_s_own_stay():
    text = "Personalization near-real-time"
    lines = wrap(text, 10, 4, chars)
    assert lines == ("Personali-", "zation", "near-real-", "time")
    assert without_cut_hyphens(lines, text) == ["Personali", "zation", "near-real-", "time"]


def test_a_word_of_thousands_of_letters_is_cut_without_measuring_every_start():
    # `mlsd export --svg` of a design with a 10,000-letter name measured each of its starts at
    # each line (tens of millions of letters: minutes; the PDF report, the same)
    calls = []

    def counted(text: str) -> float:
        calls.append(text)
        return float(len(text))

    for word in ("x" * 10_000, "ab-" * 3_000):
        calls.clear()
        wrap(word, 20, 3, counted)
        assert sum(map(len, calls)) < 40 * len(word)  # a few passes over it, not one per letter
    assert wrap("x" * 10_000, 20, 3, chars) == ("x" * 19 + "-", "x" * 19 + "-", "x" * 19 + ELLIPSIS)
    assert wrap("ab-" * 3_000, 20, 2, chars) == ("ab-" * 6, "ab-" * 6 + "a" + ELLIPSIS)
