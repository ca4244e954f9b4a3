"""Provisional blocks drawn by the view in one go (block_batch): in the first frame at a new
level the many cards in view without their text are left out of Qt's item painting
(ItemHasNoContents) and drawn by the view, pixel for pixel as their own paints draw them; once
refined (or on a new level, an export, the overview) every card paints itself again."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QGraphicsItem

from app.ui.canvas import block_batch, text_refine
from app.ui.canvas import card_text as ct
from app.ui.canvas.component_item import ComponentItem
from app.ui.canvas.image_export import paint_image
from tests.ui.canvas_support import frame, fresh_frame, grid_view

ZOOM = 0.44  # about 80 cards in a 900 x 600 view, their names at a new size
NO_CONTENTS = QGraphicsItem.GraphicsItemFlag.ItemHasNoContents
paint = ComponentItem.paint


@pytest.fixture
def batched(monkeypatch):
    """A frame lays out 5 names at most; from 20 new cards in view the view draws the rest."""
    monkeypatch.setattr(text_refine, "NEW_LAYOUTS_PER_FRAME", 5)
    monkeypatch.setattr(text_refine, "LAYOUT_MS", 60_000.0)
    monkeypatch.setattr(block_batch, "BATCH_MIN", 20)
    ct.invalidate()


def _view_at(qtbot, zoom: float):
    ct.invalidate()
    doc, view = grid_view(qtbot, 600)
    frame(view)
    view.text_refiner.settle()
    frame(view)
    ct.invalidate()  # no name laid out at `zoom` by another view
    view.set_zoom(zoom)
    return doc, view


def _flagged(view) -> list[ComponentItem]:
    return [item for item in view.design_scene.component_items() if item.flags() & NO_CONTENTS]


def _flagged_in_view(view) -> set[ComponentItem]:
    """The flagged cards in view (out of view the overview's flags go in idle slices)."""
    visible = view.visible_scene_rect()
    return {item for item in _flagged(view) if visible.intersects(item.sceneBoundingRect())}


def test_the_view_draws_the_new_cards_blocks_exactly_as_their_own_paints(qtbot, batched, monkeypatch):
    painted = []
    monkeypatch.setattr(
        ComponentItem, "paint", lambda self, *args: painted.append(self) or paint(self, *args)
    )
    doc, view = _view_at(qtbot, ZOOM)
    first = frame(view)
    batch = view.text_refiner.batch
    assert len(batch.items) > 20 and set(_flagged(view)) == set(batch.items)
    assert not set(painted) & set(batch.items)  # Qt never asked them to paint
    monkeypatch.setattr(block_batch, "BATCH_MIN", 10**6)  # every card by its own paint
    other_doc, other = _view_at(qtbot, ZOOM)
    assert frame(other) == first and not other.text_refiner.batch.items
    qtbot.waitUntil(lambda: view.text_refiner.pending() == 0, timeout=10_000)
    assert not batch.items and not _flagged(view)
    assert frame(view) == fresh_frame(view, ZOOM)


def test_an_export_while_blocks_are_drawn_by_the_view_paints_every_card(qtbot, batched):
    doc, view = _view_at(qtbot, ZOOM)
    frame(view)
    assert view.text_refiner.batch.items
    during, _ = paint_image(view.design_scene, "png", None, 0.5)
    assert not _flagged(view)  # handed back to their own paints
    view.text_refiner.settle()
    after, _ = paint_image(view.design_scene, "png", None, 0.5)
    assert during == after


def test_new_levels_and_the_overview_keep_or_hand_back_the_cards(qtbot, batched):
    doc, view = _view_at(qtbot, ZOOM)
    frame(view)
    batch = view.text_refiner.batch
    taken = set(batch.items)
    view.set_zoom(ZOOM * 0.85)  # mostly the same cards, still new: they stay with the view
    frame(view)
    again = set(batch.items)
    assert len(taken & again) > 20 and set(_flagged(view)) >= again
    view.set_zoom(0.2)  # the overview draws every card; the batch's stay flagged meanwhile
    overview = frame(view)
    assert batch.items and view.design_scene.overview_active
    view.set_zoom(ZOOM * 0.85)  # back: taken again, without being unflagged in between
    frame(view)
    assert len(set(batch.items) & again) > 20 and _flagged_in_view(view) == set(batch.items)
    view.set_zoom(ZOOM * 1.2)  # cards of another level: the others are handed back
    frame(view)
    assert _flagged_in_view(view) == set(batch.items)
    qtbot.waitUntil(lambda: view.text_refiner.pending() == 0, timeout=10_000)
    qtbot.waitUntil(lambda: view.design_scene.content_flags.pending() == 0, timeout=10_000)
    assert not _flagged(view) and not batch.items
    assert frame(view) == fresh_frame(view, ZOOM * 1.2)
    view.set_zoom(0.2)
    assert frame(view) == overview  # the overview as it was


def test_zoomed_out_the_batch_leaves_their_own_paints_only_as_many_cards_as_the_frame_could_lay_out(
    qtbot, batched, monkeypatch
):
    monkeypatch.setattr(text_refine, "NEW_LAYOUTS_PER_FRAME", 60)
    monkeypatch.setattr(text_refine, "LAYOUT_MS", 1.0)  # 0.19 ms at 0.44: at most 2 names of 0.1 ms
    doc, view = _view_at(qtbot, ZOOM)
    bucket = (ct.name_size_for(ZOOM), ct.small_size_for(ZOOM))
    visible = view.visible_scene_rect()
    new = [
        item
        for item in view.design_scene.component_items()
        if visible.intersects(item.sceneBoundingRect())
        and not item.has_bucket(bucket)
        and not view.design_scene.level_pixmaps.holds(item)  # painted at 1:1: drawn scaled
    ]
    frame(view)
    assert len(new) > 20 and len(view.text_refiner.batch.items) == len(new) - 2


def test_a_card_deleted_or_selected_while_drawn_by_the_view_leaves_no_block_behind(qtbot, batched):
    doc, view = _view_at(qtbot, ZOOM)
    frame(view)
    batch = view.text_refiner.batch
    gone, chosen = list(batch.items)[:2]
    where = view.mapFromScene(gone.sceneBoundingRect().center())
    block = QColor(gone.stage_color).name()
    assert frame(view).pixelColor(where).name() == block
    doc.remove_items([gone.component_id])
    assert gone not in batch.items
    assert frame(view).pixelColor(where).name() != block  # not drawn by the view any more
    view.select_components([chosen.component_id])
    assert chosen not in batch.items and not chosen.flags() & NO_CONTENTS  # paints itself
    qtbot.waitUntil(lambda: view.text_refiner.pending() == 0, timeout=10_000)
    assert frame(view) == fresh_frame(view, ZOOM)
