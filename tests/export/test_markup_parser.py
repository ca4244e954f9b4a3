"""FastParaParser makes the very fragments ReportParaParser (reportlab's ParaParser, on
html.parser) makes, for the markup the report writes and for anything else (which it hands to
html.parser); ReportParaParser differs from reportlab's only in the style a <font name> keeps."""

from __future__ import annotations

import pytest
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus.paragraph import cleanBlockQuotedText
from reportlab.platypus.paraparser import ParaParser

from app.export.report import markup_parser, paragraph
from app.export.report.fonts import markup
from app.export.report.styles import make_styles

FAST, REFERENCE = markup_parser.FastParaParser, markup_parser.ReportParaParser

TEXTS = [
    "plain text",
    "",
    "<b>Notes.</b> a &amp; b &lt;c&gt; d",
    '<font color="#5d6d7e">Author</font>',
    '<font size="15" color="#F2B84B"><b>1</b></font><br/><b>Business problem</b><br />x',
    '<font name="MLSDSans-Bold" color="#c0392b"><b>0 errors</b></font> · <i>italic</i> &gt;',
    '<B>upper-case tags</B> <Font COLOR="#123456">and attributes</Font>',
    "a > b and c ≥ d",
    "&nbsp;named &copy; entities&hellip;",
    # handed to html.parser: a lone ampersand, a character reference, single quotes, a comment
    "fish & chips",
    "&#169; &#x394; refs",
    "<font color='#123456'>single</font>",
    "x <!-- comment --> y",
    "<para>given para</para>",
    "a < b",
]


def _frags(parser_class: type[ParaParser], text: str, style: ParagraphStyle) -> str:
    parser = parser_class()
    parser.caseSensitive = 1
    _style, frags, bullets = parser.parse(cleanBlockQuotedText(text), style)
    return repr(([sorted(vars(f).items()) for f in frags or []], bullets))


@pytest.mark.parametrize("text", TEXTS)
def test_the_same_fragments_as_html_parser(text):
    style = make_styles().body
    assert _frags(FAST, text, style) == _frags(REFERENCE, text, style)


def test_the_reports_markup_is_read_without_html_parser(hostile):
    """User text escaped by markup() (hostile names: markup, entities, quotes, six scripts) is
    of the markup the tokenizer reads itself, with the same fragments."""
    style = make_styles().body
    names = [c.name for c in hostile.components] + ["نموذج 推荐 <b>x</b> & 'q' \"dq\" ≥ 🚀"]
    for name in names:
        text = f"<b>{markup(name)}</b>: {markup(name)}"
        assert markup_parser.events(text) is not None, text
        assert _frags(FAST, text, style) == _frags(REFERENCE, text, style)


@pytest.mark.parametrize("text", ["fish & chips", "&#169;", "a < b", "<font color='#1'>x</font>"])
def test_other_text_goes_to_html_parser(text):
    assert markup_parser.events(text) is None


def test_paragraphs_parse_with_the_fast_parser(monkeypatch):
    used = []
    feed = markup_parser.FastParaParser.feed

    def recording(self, data):
        used.append(data)
        return feed(self, data)

    monkeypatch.setattr(markup_parser.FastParaParser, "feed", recording)
    style = make_styles().body.clone("probe-style-for-fast-parser")
    para = paragraph.Paragraph("<b>probe</b> text &amp; more", style)
    assert used == ["<para><b>probe</b> text &amp; more</para>"]
    assert [f.text for f in para.frags] == ["probe", " text ", "&", " more"]


@pytest.mark.parametrize(
    ("text", "bold"),
    [
        ('<b><font name="MLSDSans">a script run in bold text</font></b>', 1),
        ('<font name="MLSDSans-Bold">a bold face named in regular text</font>', 1),
        ('<font name="MLSDSans">a regular face named in regular text</font>', 0),
    ],
)
def test_a_font_tag_adds_its_faces_weight_and_never_takes_the_texts_away(text, bold):
    style = make_styles().body
    for parser_class in (FAST, REFERENCE):
        parser = parser_class()
        parser.caseSensitive = 1
        _style, frags, _bullets = parser.parse(text, style)
        assert [(f.text, f.bold) for f in frags] == [(frags[0].text, bold)]
