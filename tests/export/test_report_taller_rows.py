"""A figure with no room for every row its names need made taller gets as many as fit."""

from __future__ import annotations

import pytest

from app.export import report_bytes
from app.persistence import load_design
from app.resources import resource_path
from app.rules.engine import check_design
from tests.export.pdfread import flat, outline, reader

# the rag_assistant template's names needing a third line on its system figure
LONG_NAMES = [
    "Answer support questions from our docs",
    "No raw personal data to the vendor or logs (GDPR)",
    "Offline gate on prompt & model swaps",
    "AWS EKS (GPU reranker) + vendor API",
]


def test_rows_made_taller_as_far_as_the_page_has_room(catalog):
    """rag_assistant's system figure cut all four names: with all four rows taller it was
    just under its legible floor, so it was drawn with two-line names; the page has room for
    three of those rows."""
    design = load_design(resource_path("templates", "rag_assistant.mlsd")).design
    data = report_bytes(design, check_design(design, catalog), catalog, report_date="2026-12-01")
    number = {title: page for _level, title, page in outline(data)}["Architecture"]
    page = reader(data).pages[number - 1]
    forms = [o.get_object() for o in page["/Resources"]["/XObject"].values()]
    figure = flat(" ".join(page.extract_xform_text(f) for f in forms if f.get("/Subtype") == "/Form"))
    whole = [name for name in LONG_NAMES if name in figure]
    assert len(whole) >= len(LONG_NAMES) - 1, whole
    cut = [name for name in LONG_NAMES if name not in whole]
    for name in cut:  # cut with an ellipsis, and the note says so
        assert flat(name)[:20] in figure and "…" in figure
        assert "whole in its component's entry" in flat(page.extract_text())


def test_the_rows_with_the_most_long_names_are_made_taller_first():
    from app.export.report.figure import NAME_TEXT
    from app.export.report.fonts import report_fonts
    from app.export.report.tallrows import needed_rows, taller_rows
    from app.export.scene import Card, Scene

    long_name = "Clickstream events from the mobile apps 111"
    rows = [(0.0, 1), (100.0, 2), (200.0, 1)]  # (y, long names in it) of three rows of two cards
    cards = tuple(
        Card(
            f"c{y}-{i}",
            300.0 * i,
            y,
            260.0,
            64.0,
            long_name if i < n else "Short",
            "",
            "#fff",
            "#000",
            1.0,
            "#000",
        )
        for y, n in rows
        for i in range(2)
    )
    scene = Scene(cards, (), (), 600.0, 264.0)
    fonts, floor = report_fonts(), 0.359
    assert needed_rows(scene, fonts, floor, NAME_TEXT) == 3
    heights = [c.height for c in taller_rows(scene, fonts, floor, NAME_TEXT, rows=1).cards]
    assert heights[2] > 64.0 and [*heights[:2], *heights[4:]] == pytest.approx([64.0] * 4)  # the row with two
    heights = [c.height for c in taller_rows(scene, fonts, floor, NAME_TEXT, rows=2).cards]
    assert heights[0] > 64.0 and heights[2] > 64.0 and heights[4] == pytest.approx(64.0)  # then the upper one
    assert taller_rows(scene, fonts, floor, NAME_TEXT, rows=0) is scene
