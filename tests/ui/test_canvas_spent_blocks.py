"""The first frame at a new zoom level with many cards waiting for their text (text_refine): once
the frame's layouts are spent, its further new cards are drawn as blocks the quick way
(TextRefiner.paint_spent), exactly as the full checks would draw them; a zoomed-out frame gives
layouts less time (layout_ms); LevelPixmaps tells whether any pixels of a card are kept."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QPainter, QPixmap

from app.ui.canvas import card_text as ct
from app.ui.canvas import text_refine
from app.ui.canvas.level_pixmaps import LevelPixmaps, Provisional
from app.ui.canvas.text_refine import TextRefiner, layout_ms
from tests.ui.canvas_support import frame, fresh_frame, grid_view

ZOOM = 0.44  # about 80 cards in a 900 x 600 view, their names at a new size


@pytest.fixture
def few_layouts(monkeypatch):
    """A frame lays out 5 names at most, whatever the machine's speed."""
    monkeypatch.setattr(text_refine, "NEW_LAYOUTS_PER_FRAME", 5)
    monkeypatch.setattr(text_refine, "LAYOUT_MS", 60_000.0)
    ct.invalidate()


def _settled_view(qtbot):
    doc, view = grid_view(qtbot, 600)
    frame(view)
    view.text_refiner.settle()
    frame(view)
    view.text_refiner.provisional = 0
    return view


def _first_frame_at(qtbot, zoom: float):
    ct.invalidate()  # no name laid out at `zoom` by another view
    view = _settled_view(qtbot)
    ct.invalidate()
    view.set_zoom(zoom)
    return view, frame(view)


def test_blocks_drawn_once_the_layouts_are_spent_are_the_blocks_of_the_full_checks(
    qtbot, few_layouts, monkeypatch
):
    spent = []
    quick = TextRefiner.paint_spent

    def counted(self, *args):
        drawn = quick(self, *args)
        spent.append(drawn)
        return drawn

    monkeypatch.setattr(TextRefiner, "paint_spent", counted)
    view, first = _first_frame_at(qtbot, ZOOM)
    blocks = len(view.text_refiner._blocks)
    assert sum(spent) > 20 and sum(spent) <= blocks
    monkeypatch.setattr(TextRefiner, "paint_spent", lambda self, *args: False)  # the full checks only
    other, slow = _first_frame_at(qtbot, ZOOM)
    assert len(other.text_refiner._blocks) == blocks
    assert slow == first
    qtbot.waitUntil(lambda: view.text_refiner.pending() == 0, timeout=10_000)
    assert frame(view) == fresh_frame(view, ZOOM)


def test_a_card_with_pixels_kept_at_another_level_is_left_to_the_full_checks(qtbot, few_layouts):
    view = _settled_view(qtbot)
    view.set_zoom(ZOOM / 1.1)  # every card in view painted in full and kept at this level
    frame(view)
    qtbot.waitUntil(lambda: view.text_refiner.pending() == 0, timeout=10_000)
    frame(view)
    ct.invalidate()
    view.set_zoom(ZOOM)  # zooming in: the cards in view are kept at the last level, scaled
    frame(view)
    refiner = view.text_refiner
    assert len(refiner._scaled) > 20 and not refiner._blocks


def test_a_zoomed_out_frame_gives_layouts_less_time(qtbot, monkeypatch):
    monkeypatch.setattr(text_refine, "NEW_LAYOUTS_PER_FRAME", 1000)
    monkeypatch.setattr(text_refine, "LAYOUT_MS", 4.0)
    assert layout_ms(1.0) == layout_ms(2.0) == 4.0
    assert layout_ms(0.5) == pytest.approx(1.0)
    now = [0.0]

    def clock() -> float:  # half a millisecond passes at every look at the clock
        now[0] += 0.0005
        return now[0]

    laid_out = {}
    for zoom in (0.44, 0.9):
        ct.invalidate()
        view = _settled_view(qtbot)
        view.text_refiner._clock = clock
        ct.invalidate()
        view.set_zoom(zoom)
        frame(view)
        laid_out[zoom] = view.text_refiner._layouts
    assert laid_out[0.44] <= 2  # 0.8 ms at 0.44
    assert laid_out[0.9] >= 5  # 3.2 ms at 0.9 (4 ms at 1:1 and closer)


def test_level_pixmaps_tell_whether_any_pixels_of_a_card_are_kept():
    kept = LevelPixmaps(budget=3 * 10 * 10 * 4)
    pixmap = QPixmap(10, 10)
    where_a = (0.5, 1.0, 1.0, 10, 10, 1.0, 0)
    where_b = (0.6, 1.0, 1.0, 10, 10, 1.0, 0)
    assert not kept.holds("card")
    painter = QPainter(pixmap)
    kept.keep(painter, Provisional(("card", 0, where_b)))
    assert kept.holds("card")
    kept.keep(painter, ("card", 0, where_a))
    kept.keep(painter, ("card", 0, where_a))  # again: still one key
    kept.keep(painter, ("card", 0, where_b))  # drops the provisional pixels at that level
    assert len(kept) == 2 and kept.holds("card")
    for k in range(3):  # other cards push the card's pixels out of the budget
        kept.keep(painter, (f"other{k}", 0, where_a))
    painter.end()
    assert not kept.holds("card") and kept.holds("other2")
    kept.clear()
    assert not kept.holds("other2")
