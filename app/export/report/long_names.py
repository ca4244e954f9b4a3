"""Component names too long to read, shortened for the report.

A name of thousands of letters cannot be read in a table cell, a heading or a sentence, and
laying it out there is what made such a report slow: a cell of hundreds of lines is split
from page to page again and again (a design of ten names of 3,000-9,300 letters took 8.6 s
to export, most of it breaking and splitting those cells). So the report is built from a copy
of the design whose names past NAME_LIMIT characters are cut at a word's end with an ellipsis,
and checked again (the findings' messages quote the names); each such component's entry in
"Design by stage" prints its full name once, as a paragraph of its own.
"""

from __future__ import annotations

from app.domain.model import Design

NAME_LIMIT = 200  # characters: some three lines of a table cell's width in the report
ELLIPSIS = "\u2026"


def shortened(text: str, limit: int = NAME_LIMIT) -> str:
    """`text` on one line, cut to `limit` characters at a word's end (mid-word when its first
    word is longer), with an ellipsis when cut."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    head = flat[:limit]
    cut = head.rsplit(" ", 1)[0] if " " in head else head
    return cut.rstrip(" ,;:.") + ELLIPSIS


def report_design(design: Design) -> tuple[Design, dict[str, str]]:
    """The design the report shows (its names past NAME_LIMIT characters shortened) and the
    full names of those components by id; the design itself when no name is that long."""
    full = {c.id: c.name for c in design.components if len(c.name) > NAME_LIMIT}
    if not full:
        return design, {}
    shown = design.model_copy(deep=True)
    for component in shown.components:
        if component.id in full:
            component.name = shortened(component.name)
    shown.invalidate_indexes()
    return shown, full
