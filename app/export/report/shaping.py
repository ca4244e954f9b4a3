"""User text in visual order for the PDF report: bidi reordered, Arabic joined.

reportlab draws the characters it is given left to right, one glyph each: it neither reorders
right-to-left text nor joins Arabic letters. So each line of user text is turned into what is
seen, before it reaches reportlab:

1. Arabic letters become their contextual presentation forms (initial, medial, final,
   isolated, lam-alef ligatures) with arabic-reshaper, which the shipped Noto Sans Arabic has
   glyphs for;
2. the Unicode bidi algorithm (python-bidi) reorders the line into visual order, the base
   direction taken from its first strong letter, honouring the balanced embeddings, overrides
   and isolates it holds;
3. every bidi control and other default-ignorable character (zero-width joiners, variation
   selectors, ...) is removed: their work is done, and fonts have no glyph for them.

Each piece of user text is reordered on its own, so a right-to-left name cannot move the report
text around it (it is isolated by construction).

Wrapping: a paragraph wraps its visual-order text left to right, which for a right-to-left
line longer than the paragraph's width would put the line's end first. So visual_lines()
breaks a right-to-left line longer than RTL_CHUNK characters at spaces into lines of its
own, each reordered alone: paragraphs at least that wide read in the right order (narrower
ones, such as table cells, may still wrap a chunk).
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache
from typing import Any, Literal

from app.export.text import clean, needs_isolation

# Default-ignorable code points: no glyph, no width.
_IGNORABLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f"
    "\u3164\ufe00-\ufe0f\ufeff\uffa0\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff]"
)
_ISOLATE_OPEN = frozenset("\u2066\u2067\u2068")  # LRI, RLI, FSI
_ISOLATE_CLOSE = "\u2069"  # PDI
_ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\u0870-\u08ff]")
RTL_CHUNK = 60  # characters


@cache
def _reshaper() -> Any:
    """arabic-reshaper's reshaper, imported the first time Arabic text is drawn: it loads
    fontTools, which a report without Arabic has no use for."""
    import arabic_reshaper

    return arabic_reshaper.ArabicReshaper(configuration={"delete_harakat": False, "support_ligatures": True})


def drop_ignorables(text: str) -> str:
    """Text without default-ignorable characters (bidi controls, joiners, selectors)."""
    return _IGNORABLE.sub("", text)


def base_direction(text: str) -> Literal["L", "R"] | None:
    """The direction of the text's first strong letter, as the bidi algorithm's rules P2 and P3
    find it (what a browser does for dir=auto): letters inside an isolate do not count; None
    when there is no strong letter."""
    if text.isascii():
        return "L" if any(ch.isalpha() for ch in text) else None
    depth = 0
    for ch in text:
        if ch in _ISOLATE_OPEN:
            depth += 1
        elif ch == _ISOLATE_CLOSE:
            depth = max(0, depth - 1)
        elif depth == 0:
            kind = unicodedata.bidirectional(ch)
            if kind == "L":
                return "L"
            if kind in ("R", "AL"):
                return "R"
    return None


def shape_arabic(text: str) -> str:
    """Arabic letters in their joined presentation forms, the text still in logical order."""
    return _reshaper().reshape(text) if _ARABIC.search(text) else text


@lru_cache(maxsize=8192)  # a report shows the same names many times; shaping Arabic is slow
def visual_line(text: str, base: Literal["L", "R"] | None = None) -> str:
    """One line of logical text as drawn left to right: Arabic shaped, bidi reordered (in a
    paragraph of direction `base`, else of its first strong letter's), bidi controls and other
    ignorable characters removed. Text with no right-to-left letter and no bidi control only
    loses its ignorable characters."""
    if base != "R" and text.isascii():
        return text
    if base != "R" and not needs_isolation(text):
        return drop_ignorables(text)
    from bidi import get_display  # only for text with right-to-left letters or bidi controls

    return drop_ignorables(get_display(shape_arabic(text), base_dir=base))


def _chunks(line: str, size: int) -> list[str]:
    """A right-to-left line longer than `size` cut at spaces into pieces of at most `size`
    characters (a longer word stays whole); other lines as they are."""
    if len(line) <= size or line.isascii() or not needs_isolation(line):
        return [line]  # no right-to-left letter: left to right
    from bidi import get_base_level

    if get_base_level(line) != 1:
        return [line]
    pieces: list[str] = []
    current = ""
    for word in line.split(" "):
        if current and len(current) + 1 + len(word) > size:
            pieces.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    return [*pieces, current]


def visual_lines(text: object, rtl_chunk: int = RTL_CHUNK) -> list[str]:
    """User text (any object, None as empty) cleaned and split at its newlines (and long
    right-to-left lines into chunks, see the module's note), each line in visual order."""
    value = clean("" if text is None else str(text))
    return [visual_line(piece) for line in value.split("\n") for piece in _chunks(line, rtl_chunk)]
