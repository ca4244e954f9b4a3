"""A card dropped onto another covers it, and a press there picks the card that is visibly on top.

The bug: in a large, zoomed-out design the overview painted the cards batched by stage colour
(a model after a data source) while Qt hit-tested by insertion order, so a model dropped onto
a data source added after it looked on top while a press dragged the data source hidden below.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor

from app.ui.canvas import style as st
from app.ui.canvas.stacking import Z_SPAN, Z_STEP, CardStack
from tests.ui.canvas_support import at, drag, make_view


def _pos(doc, cid) -> tuple[float, float]:
    c = doc.component(cid)
    return c.position.x, c.position.y


def _drop_model_on_data(doc, view):
    """A model added before a data source, then the model dragged onto the data source."""
    model = doc.add_component("model", 0, 0, "Ranker")
    data = doc.add_component("data_source", 600, 0, "Events")
    zoom = view.zoom_factor()
    # grab the model by its lower half and drop it half a card lower than the data source
    grip = (st.CARD_W / 2, st.CARD_H * 0.75)
    drag(view, at(view, *grip), at(view, 600 + grip[0], 40 + grip[1]), steps=8)
    assert _pos(doc, model) == pytest.approx((600, 40), abs=st.GRID)
    assert view.zoom_factor() == zoom
    return model, data


def _press_drags(view, doc, point: QPointF) -> str:
    """Which card a press-and-drag at a scene point moves."""
    before = {c.id: _pos(doc, c.id) for c in doc.design.components}
    drag(view, at(view, point.x(), point.y()), at(view, point.x() + 200, point.y() + 300), steps=6)
    moved = [cid for cid, p in before.items() if _pos(doc, cid) != p]
    assert len(moved) == 1, moved
    return moved[0]


def test_a_dropped_card_is_on_top_and_a_press_picks_it(qtbot):
    doc, view = make_view(qtbot)
    model, data = _drop_model_on_data(doc, view)
    scene = view.design_scene
    assert scene.component_item(model).zValue() > scene.component_item(data).zValue()
    overlap = QPointF(600 + st.CARD_W / 2, 40 + st.CARD_H / 2)  # inside both cards
    top = [i for i in scene.items(overlap) if hasattr(i, "component_id")][0]
    assert top.component_id == model
    assert _press_drags(view, doc, overlap) == model
    # undoing the drag puts the model back where it was dropped, still on top
    doc.undo_stack.undo()
    assert _press_drags(view, doc, overlap) == model


def test_zoomed_out_the_card_painted_on_top_is_the_card_a_press_picks(qtbot):
    doc, view = make_view(qtbot, size=(1200, 800))
    # an earlier data source: the overview used to paint every data source (blue) before any model
    doc.add_component("data_source", -900, 600, "Logs")
    model, data = _drop_model_on_data(doc, view)
    view.set_zoom(st.LOD_THRESHOLD * 0.8, QPointF(view.mapFromScene(QPointF(700, 60))))
    assert view.design_scene.overview_active
    view.centerOn(700, 60)
    # a spot inside the model only where it covers the data source (its lower half overlaps)
    overlap = QPointF(600 + st.CARD_W * 0.3, 40 + st.CARD_H * 0.5)
    image = view.viewport().grab().toImage()
    dpr = image.devicePixelRatio()
    point = view.mapFromScene(overlap)
    shown = image.pixelColor(int(point.x() * dpr), int(point.y() * dpr))
    model_color = QColor(view.design_scene.component_item(model).stage_color)
    data_color = QColor(view.design_scene.component_item(data).stage_color)

    def distance(a: QColor, b: QColor) -> int:
        return abs(a.red() - b.red()) + abs(a.green() - b.green()) + abs(a.blue() - b.blue())

    assert distance(shown, model_color) < distance(shown, data_color)  # the model is painted on top
    assert _press_drags(view, doc, overlap) == model  # and the press takes the model


def test_a_new_card_is_added_on_top():
    from PySide6.QtWidgets import QGraphicsRectItem

    stack = CardStack()
    cards = [QGraphicsRectItem() for _ in range(3)]
    for card in cards:
        stack.raise_card(card, cards)
    assert [c.zValue() for c in cards] == sorted(c.zValue() for c in cards)
    stack.raise_card(cards[0], cards)
    assert cards[0].zValue() > max(c.zValue() for c in cards[1:])


def test_the_z_band_is_renumbered_in_order_when_it_runs_out():
    from PySide6.QtWidgets import QGraphicsRectItem

    stack = CardStack()
    cards = [QGraphicsRectItem() for _ in range(4)]
    for card in cards:
        stack.raise_card(card, cards)
    stack.top = int(Z_SPAN / Z_STEP)  # as after tens of thousands of moves
    order = [cards[1], cards[3], cards[0], cards[2]]
    for card in order:
        stack.raise_card(card, cards)
    assert sorted(cards, key=lambda c: c.zValue()) == order
    assert max(c.zValue() for c in cards) < 10  # still under the connection line
