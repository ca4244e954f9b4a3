"""Work done while the view is idle: the text of the next zoom levels prepared ahead (and equal to
a fresh layout), in slices no longer than their budget; and the items' ItemHasNoContents flags
set lazily when crossing into the block view, with the items behaving the same meanwhile."""

from __future__ import annotations

import math

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtTest import QTest

from app.ui.canvas import ComponentItem
from app.ui.canvas import card_text as ct
from app.ui.canvas import zoom_warmup as zw
from app.ui.canvas.content_flags import NO_CONTENTS
from app.ui.canvas.style import CARD_H, CARD_W, LOD_THRESHOLD
from app.ui.canvas.view import MAX_ZOOM, MIN_ZOOM, ZOOM_STEP
from tests.factories import large_design
from tests.ui.canvas_support import make_view


def _drain_warmup(view) -> None:
    warmup = view.zoom_warmup
    warmup._timer.stop()
    warmup.run_slice()
    while warmup.pending():
        warmup.run_slice()


def _cards_in(view, rect) -> list[ComponentItem]:
    return [item for item in view.design_scene.items(rect) if isinstance(item, ComponentItem)]


def test_neighbour_levels_lead_in_the_last_direction_and_skip_blocks_and_the_current_zoom():
    out = zw.neighbour_levels(0.8, -1, ZOOM_STEP, MIN_ZOOM, MAX_ZOOM)
    # the wheel both ways first (most zooming is done with the wheel), then the key steps
    assert math.isclose(out[0], 0.8 / zw.WHEEL_FACTOR) and math.isclose(out[1], 0.8 * zw.WHEEL_FACTOR)
    assert math.isclose(out[2], 0.8 / ZOOM_STEP) and math.isclose(out[3], 0.8 * ZOOM_STEP) and 1.0 in out
    into = zw.neighbour_levels(0.8, 1, ZOOM_STEP, MIN_ZOOM, MAX_ZOOM)
    assert math.isclose(into[0], 0.8 * zw.WHEEL_FACTOR) and math.isclose(into[1], 0.8 / zw.WHEEL_FACTOR)
    assert math.isclose(into[2], 0.8 * ZOOM_STEP)
    assert 1.0 not in zw.neighbour_levels(1.0, 1, ZOOM_STEP, MIN_ZOOM, MAX_ZOOM)  # the current zoom
    near_blocks = zw.neighbour_levels(LOD_THRESHOLD * 1.1, -1, ZOOM_STEP, MIN_ZOOM, MAX_ZOOM)
    assert all(level >= ct.BLOCK_ZOOM for level in near_blocks)
    assert max(zw.neighbour_levels(MAX_ZOOM, 1, ZOOM_STEP, MIN_ZOOM, MAX_ZOOM)) <= MAX_ZOOM


def test_the_next_wheel_step_finds_its_text_prepared_and_equal_to_a_fresh_layout(qtbot, catalog):
    doc, view = make_view(qtbot, large_design(catalog, 400, 300))
    view.design_scene.builder.finish_now()  # a design this large is built in slices
    view.reset_zoom()
    view.centerOn(2400, 300)
    view.viewport().grab()
    _drain_warmup(view)
    assert view.zoom_warmup.prepared > 0
    level = view.zoom_factor() / zw.WHEEL_FACTOR
    center = view.mapToScene(view.viewport().rect().center())
    size = view.viewport().size()
    rect = view.visible_scene_rect()
    rect.setSize(rect.size() / level)
    rect.moveCenter(center)
    cards = _cards_in(view, rect)
    assert len(cards) > 20
    for item in cards:
        assert item.has_level(level)
        statics = item._statics(level)
        sizes = (ct.name_size_for(level), ct.small_size_for(level))
        fresh = ct.card_text.uncached(item.name, *sizes, item.pinned)
        assert statics.layout == fresh
        assert [line.text() for line in statics.lines] == list(fresh.lines)
    # the wheel step itself lays out no text: every card in view was ready
    misses = ct.card_text.misses
    pos = view.viewport().rect().center()
    view.set_zoom(view.zoom_factor() / zw.WHEEL_FACTOR, QPointF(pos))
    assert view.viewport().size() == size
    view.viewport().grab()
    assert ct.card_text.misses == misses


def test_a_warmup_slice_stops_once_its_budget_is_spent(qtbot, catalog, monkeypatch):
    doc, view = make_view(qtbot, large_design(catalog, 300, 100))
    view.design_scene.builder.finish_now()  # large designs are built in slices
    view.reset_zoom()
    view.viewport().grab()
    warmup = view.zoom_warmup
    warmup._timer.stop()
    now = [0.0]
    per_card = 0.003  # each card costs 3 ms on the fake clock
    real_prepare = zw.prepare

    def costly(item, level, ratio, paint):
        real_prepare(item, level, ratio, paint)
        now[0] += per_card

    monkeypatch.setattr(zw, "prepare", costly)
    warmup.clock = lambda: now[0]
    warmup.slice_ms = 8.0
    planned = len(warmup.plan())
    assert planned > 10
    start = warmup.prepared
    lengths, counts = [], []
    warmup.run_slice()
    while True:
        lengths.append(now[0])
        counts.append(warmup.prepared - start)
        if not warmup.pending():
            break
        warmup.run_slice()
    spans = [b - a for a, b in zip([0.0, *lengths], lengths, strict=False)]
    per_slice = [b - a for a, b in zip([0, *counts], counts, strict=False)]
    assert len(spans) >= planned // 3
    # a slice stops at the first card that reaches the budget: at most one card over it
    assert all(span <= warmup.slice_ms / 1000 + per_card + 1e-9 for span in spans)
    assert max(per_slice) == math.ceil(warmup.slice_ms / 1000 / per_card)
    assert sum(per_slice) == planned


def _spread_view(qtbot, catalog):
    doc, view = make_view(qtbot, large_design(catalog, 600, 400))
    view.design_scene.builder.finish_now()  # large designs are built in slices
    view.reset_zoom()
    view.centerOn(600, 300)
    view.viewport().grab()
    flags = view.design_scene.content_flags
    flags._timer.stop()
    return doc, view, flags


def _back_from_blocks(qtbot, catalog):
    """A spread view zoomed into the block view (every item flagged), then back to 1:1 with the
    idle flagging stopped: items out of view still have no contents."""
    doc, view, flags = _spread_view(qtbot, catalog)
    view.set_zoom(0.25)
    flags._timer.stop()
    while flags.pending():
        flags.run_slice()
    view.set_zoom(1.0)
    flags._timer.stop()
    return doc, view, flags


def _far_card(view) -> ComponentItem:
    return max(view.design_scene.component_items(), key=lambda item: item.pos().x())


def test_crossing_into_blocks_flags_the_items_in_view_at_once_and_the_rest_in_bounded_slices(qtbot, catalog):
    doc, view, flags = _spread_view(qtbot, catalog)
    scene = view.design_scene
    view.set_zoom(0.25)
    flags._timer.stop()
    assert scene.overview_active
    in_view = _cards_in(view, view.visible_scene_rect())
    assert in_view and all(item.flags() & NO_CONTENTS for item in in_view)
    far = _far_card(view)
    assert not far.flags() & NO_CONTENTS  # not in view: left for an idle slice
    total = flags.pending()
    assert total > flags.slice_items
    flags.slice_items = 50
    while flags.pending():
        before = flags.pending()
        flags.run_slice()
        assert 0 < before - flags.pending() <= 50
    assert all(item.flags() & NO_CONTENTS for item in scene.component_items())
    assert all(link.flags() & NO_CONTENTS for link in scene.link_items())


def test_leaving_the_block_view_gives_cards_scrolled_into_view_their_contents_at_once(qtbot, catalog):
    doc, view, flags = _back_from_blocks(qtbot, catalog)
    far = _far_card(view)
    assert far.flags() & NO_CONTENTS and flags.pending()
    view.centerOn(far.pos().x() + CARD_W / 2, far.pos().y() + CARD_H / 2)  # before any idle slice
    assert not far.flags() & NO_CONTENTS
    image = view.viewport().grab().toImage()
    body = view.mapFromScene(far.pos() + QPointF(CARD_W - 12, CARD_H - 6))  # the card's body, no text
    assert image.pixelColor(body).name() == view.design_scene.canvas_style.theme.card_brush.color().name()


@pytest.mark.parametrize("drain", (False, True))
def test_a_card_not_yet_flagged_behaves_the_same_in_the_block_view(qtbot, catalog, drain):
    doc, view, flags = _spread_view(qtbot, catalog)
    scene = view.design_scene
    view.set_zoom(0.25)
    flags._timer.stop()
    far = _far_card(view)
    if drain:
        while flags.pending():
            flags.run_slice()
    assert bool(far.flags() & NO_CONTENTS) == drain
    view.centerOn(far.pos().x(), far.pos().y())
    assert far.flags() & NO_CONTENTS  # in view now: flagged before the view paints it
    point = view.mapFromScene(far.pos() + QPointF(CARD_W / 2, CARD_H / 2))
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point)
    assert view.selected_component_ids() == [far.component_id]
    QTest.mouseMove(view.viewport(), point)
    assert far.hovered()
    scene.set_matches([far.component_id])
    view.viewport().grab()
    assert (far.card_rect(), far.name) in scene.overview._labels
    color = far.stage_color.lower()
    inside = view.mapFromScene(far.pos() + QPointF(CARD_W / 2, CARD_H / 2 + 20))
    assert view.viewport().grab().toImage().pixelColor(inside).name() == color


def test_a_card_moved_into_view_before_its_slice_gets_its_contents(qtbot, catalog):
    doc, view, flags = _back_from_blocks(qtbot, catalog)
    view.viewport().grab()
    far = _far_card(view)
    assert far.flags() & NO_CONTENTS
    centre = view.mapToScene(view.viewport().rect().center())
    doc.move_components({far.component_id: (centre.x(), centre.y())})
    # the scene reports moves once they settle (30 ms); the idle slices are stopped here
    qtbot.waitUntil(lambda: not far.flags() & NO_CONTENTS, timeout=2000)
    assert flags.pending() and not flags._timer.isActive()


def test_a_view_that_is_never_zoomed_prepares_nothing(qtbot, catalog):
    doc, view = make_view(qtbot, large_design(catalog, 60, 40))
    view.zoom_warmup.enabled = False  # as a --screenshot process sets it
    view.set_zoom(0.8)
    view.viewport().grab()
    assert not view.zoom_warmup.active()
    qtbot.wait(50)
    assert view.zoom_warmup.prepared == 0 and view.zoom_warmup.slices == 0
