"""New cards land in free space near the view's centre, never on top of existing cards."""

from __future__ import annotations

import math

import pytest

from app.ui.canvas import arrange
from app.ui.canvas.style import CARD_H, CARD_W
from tests.ui.canvas_support import make_view


def _rects(doc) -> dict[str, tuple[float, float, float, float]]:
    return {c.id: (c.position.x, c.position.y, CARD_W, CARD_H) for c in doc.design.components}


def _touches(a, b, gap=0.0) -> bool:
    return arrange._overlaps(a, b, gap)


def test_free_position_keeps_the_spot_when_it_is_free():
    assert arrange.free_position(100, 100, (200, 80), [(500, 500, 200, 80)]) == (100, 100)


def test_free_position_is_the_nearest_free_spot_and_keeps_the_gap():
    taken = [(0.0, 0.0, 200.0, 80.0)]
    x, y = arrange.free_position(0, 0, (200, 80), taken, step=20, gap=20)
    assert not _touches((x, y, 200, 80), taken[0], gap=19.9)
    assert (x, y) in ((0, 100), (0, -100))  # straight below or above: 80 + 20 is the shortest way out


def test_free_position_prefers_the_visible_area_and_never_overlaps():
    taken = [(float(i * 240), float(j * 120), 200.0, 80.0) for i in range(5) for j in range(4)]
    bounds = (-100.0, -100.0, 1400.0, 700.0)
    x, y = arrange.free_position(480, 180, (200, 80), taken, step=20, gap=20, bounds=bounds)
    rect = (x, y, 200.0, 80.0)
    assert not any(_touches(rect, other) for other in taken)
    assert arrange._inside(rect, bounds)
    # no free spot of the lattice inside the bounds is nearer (brute force)
    best = min(
        math.hypot(i * 20, j * 20)
        for i in range(-60, 61)
        for j in range(-60, 61)
        if arrange._inside((480 + i * 20, 180 + j * 20, 200, 80), bounds)
        and not any(_touches((480 + i * 20, 180 + j * 20, 200, 80), o, 20) for o in taken)
    )
    assert math.hypot(x - 480, y - 180) == pytest.approx(best)


def test_free_position_falls_back_outside_the_bounds_when_they_are_full():
    taken = [(0.0, 0.0, 400.0, 400.0)]
    x, y = arrange.free_position(100, 100, (100, 50), taken, step=20, gap=20, bounds=(0, 0, 400, 400))
    assert not _touches((x, y, 100, 50), taken[0])


def test_double_clicked_kinds_fill_free_space_near_the_centre(qtbot):
    doc, view = make_view(qtbot)
    centre = view.visible_scene_rect().center()
    # a block of cards right where the view is looking
    for i in range(3):
        for j in range(3):
            doc.add_component("model", centre.x() - 300 + i * 220, centre.y() - 150 + j * 100)
    added = [view.add_kind_at_center("data_source") for _ in range(6)]
    rects = _rects(doc)
    visible = view.visible_scene_rect()
    for cid in added:
        assert cid is not None
        mine = rects[cid]
        others = [r for other, r in rects.items() if other != cid]
        assert not any(_touches(mine, r) for r in others), cid
        assert visible.contains(mine[0], mine[1]) and visible.contains(mine[0] + CARD_W, mine[1] + CARD_H)
        distance = math.hypot(mine[0] + CARD_W / 2 - centre.x(), mine[1] + CARD_H / 2 - centre.y())
        assert distance < 700  # near the centre, not thrown to the far edge


def test_palette_double_click_goes_through_free_placement(qtbot, windows):
    window = windows()
    window.resize(1400, 900)
    first = window.document.add_component("model", 0, 0)
    window.canvas.centerOn(CARD_W / 2, CARD_H / 2)
    window.palette_panel.kind_activated.emit("data_source")
    rects = _rects(window.document)
    new = next(cid for cid in rects if cid != first)
    assert not _touches(rects[new], rects[first])
