"""Spans (report.spans): user text kept in logical order in the report's markup, broken into
lines with the sentence around it, each line's piece of it then set in visual order in the
span's own direction."""

from __future__ import annotations

import html
import re

from app.domain.text import isolate
from app.export.report.paragraph import Paragraph
from app.export.report.shaping import visual_line
from app.export.report.spans import has_spans, lay_out, quote, said, span
from app.export.report.styles import make_styles

HE = "אחד שניים שלושה ארבעה חמישה שישה שבעה שמונה תשעה עשרה כלב חתול סוס פרה כבש עז"
NAME = f"מודל {HE} Two tower"
STYLES = make_styles()


def _lines(text: str, width: float) -> list[str]:
    return lay_out(text, width, STYLES.body).split("<br/>")


def _plain(line: str) -> str:
    """A line of markup as the text drawn, left to right."""
    return html.unescape(re.sub("<[^>]*>", "", line))


def _pieces(name: str, shown: list[str]) -> list[str]:
    """The name cut into consecutive pieces of as many words as each shown line has, each
    reordered on its own (in the direction of the name)."""
    words, out = name.split(), []
    for line in shown:
        count = len(line.split())
        out.append(visual_line(" ".join(words[:count]), "R"))
        words = words[count:]
    assert not words
    return out


def test_left_to_right_text_is_no_span():
    assert quote("Feature store <b>&", STYLES.fonts) == "Feature store &lt;b&gt;&amp;"
    assert said("Sends to Ranker\nthen stops") == "Sends to Ranker<br/>then stops"
    assert not has_spans(said("Sends to Ranker"))


def test_a_quoted_name_is_broken_first_then_each_piece_reordered():
    lines = _lines(f"<b>Sends to</b> {quote(NAME)} (data)", 200)
    assert len(lines) >= 3
    assert lines[0].startswith("<b>Sends to</b> ") and lines[-1].endswith(" (data)")
    shown = [_plain(line).removeprefix("Sends to ").removesuffix(" (data)") for line in lines]
    assert shown == _pieces(NAME, shown)
    assert shown[-1].startswith("Two tower ")  # the name's English end left of its Hebrew


def test_tags_and_escaping_survive_the_line_breaks():
    text = f'<font color="#5D6D7E">concerns <b>{quote("<b>&amp; " + HE)}</b></font>'
    lines = _lines(text, 150)
    assert len(lines) >= 2
    assert "&lt;b&gt;&amp;amp;" in lines[0]  # user markup printed as typed
    joined = "<br/>".join(lines)
    assert joined.startswith('<font color="#5D6D7E">concerns <b>') and joined.endswith("</b></font>")
    Paragraph(joined, STYLES.body).wrap(150, 1000)  # well-formed markup


def test_a_name_isolated_in_a_sentence_keeps_its_direction_on_each_line():
    """A right-to-left name inside a left-to-right sentence (said() of a finding's message):
    its piece on each line is read right to left, its English end on the left."""
    lines = [
        _plain(line) for line in _lines(said(f"No baseline is evaluated beside {isolate(NAME)} yet"), 220)
    ]
    assert len(lines) >= 3
    assert lines[0].startswith("No baseline is evaluated beside ") and lines[-1].endswith(" yet")
    shown = [
        lines[0].removeprefix("No baseline is evaluated beside "),
        *lines[1:-1],
        lines[-1].removesuffix(" yet"),
    ]
    assert shown == _pieces(NAME, shown)
    assert shown[-1].startswith("Two tower ")


def test_user_text_keeps_bidi_controls_inside_its_span():
    """A name holding an embedding that a line break cuts: the embedding opens again on the
    next line, and none of its controls reaches the markup."""
    name = f"\u202b{HE}\u202c"
    lines = [_plain(line) for line in _lines(f"Sends to {span(name)} now", 180)]
    assert len(lines) >= 2
    assert not any(ch in "\u202a\u202b\u202c\u2066\u2067\u2068\u2069" for ch in "".join(lines))
    shown = [lines[0].removeprefix("Sends to "), *lines[1:-1], lines[-1].removesuffix(" now")]
    assert shown == _pieces(HE, shown)
