"""Text in the report's figures: measuring, fitting into a box, and drawing.

Every string a figure shows goes through draw_label() (and is measured by text_width()),
so how text is shaped and which font draws each character is decided in this one place.
Each line is drawn by fonts.draw_text(): right-to-left text reordered and Arabic joined,
every character in a font that has it (the shipped script fonts, U+FFFD when none has).
"""

from __future__ import annotations

from functools import lru_cache

from reportlab.lib.colors import Color, toColor
from reportlab.pdfgen.canvas import Canvas

from app.export.report.fonts import FontSet, draw_text
from app.export.report.fonts import text_width as fonts_text_width
from app.export.text import BREAK_AFTER, clean

ELLIPSIS = "…"


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
) -> None:
    """Draw one line of text in `color` with its baseline at y; `anchor` says whether x is its
    start, middle or end."""
    canv.setFillColor(pdf_color(color))
    draw_text(canv, text, x, y, size, anchor=anchor, bold=bold, fonts=fonts)


def _break_word(word: str, width: float, size: float, fonts: FontSet, bold: bool) -> list[str]:
    pieces, current = [], ""
    for ch in word:
        if current and text_width(current + ch, size, fonts, bold=bold) > width:
            pieces.append(current)
            current = ch
        else:
            current += ch
    return [*pieces, current] if current else pieces


def shorten(text: str, width: float, size: float, fonts: FontSet, *, bold: bool = False) -> str:
    """`text` on one line of `width` points: cut and ended with an ellipsis when too wide."""
    if text_width(text, size, fonts, bold=bold) <= width:
        return text
    low, high = 0, len(text)
    while low < high:
        mid = (low + high + 1) // 2
        if text_width(text[:mid].rstrip() + ELLIPSIS, size, fonts, bold=bold) <= width:
            low = mid
        else:
            high = mid - 1
    return text[:low].rstrip() + ELLIPSIS


def _atoms(text: str) -> list[tuple[str, str]]:
    """(glue, piece) for the pieces a line may end after: glue " " at a space, "" inside a word."""
    atoms: list[tuple[str, str]] = []
    for word in " ".join(clean(text).split()).split(" "):
        for number, piece in enumerate(BREAK_AFTER.split(word)):
            atoms.append(("" if number else " ", piece))
    return atoms


def fit_lines(
    text: str, width: float, size: float, fonts: FontSet, max_lines: int, *, bold: bool = False
) -> list[str]:
    """`text` wrapped into lines of at most `width` points, at spaces or after a slash or hyphen
    (words too long for a line are broken), at most `max_lines` of them: the last one ends with
    an ellipsis when the text goes on."""
    lines: list[tuple[str, str]] = []  # (glue before the line, the line)
    glue, current = "", ""
    for space, piece in _atoms(text):
        candidate = f"{current}{space}{piece}" if current else piece
        if text_width(candidate, size, fonts, bold=bold) <= width:
            glue, current = (space if not current else glue), candidate
            continue
        if current:
            lines.append((glue, current))
        parts = _break_word(piece, width, size, fonts, bold)
        lines += [(space if number == 0 else "", part) for number, part in enumerate(parts[:-1])]
        glue, current = (space if len(parts) <= 1 else ""), (parts[-1] if parts else "")
    if current:
        lines.append((glue, current))
    keep = max(max_lines, 1)
    if len(lines) > keep:
        rest = lines[keep - 1][1] + "".join(g + line for g, line in lines[keep:])
        cut = shorten(rest, width, size, fonts, bold=bold)  # too wide by construction: cut
        lines = [*lines[: keep - 1], ("", cut)]
    return [line for _glue, line in lines]


def fits_whole(
    text: str, width: float, size: float, fonts: FontSet, max_lines: int, *, bold: bool = False
) -> bool:
    """Whether fit_lines() sets the whole of `text` (nothing cut) in that room."""
    lines = fit_lines(text, width, size, fonts, max_lines, bold=bold)
    return "".join(lines).replace(" ", "") == "".join(clean(text).split())
