"""Paragraphs of user text that hold right-to-left letters: wrapped in logical order, each line
reordered on its own.

reportlab wraps the text it is given left to right. Handed a paragraph already in visual order
(the whole paragraph reordered at once), it would wrap a right-to-left run longer than a line
with the run's logical end on the first line: in a right-to-left paragraph, or in an English
paragraph quoting a long Arabic or Hebrew phrase. A BidiParagraph instead breaks its logical
text into lines for the width it is wrapped to (words measured as drawn: Arabic joined, each
run in its font), reorders each line on its own in the direction of the line's paragraph (the
bidi algorithm's rules L1-L2: lines first, then reordering), and sets the lines one per line
break: right-aligned when the text reads right to left (its first strong letter, what a browser
does for dir=auto), in the style's alignment otherwise. Text without right-to-left letters or
bidi controls stays a plain paragraph.

Each line is resolved on its own (python-bidi has no per-line reordering of a paragraph's
levels): a number or neutral at a line's edge takes its direction from that line.
"""

from __future__ import annotations

from typing import Any, Literal

from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable
from reportlab.platypus.paragraph import cleanBlockQuotedText

from app.export.report.fonts import FontSet, lines_markup, markup, report_fonts, text_width
from app.export.report.paragraph import Paragraph
from app.export.report.shaping import base_direction, visual_line
from app.export.text import clean, needs_isolation

Direction = Literal["L", "R"]
_SLACK = 0.5  # points kept free on a line: reportlab's own measure must not wrap it again
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


def break_logical(
    line: str, width: float, style: ParagraphStyle, fonts: FontSet, first: float = 0.0
) -> list[str]:
    """One logical line cut at spaces into pieces that fit `width` once drawn (a word wider
    than the width alone on its piece). The first piece leaves `first` points to what precedes
    it on its line (a run-in label); it is empty when not even its first word fits there."""
    if not line:
        return [""]
    bold = style.fontName in (fonts.bold, fonts.bold_italic)
    italic = style.fontName in (fonts.italic, fonts.bold_italic)
    space = stringWidth(" ", style.fontName, style.fontSize)
    pieces: list[str] = []
    current, used = "", first
    for word in line.split(" "):
        wide = text_width(word, style.fontSize, fonts, bold=bold, italic=italic)
        if (current or used) and used + (space if current else 0.0) + wide > width - _SLACK:
            pieces.append(current)
            current, used = word, wide
        else:
            current, used = (f"{current} {word}", used + space + wide) if current else (word, used + wide)
    return [*pieces, current]


def rtl_lines(
    text: str, width: float, style: ParagraphStyle, fonts: FontSet, base: Direction, first: float = 0.0
) -> list[str]:
    """The text's lines in visual order for `width`: each logical line (a paragraph of the bidi
    algorithm, in its own direction, else `base`) broken first, then each piece reordered; the
    first line leaves `first` points to a run-in label."""
    out: list[str] = []
    for line in text.split("\n"):
        direction = base_direction(line) or base
        pieces = break_logical(line, width, style, fonts, first if not out else 0.0)
        out += [visual_line(piece, direction) for piece in pieces]
    return out


def markup_width(text: str, style: ParagraphStyle) -> float:
    """The width of report markup (a run-in label) set on one line in the style."""
    probe = Paragraph(text, style)
    probe.wrap(1e6, 1e6)
    return max(probe.getActualLineWidths0() or [0.0])


class BidiParagraph(Paragraph):
    """A paragraph of user text with right-to-left letters, broken into lines in logical order
    at each width it is wrapped to, each line then reordered (the module's note). An optional
    run-in label (report markup) precedes it on its first line and markup follows its last.
    Pieces made by split() are plain paragraphs of the lines already broken."""

    def __init__(
        self,
        text: Any,
        style: ParagraphStyle,
        bulletText: Any = None,  # noqa: N803 (reportlab's name)
        frags: Any = None,
        caseSensitive: int = 1,  # noqa: N803
        encoding: str = "utf8",
        *,
        logical: str | None = None,
        fonts: FontSet | None = None,
        base: Direction = "R",
        prefix: str = "",
        suffix: str = "",
    ):
        super().__init__(text, style, bulletText, frags, caseSensitive, encoding)
        self._logical = logical
        self._fonts = fonts or report_fonts()
        self._base: Direction = base
        self._prefix, self._suffix, self._bullet = prefix, suffix, bulletText
        self._right_bullet: str | None = None  # drawn at style.bulletIndent from the right edge

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        logical = getattr(self, "_logical", None)
        if logical is not None and (self._wraps is None or availWidth not in self._wraps):
            style, prefix = self.style, self._prefix
            width = availWidth - style.leftIndent - style.rightIndent - max(0.0, style.firstLineIndent)
            first = 0.0
            if prefix:  # the label and the space after it
                first = markup_width(prefix, style) + stringWidth(" ", style.fontName, style.fontSize)
            text = lines_markup(rtl_lines(logical, width, style, self._fonts, self._base, first), self._fonts)
            text = f"{prefix} {text}{self._suffix}" if prefix else text + self._suffix
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
    return BidiParagraph(
        markup(logical, fonts), right, logical=logical, fonts=fonts, base=base, prefix=prefix, suffix=suffix
    )


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
        return BidiParagraph(markup(logical, fonts), style, bullet, logical=logical, fonts=fonts, base="L")
    item = BidiParagraph(markup(logical, fonts), mirrored(style), logical=logical, fonts=fonts)
    item._right_bullet = bullet
    return item


def sentence(text: object, fonts: FontSet | None = None) -> str:
    """Markup of a sentence the report writes (a question about a component, say): left to
    right whatever the direction of the names it quotes."""
    fonts = fonts or report_fonts()
    lines = clean("" if text is None else str(text)).split("\n")
    return lines_markup([visual_line(line, "L") for line in lines], fonts)


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
