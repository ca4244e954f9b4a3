"""Paragraphs of user text that hold right-to-left letters, and of report sentences quoting
such text: wrapped in logical order, each line reordered on its own.

reportlab wraps the text it is given left to right. Handed a paragraph already in visual order
(the whole paragraph reordered at once), it would wrap a right-to-left run longer than a line
with the run's logical end on the first line: in a right-to-left paragraph, in an English
paragraph quoting a long Arabic or Hebrew phrase, in a sentence of the report quoting a long
right-to-left name. So such text stays in the paragraph's markup in logical order, as spans
(report.spans), and a BidiParagraph breaks its markup into lines for the width it is wrapped
to, then reorders each span's piece on each line (the bidi algorithm's rules L1-L2: lines
first, then reordering). User text that is the whole paragraph is one span a line, in the
direction of its first strong letter (what a browser does for dir=auto), right-aligned when
that is right to left; a report sentence reads left to right, each name it quotes a span in
its own direction. Text without right-to-left letters or bidi controls stays a plain
paragraph.

Each line is resolved on its own (python-bidi has no per-line reordering of a paragraph's
levels): a number or neutral at a line's edge takes its direction from that line.
"""

from __future__ import annotations

from typing import Any

from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable
from reportlab.platypus.paragraph import cleanBlockQuotedText

from app.export.report.fonts import FontSet, markup, report_fonts
from app.export.report.paragraph import Paragraph
from app.export.report.shaping import base_direction
from app.export.report.spans import Direction, has_spans, lay_out, said, span
from app.export.text import clean, needs_isolation, strip_bidi

_right_styles: dict[int, tuple[ParagraphStyle, ParagraphStyle]] = {}
_mirrored_styles: dict[int, tuple[ParagraphStyle, ParagraphStyle]] = {}


def right_aligned(style: ParagraphStyle) -> ParagraphStyle:
    """The style right-aligned (one clone per style, so parsed markup stays shared)."""
    known = _right_styles.get(id(style))
    if known is None or known[0] is not style:
        known = _right_styles[id(style)] = (style, style.clone(f"{style.name}_rtl", alignment=TA_RIGHT))
    return known[1]


def is_rtl(value: object) -> bool:
    return base_direction(clean("" if value is None else str(value))) == "R"


def paragraph(text: str, style: ParagraphStyle, bulletText: str | None = None) -> Paragraph:  # noqa: N803
    """A paragraph of report markup: a BidiParagraph when it holds spans (report.spans)."""
    if has_spans(text):
        return BidiParagraph(text, style, bulletText)
    return Paragraph(text, style, bulletText=bulletText)


class BidiParagraph(Paragraph):
    """A paragraph of markup holding spans (user text in logical order, report.spans), broken
    into lines at each width it is wrapped to, each span's piece on each line then reordered
    (the module's note). Pieces made by split() are plain paragraphs of the lines already
    broken."""

    def __init__(
        self,
        text: Any,
        style: ParagraphStyle,
        bulletText: Any = None,  # noqa: N803 (reportlab's name)
        frags: Any = None,
        caseSensitive: int = 1,  # noqa: N803
        encoding: str = "utf8",
        *,
        fonts: FontSet | None = None,
    ):
        super().__init__(text, style, bulletText, frags, caseSensitive, encoding)
        self._source = text if frags is None and has_spans(text) else None
        self._fonts = fonts
        self._bullet = bulletText
        self._right_bullet: str | None = None  # drawn at style.bulletIndent from the right edge

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        source = getattr(self, "_source", None)
        if source is not None and (self._wraps is None or availWidth not in self._wraps):
            style = self.style
            width = availWidth - style.leftIndent - style.rightIndent
            text = lay_out(source, width, style, self._fonts, max(0.0, style.firstLineIndent))
            self._setup(text, style, self._bullet, None, cleanBlockQuotedText)
        return super().wrap(availWidth, availHeight)

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        pieces: list[Flowable] = super().split(availWidth, availHeight)
        bullet = getattr(self, "_right_bullet", None)
        if bullet and pieces and isinstance(pieces[0], BidiParagraph):
            pieces[0]._right_bullet = bullet  # on the first line, as reportlab's own bullets
        return pieces

    def draw(self) -> None:
        super().draw()
        bullet = getattr(self, "_right_bullet", None)
        lines = getattr(getattr(self, "blPara", None), "lines", None)
        if bullet and lines:
            style, canv = self.style, self.canv
            canv.saveState()
            canv.setFont(style.bulletFontName, style.bulletFontSize)
            canv.setFillColor(style.textColor)
            baseline = self.height - style.fontSize  # reportlab's first baseline
            canv.drawRightString(self.width - style.bulletIndent, baseline, bullet)
            canv.restoreState()


def _spans(logical: str, base: Direction) -> str:
    """User text as spans, a line each: each in its own direction, else `base`."""
    return "<br/>".join(span(line, base_direction(line) or base) for line in logical.split("\n"))


def user_text(
    value: object, style: ParagraphStyle, fonts: FontSet | None = None, *, prefix: str = "", suffix: str = ""
) -> Paragraph:
    """A paragraph of user text (escaped; newlines kept), after a run-in label `prefix` (report
    markup, a space between) and before `suffix` (report markup): wrapped in logical order when
    it has right-to-left letters, and right-aligned when it reads right to left and has no
    label."""
    fonts = fonts or report_fonts()
    logical = clean("" if value is None else str(value))
    if not needs_isolation(logical):
        text = markup(logical, fonts)
        return Paragraph(f"{prefix} {text}{suffix}" if prefix else text + suffix, style)
    base = base_direction(logical) or "L"
    right = right_aligned(style) if base == "R" and not prefix else style
    text = _spans(logical, base)
    return BidiParagraph(f"{prefix} {text}{suffix}" if prefix else text + suffix, right, fonts=fonts)


def mirrored(style: ParagraphStyle) -> ParagraphStyle:
    """A bulleted style for right-to-left text: right-aligned, its indents swapped (the bullet
    at bulletIndent from the right edge, the text leftIndent from it)."""
    known = _mirrored_styles.get(id(style))
    if known is None or known[0] is not style:
        name, left, right = f"{style.name}_rtl_bullet", style.rightIndent, style.leftIndent
        clone = style.clone(name, alignment=TA_RIGHT, leftIndent=left, rightIndent=right)
        known = _mirrored_styles[id(style)] = (style, clone)
    return known[1]


def bullet_item(value: object, style: ParagraphStyle, bullet: str, fonts: FontSet | None = None) -> Paragraph:
    """A bulleted paragraph of user text: the bullet on the left of left-to-right text, on the
    right of right-to-left text (right-aligned and wrapped in logical order)."""
    fonts = fonts or report_fonts()
    logical = clean("" if value is None else str(value))
    if not needs_isolation(logical):
        return Paragraph(markup(logical, fonts), style, bulletText=bullet)
    if base_direction(logical) != "R":
        return BidiParagraph(_spans(logical, "L"), style, bullet, fonts=fonts)
    item = BidiParagraph(_spans(logical, "R"), mirrored(style), fonts=fonts)
    item._right_bullet = bullet
    return item


def sentence(text: object, style: ParagraphStyle, bullet: str | None = None) -> Paragraph:
    """A sentence the report writes (a question about a component, say): left to right
    whatever the direction of the names it quotes, wrapped in logical order."""
    return paragraph(said(text), style, bullet)


def concerns_cell(names: str, style: ParagraphStyle) -> Paragraph:
    """A table cell listing what a finding concerns: names, each isolated (text.isolate), and
    the report's words ("and 3 more"). Read in the direction of its first strong letter outside
    the isolates' own, else of its first name's (dir=auto): right-aligned, the names in order
    from the right, when they read right to left."""
    logical = " ".join(clean(names).split("\n"))
    if not needs_isolation(logical):
        return Paragraph(markup(logical), style)
    base = base_direction(logical) or base_direction(strip_bidi(logical)) or "L"
    return BidiParagraph(span(logical, base), right_aligned(style) if base == "R" else style)


def labelled(
    label: str,
    value: object,
    style: ParagraphStyle,
    label_style: ParagraphStyle,
    fonts: FontSet | None = None,
) -> list[Flowable]:
    """A run-in label (report markup, e.g. "<b>Notes.</b>") and user text: one paragraph when
    the text reads left to right; else the label on a line of its own, kept with the
    right-aligned paragraph under it."""
    fonts = fonts or report_fonts()
    if not is_rtl(value):
        return [user_text(value, style, fonts, prefix=label)]
    return [Paragraph(label, label_style), user_text(value, style, fonts)]
