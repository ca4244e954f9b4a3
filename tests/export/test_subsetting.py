"""SubsetTTFont.splitString gives what reportlab's loop gives, call after call: the same runs
of subset codes and the same codes handed out, whatever the text (new characters, a no-break
space, other subsets, characters the font lacks), for each document on its own."""

from __future__ import annotations

from pathlib import Path

import pytest
from reportlab.pdfbase.ttfonts import TTFont

from app.export.report.subsetting import SubsetTTFont

FONTS = Path(__file__).resolve().parents[2] / "resources" / "fonts"


class _Doc:
    """Stands for a PDF document: fonts keep their codes per document (weakly keyed)."""


# Enough distinct characters to fill the first subset and spill into a second one (Latin and
# Greek for the body font, Chinese for the CJK font; each font lacks the others' letters).
MANY = "".join(chr(c) for c in [*range(0x100, 0x17F), *range(0x391, 0x3CA), *range(0x4E00, 0x5000)])
TEXTS = [
    "Feature store",
    "Feature store",  # known characters only: the table
    "a\u00a0b",  # no-break space: set with the space's code
    "\u00a0",
    "p99 ≤ 40 ms → ranker",  # new characters
    "",
    "Feature store → ranker (p99 ≤ 40 ms)",
    MANY,
    MANY[::-1],
    "Ranker Ωmega",
    "\u4e2d\u6587 and \U0001f680",  # characters the font lacks: code 0
    "Feature store",
    b"bytes text",
]


@pytest.mark.parametrize("font_file", ["Arimo-Regular.ttf", "MLSDSansCJK-Regular.ttf"])
def test_split_string_matches_reportlab_call_after_call(font_file):
    path = str(FONTS / font_file)
    reference, fast = TTFont("RefFont", path), SubsetTTFont("FastFont", path)
    first, second = _Doc(), _Doc()
    for doc in (first, second):
        for text in [*TEXTS, *TEXTS[::-1]]:
            assert fast.splitString(text, doc) == reference.splitString(text, doc), text
    assert any(subset == 1 for subset, _codes in fast.splitString(MANY, first))  # a second subset
    for doc in (first, second):
        mine, theirs = fast.state[doc], reference.state[doc]
        assert mine.assignments == theirs.assignments
        assert mine.subsets == theirs.subsets
        assert mine.nextCode == theirs.nextCode


def test_known_text_is_looked_up_without_reportlabs_loop(monkeypatch):
    """Once its characters have codes in the first subset, a text does not go through the loop."""
    fast = SubsetTTFont("FastFont2", str(FONTS / "Arimo-Regular.ttf"))
    doc = _Doc()
    fast.splitString("Feature store", doc)
    monkeypatch.setattr(TTFont, "splitString", lambda *args: pytest.fail("reportlab's loop was used"))
    assert fast.splitString("store Feature\u00a0", doc) == [(0, _codes(fast, doc, "store Feature "))]


def _codes(font: SubsetTTFont, doc: object, text: str) -> bytes:
    assignments = font.state[doc].assignments
    return bytes(assignments[ord(ch)] for ch in text)
