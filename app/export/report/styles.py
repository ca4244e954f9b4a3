"""Colours, paragraph styles and small flowable helpers shared by the report sections."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import count
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from app.domain.text import balance_bidi
from app.export.report.fonts import FontSet, report_fonts
from app.export.report.paragraph import Paragraph
from app.export.report.rtl import BidiParagraph, paragraph, user_text
from app.export.report.spans import flat, quote

PORTRAIT = A4
LANDSCAPE = landscape(A4)
MARGIN = 18 * mm
FOOTER_GAP = 10 * mm

INK = colors.HexColor("#1B2631")
MUTED = colors.HexColor("#5D6D7E")
ACCENT = colors.HexColor("#1F4E79")
ACCENT_LIGHT = colors.HexColor("#EAF0F6")
GRID = colors.HexColor("#D5D8DC")
ZEBRA = colors.HexColor("#F8F9F9")
OK_GREEN = colors.HexColor("#1E8449")
OK_GREEN_LIGHT = colors.HexColor("#D5F5E3")

# severity -> (strong, light)
SEVERITY_COLORS = {
    "error": (colors.HexColor("#C0392B"), colors.HexColor("#FADBD8")),
    "warning": (colors.HexColor("#B9770E"), colors.HexColor("#FDEBD0")),
    "info": (colors.HexColor("#2874A6"), colors.HexColor("#D6EAF8")),
    "accepted": (OK_GREEN, OK_GREEN_LIGHT),
    "off": (MUTED, ZEBRA),
}


@dataclass(frozen=True)
class Styles:
    fonts: FontSet
    title: ParagraphStyle
    subtitle: ParagraphStyle
    h1: ParagraphStyle
    h2: ParagraphStyle
    h3: ParagraphStyle
    body: ParagraphStyle
    muted: ParagraphStyle
    small: ParagraphStyle
    cell: ParagraphStyle
    cell_bold: ParagraphStyle
    cell_head: ParagraphStyle
    cell_center: ParagraphStyle
    bullet: ParagraphStyle
    kind_line: ParagraphStyle
    box: ParagraphStyle
    toc: tuple[ParagraphStyle, ...]


def make_styles(fonts: FontSet | None = None) -> Styles:
    fonts = fonts or report_fonts()
    base = ParagraphStyle(
        "body",
        fontName=fonts.regular,
        fontSize=9.2,
        leading=12.3,
        textColor=INK,
        alignment=TA_LEFT,
        spaceAfter=4,
        splitLongWords=1,
        bulletFontName=fonts.regular,  # reportlab's default is Helvetica 10 pt, not embedded
        bulletFontSize=9.2,
    )

    def derive(name: str, **kw: Any) -> ParagraphStyle:
        return ParagraphStyle(name, parent=base, **kw)

    cell = derive("cell", fontSize=8.2, leading=10.2, spaceAfter=0)
    toc0 = derive("toc0", fontName=fonts.bold, fontSize=10.5, leading=15, spaceBefore=5, spaceAfter=0)
    toc1 = derive("toc1", fontSize=9.5, leading=13, leftIndent=14, spaceAfter=0)
    return Styles(
        fonts=fonts,
        title=derive("title", fontName=fonts.bold, fontSize=28, leading=34, textColor=ACCENT, spaceAfter=10),
        subtitle=derive("subtitle", fontSize=13, leading=17, textColor=MUTED, spaceAfter=18),
        h1=derive(
            "h1",
            fontName=fonts.bold,
            fontSize=17,
            leading=21,
            textColor=ACCENT,
            spaceBefore=22,
            spaceAfter=10,
            keepWithNext=1,
        ),
        h2=derive(
            "h2",
            fontName=fonts.bold,
            fontSize=13,
            leading=17,
            textColor=ACCENT,
            spaceBefore=10,
            spaceAfter=5,
            keepWithNext=1,
        ),
        h3=derive(
            "h3",
            fontName=fonts.bold,
            fontSize=10.5,
            leading=13,
            spaceBefore=6,
            spaceAfter=1.5,
            keepWithNext=1,
        ),
        body=base,
        muted=derive("muted", textColor=MUTED),
        small=derive("small", fontSize=8, leading=10, textColor=MUTED, spaceBefore=2),
        cell=cell,
        cell_bold=ParagraphStyle("cell_bold", parent=cell, fontName=fonts.bold),
        cell_head=ParagraphStyle("cell_head", parent=cell, fontName=fonts.bold, textColor=ACCENT),
        cell_center=ParagraphStyle("cell_center", parent=cell, alignment=TA_CENTER),
        bullet=derive("bullet", leftIndent=14, bulletIndent=3, spaceAfter=3),
        kind_line=derive("kind_line", spaceAfter=2, keepWithNext=1),
        box=derive("box", fontSize=10, leading=14, borderPadding=8, spaceAfter=0),
        toc=(toc0, toc1),
    )


def text(value: object, style: ParagraphStyle, fonts: FontSet | None = None) -> Paragraph:
    """A paragraph of user text (escaped; newlines kept; right-aligned when it reads right to
    left, report.rtl)."""
    return user_text(value, style, fonts)


def rich(trusted_markup: str, style: ParagraphStyle, bullet: str | None = None) -> Paragraph:
    """A paragraph of markup built by the report itself (user parts already escaped, those
    in logical order as spans: report.spans)."""
    return paragraph(trusted_markup, style, bullet)


def hex_of(color: colors.Color) -> str:
    return color.hexval().replace("0x", "#")


_heading_ids = count()


class Heading(BidiParagraph):
    """A heading that the document template turns into a bookmark, an outline entry and,
    for levels within the table of contents, a TOC line. User text in it is wrapped in
    logical order (its markup holds spans, report.spans)."""

    def __init__(
        self,
        markup_text: str,
        style: ParagraphStyle,
        bulletText: str | None = None,  # noqa: N803 (reportlab's name)
        frags: list[Any] | None = None,
        *,
        plain: str | None = None,
        level: int = 0,
        toc: bool = True,
    ):
        # Paragraph.split makes its pieces as self.__class__(None, style, bulletText=, frags=)
        # (text None, the fragments given): they have no `plain`, and are no heading of their
        # own until split() says so.
        super().__init__(markup_text, style, bulletText=bulletText, frags=frags)
        self.outline_level = level
        self.outline_text = ""
        self.toc_markup: str | None = None
        self.bookmark: str | None = None
        if plain is not None:
            self.outline_text = balance_bidi(" ".join(plain.split())) or "(untitled)"
            self.toc_markup = flat(markup_text, style) if toc else None
            self.bookmark = f"h{next(_heading_ids)}"

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        """A heading taller than the space left (a name of thousands of characters) is split
        like a paragraph; its first piece is the heading (bookmark, outline, contents line)."""
        pieces = super().split(availWidth, availHeight)
        if pieces and isinstance(pieces[0], Heading) and pieces[0] is not self:
            first = pieces[0]
            first.outline_level, first.outline_text = self.outline_level, self.outline_text
            first.toc_markup, first.bookmark = self.toc_markup, self.bookmark
        return pieces


def heading(
    value: object, styles: Styles, level: int, *, toc: bool = True, style: ParagraphStyle | None = None
) -> Heading:
    """Heading of user or fixed text at outline level 0 (h1), 1 (h2) or 2 (h3). Every heading
    is in the PDF's outline; the contents page lists the sections (level 0), so that it shares
    its page with the summary."""
    style = style or (styles.h1, styles.h2, styles.h3)[min(level, 2)]
    plain = "" if value is None else str(value)
    markup_text = quote(plain, styles.fonts)
    return Heading(markup_text, style, plain=plain, level=level, toc=toc and level == 0)
