"""Progressive text after a zoom change (text_refine.py): a frame at a new level lays out only so
many names and draws the other cards provisionally; once the idle slices have laid those out,
the view is exactly the frame drawn in one go. Views that are never zoomed (a screenshot) and
exports never see a provisional card."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QImage, QPainter, QPixmap

from app.domain.catalog import default_catalog
from app.ui.canvas import card_text as ct
from app.ui.canvas import text_refine
from app.ui.canvas.image_export import paint_image
from app.ui.canvas.level_pixmaps import LevelPixmaps, Provisional
from tests.factories import large_design
from tests.ui.canvas_support import frame, fresh_frame, grid_view, make_view

ZOOM = 0.44  # about 80 cards in a 900 x 600 view, their names at a new size


@pytest.fixture
def few_layouts(monkeypatch):
    """A frame lays out 5 names at most, whatever the machine's speed."""
    monkeypatch.setattr(text_refine, "NEW_LAYOUTS_PER_FRAME", 5)
    monkeypatch.setattr(text_refine, "LAYOUT_MS", 60_000.0)
    ct.invalidate()  # no name laid out at any level by an earlier test


def _grid_view(qtbot, n: int = 600):
    doc, view = grid_view(qtbot, n)
    frame(view)
    view.text_refiner.settle()  # 1:1 in full: the tests start from a settled view
    frame(view)
    view.text_refiner.provisional = 0
    return doc, view


def _settled(qtbot, view) -> QImage:
    refiner = view.text_refiner
    qtbot.waitUntil(lambda: refiner.pending() == 0, timeout=10_000)
    drawn = refiner.provisional
    settled = frame(view)
    assert refiner.provisional == drawn  # every card in full now
    return settled


def test_a_new_level_lays_out_a_few_names_per_frame_and_settles_to_the_frame_drawn_in_one_go(
    qtbot, few_layouts
):
    doc, view = _grid_view(qtbot)
    refiner = view.text_refiner
    view.set_zoom(ZOOM)
    first = frame(view)
    assert refiner.provisional > 20 and refiner.pending() == refiner.provisional
    settled = _settled(qtbot, view)
    assert first != settled  # the first frame was provisional in part
    assert settled == fresh_frame(view, ZOOM)


def test_a_card_drawn_as_a_block_shows_its_stage_colour(qtbot, few_layouts):
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QColor

    from app.ui.canvas.style import CARD_H, CARD_W

    doc, view = _grid_view(qtbot)
    view.set_zoom(ZOOM)
    first = frame(view)
    blocks = list(view.text_refiner._blocks)
    assert len(blocks) > 20
    shown = 0
    for item in blocks:
        centre = view.mapFromScene(item.pos() + QPointF(CARD_W / 2, CARD_H / 2))
        if first.rect().contains(centre):
            assert first.pixelColor(centre) == QColor(item.stage_color)
            shown += 1
    assert shown > 20


def test_cards_painted_at_the_level_before_are_drawn_from_their_pixels_then_refined(qtbot, few_layouts):
    doc, view = _grid_view(qtbot)
    refiner = view.text_refiner
    view.set_zoom(ZOOM / 1.1)  # every card in view drawn in full, kept, refined
    frame(view)
    _settled(qtbot, view)
    view.set_zoom(ZOOM)  # the cards of the last level are scaled; those new in view are blocks
    frame(view)
    assert len(refiner._scaled) > 20 and len(refiner._blocks) == 0  # zooming in: all seen before
    assert _settled(qtbot, view) == fresh_frame(view, ZOOM)


def test_selection_scrolling_and_zooming_during_refinement_settle_to_the_fresh_frame(qtbot, few_layouts):
    doc, view = _grid_view(qtbot)
    view.set_zoom(ZOOM)
    frame(view)
    view.select_components(["c104", "c205"])
    view.horizontalScrollBar().setValue(view.horizontalScrollBar().value() + 37)
    frame(view)
    view.set_zoom(ZOOM * 0.85)  # another new level before the first one settled
    frame(view)
    assert view.text_refiner.pending() > 0
    assert _settled(qtbot, view) == fresh_frame(view, ZOOM * 0.85)


def test_a_card_removed_while_pending_is_skipped(qtbot, few_layouts):
    doc, view = _grid_view(qtbot)
    view.set_zoom(ZOOM)
    frame(view)
    pending = list(view.text_refiner._blocks) + list(view.text_refiner._scaled)
    doc.remove_items([pending[0].component_id], [])
    _settled(qtbot, view)
    assert view.design_scene.component_item(pending[0].component_id) is None


def test_settle_lays_out_every_pending_card_at_once(qtbot, few_layouts):
    doc, view = _grid_view(qtbot)
    view.set_zoom(ZOOM)
    frame(view)
    view.text_refiner.settle()
    assert view.text_refiner.pending() == 0
    drawn = view.text_refiner.provisional
    settled = frame(view)
    assert view.text_refiner.provisional == drawn
    assert settled == fresh_frame(view, ZOOM)


def test_a_view_that_is_never_zoomed_draws_every_card_in_full(qtbot, few_layouts):
    doc, view = _grid_view(qtbot)
    view.zoom_warmup.enabled = False  # as for a --screenshot picture
    view.set_zoom(ZOOM)
    first = frame(view)
    assert view.text_refiner.provisional == 0
    assert first == fresh_frame(view, ZOOM)


def test_an_export_during_refinement_paints_every_card_in_full(qtbot, few_layouts):
    doc, view = _grid_view(qtbot, text_refine.FULL_UP_TO + 50)
    view.set_zoom(ZOOM)
    frame(view)
    assert view.text_refiner.pending() > 0
    during, _ = paint_image(view.design_scene, "png", None, 0.5)
    view.text_refiner.settle()
    after, _ = paint_image(view.design_scene, "png", None, 0.5)
    assert isinstance(during, QImage) and during == after


def test_the_pixels_last_kept_for_a_card_are_found_by_its_state():
    kept = LevelPixmaps(budget=3 * 10 * 10 * 4)
    pixmaps = [QPixmap(10, 10) for _ in range(3)]
    where_a = (0.5, 1.0, 1.0, 10, 10, 1.0, 0)
    where_b = (0.6, 1.0, 1.0, 10, 10, 1.0, 0)
    assert kept.latest(("card", 0)) is None
    for where, pixmap in ((where_a, pixmaps[0]), (where_b, pixmaps[1])):
        painter = QPainter(pixmap)
        kept.keep(painter, ("card", 0, where))
        painter.end()
    found = kept.latest(("card", 0))
    assert found is not None and found[0] == where_b
    assert kept.latest(("card", 1)) is None  # another version of the card: nothing of it kept
    for k in range(3):  # other cards push the card's pixels out of the budget
        painter = QPainter(pixmaps[2])
        kept.keep(painter, (f"other{k}", 0, where_a))
        painter.end()
    assert kept.latest(("card", 0)) is None


def test_a_level_shown_again_before_refinement_draws_the_kept_provisional_cards_then_drops_them(
    qtbot, few_layouts
):
    doc, view = _grid_view(qtbot)
    refiner, kept = view.text_refiner, view.design_scene.level_pixmaps
    view.set_zoom(ZOOM)
    first = frame(view)
    provisional = sum(isinstance(key, Provisional) for key in kept._pixmaps)
    assert refiner.pending() == refiner.provisional > 20
    assert provisional == len(refiner._scaled)  # blocks are drawn again, not kept
    first_drawn = refiner.provisional
    view.set_zoom(ZOOM * 0.9)
    frame(view)
    view.set_zoom(ZOOM)  # back before any idle slice: the same provisional pixels, no layout
    hits, drawn = kept.hits, refiner.provisional
    assert frame(view) == first
    assert kept.hits - hits >= provisional
    assert refiner.provisional - drawn == first_drawn  # the same cards provisional again
    _settled(qtbot, view)
    frame(view)
    view.set_zoom(ZOOM * 0.9)
    frame(view)
    view.set_zoom(ZOOM)
    again = frame(view)  # every card's final pixels at this level, kept
    assert not any(isinstance(key, Provisional) and key.key[-1][0] == ZOOM for key in kept._pixmaps)
    assert again == fresh_frame(view, ZOOM)


def test_the_first_frame_of_a_view_and_frames_without_a_zoom_change_are_drawn_in_full(qtbot, few_layouts):
    doc, view = make_view(qtbot, large_design(default_catalog(), 600, 600), size=(900, 600))
    view.design_scene.builder.finish_now()
    view.set_zoom(ZOOM)
    frame(view)  # the view's first frame, at a level never laid out
    assert view.text_refiner.provisional == 0
    view.centerOn(2600, 900)  # a scroll shows other cards at the same level
    frame(view)
    assert view.text_refiner.provisional == 0


def test_a_design_of_up_to_full_up_to_components_is_never_drawn_provisionally(qtbot, few_layouts):
    doc, view = _grid_view(qtbot, text_refine.FULL_UP_TO)
    view.set_zoom(ZOOM)
    frame(view)
    assert view.text_refiner.provisional == 0 and view.text_refiner.pending() == 0
