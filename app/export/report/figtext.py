"""Text in the report's figures: measuring, fitting into a box, and drawing.

Every string a figure shows goes through draw_label() (and is measured by text_width()),
so how text is shaped and which font draws each character is decided in this one place.
Each line is drawn by fonts.draw_text(): right-to-left text reordered and Arabic joined,
every character in a font that has it (the shipped script fonts, U+FFFD when none has); the
lines of a wrapped name are each reordered in the direction of the whole name.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from reportlab.lib.colors import Color, toColor
from reportlab.pdfgen.canvas import Canvas

from app.domain import line_breaks
from app.export.report.fonts import Direction, FontSet, draw_text
from app.export.report.fonts import text_width as fonts_text_width
from app.export.report.shaping import base_direction
from app.export.text import clean


@lru_cache(maxsize=1024)
def pdf_color(value: str) -> Color:
    """reportlab's colour for a CSS-style colour string, parsed once (reportlab parses the
    string at every setFillColor otherwise; a figure sets a few colours hundreds of times)."""
    color: Color = toColor(value)
    return color


def text_width(text: str, size: float, fonts: FontSet, *, bold: bool = False) -> float:
    """Width in points of `text` set at `size` as draw_label() sets it."""
    return fonts_text_width(text, size, fonts, bold=bold)


def draw_label(
    canv: Canvas,
    text: str,
    x: float,
    y: float,
    size: float,
    fonts: FontSet,
    *,
    bold: bool = False,
    color: str = "#000000",
    anchor: str = "start",
    base: Direction | None = None,
) -> None:
    """Draw one line of text in `color` with its baseline at y; `anchor` says whether x is its
    start, middle or end. A line of a wrapped text (fit_lines) is reordered in the direction
    `base` of the whole text (wrapped_direction), not its own: the bidi algorithm breaks lines
    first, then reorders each in its paragraph's direction."""
    canv.setFillColor(pdf_color(color))
    draw_text(canv, text, x, y, size, anchor=anchor, bold=bold, fonts=fonts, base=base)


def wrapped_direction(text: str) -> Direction:
    """The direction of a text's first strong letter (left to right when it has none): the
    direction each of its lines from fit_lines() is reordered in."""
    return base_direction(clean(text)) or "L"


def _measure(size: float, fonts: FontSet, bold: bool) -> Callable[[str], float]:
    def measure(text: str) -> float:
        return text_width(text, size, fonts, bold=bold)

    return measure


def shorten(text: str, width: float, size: float, fonts: FontSet, *, bold: bool = False) -> str:
    """`text` on one line of `width` points: cut and ended with an ellipsis when too wide."""
    return line_breaks.elide(text, width, _measure(size, fonts, bold))


def fit_lines(
    text: str, width: float, size: float, fonts: FontSet, max_lines: int, *, bold: bool = False
) -> list[str]:
    """`text` wrapped into lines of at most `width` points as the canvas wraps a name
    (app.domain.line_breaks); at most `max_lines` of them, the last one ending with an
    ellipsis when the text goes on."""
    flat = " ".join(clean(text).split())
    if not flat:
        return []
    measure = _measure(size, fonts, bold)
    return list(line_breaks.wrap(flat, width, max(max_lines, 1), measure))


def fits_whole(
    text: str, width: float, size: float, fonts: FontSet, max_lines: int, *, bold: bool = False
) -> bool:
    """Whether fit_lines() sets the whole of `text` (nothing elided; a word cut with a hyphen
    is whole) in that room."""
    flat = " ".join(clean(text).split())
    lines = fit_lines(flat, width, size, fonts, max_lines, bold=bold)
    return "".join(line_breaks.without_cut_hyphens(lines, flat)).replace(" ", "") == flat.replace(" ", "")
