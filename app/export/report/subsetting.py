"""reportlab's TrueType font, mapping text to its subset's codes by table once the characters
have codes.

Every string the report draws goes through TTFont.splitString: it gives each character of
the text its code in the font's subsets (the PDF embeds only the glyphs used, 256 to a subset)
and cuts the text into runs of one subset. reportlab does it character by character in Python,
and a report draws tens of thousands of characters, nearly all of them already given a code.
SubsetTTFont keeps, for each document, a translation table of the characters whose codes are
in the first subset: a text made only of those is translated in one call, which is what the
loop returns for it. Any other text (a new character, another subset, bytes) goes through
reportlab's loop, which gives the new codes; the table catches up with them at the next call.
"""

from __future__ import annotations

from itertools import islice
from typing import Any

from reportlab.pdfbase.ttfonts import TTFont

NBSP, SPACE = 0xA0, 0x20  # reportlab sets a no-break space with the space's code


class _FirstSubset:
    """The characters whose codes are in the first subset: code point -> code, and the set of
    them (kept in step with a font state's assignments, which only grow)."""

    __slots__ = ("known", "seen", "table")

    def __init__(self) -> None:
        self.seen = 0  # how many of the state's assignments are in the table
        self.table: dict[int, str] = {}
        self.known: set[str] = set()

    def update(self, assignments: dict[int, int]) -> None:
        for char, code in islice(assignments.items(), self.seen, None):
            if code < 256 and char != NBSP:
                self.table[char] = chr(code)
                self.known.add(chr(char))
        self.seen = len(assignments)
        space = self.table.get(SPACE)
        if space is not None:
            self.table[NBSP] = space
            self.known.add(chr(NBSP))


class SubsetTTFont(TTFont):
    """A TTFont whose splitString looks characters up in a table when it can (the same result)."""

    def splitString(self, text: Any, doc: Any, encoding: str = "utf-8") -> list[tuple[int, bytes]]:  # noqa: N802
        state: Any = self.state.get(doc)  # reportlab's per-document codes (TTFont.State)
        if state is not None and isinstance(text, str) and text:
            first: _FirstSubset | None = getattr(state, "_first_subset", None)
            if first is None:
                first = state._first_subset = _FirstSubset()
            if first.seen != len(state.assignments):
                first.update(state.assignments)
            if first.known.issuperset(text):
                return [(0, text.translate(first.table).encode("latin-1"))]
        result: list[tuple[int, bytes]] = super().splitString(text, doc, encoding)
        return result
