"""Canvas edit commands: delete, clipboard, duplicate, align, distribute (auto-layout: test_canvas_layout)."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QMimeData
from PySide6.QtGui import QGuiApplication

from app.ui.canvas import ITEMS_MIME_TYPE, arrange
from app.ui.canvas.style import CARD_H, CARD_W
from tests.ui.canvas_support import make_view, snapshot, two_cards


def _undo_redo_exact(doc, before: bytes) -> None:
    after = snapshot(doc)
    assert after != before
    doc.undo_stack.undo()
    assert snapshot(doc) == before
    doc.undo_stack.redo()
    assert snapshot(doc) == after


def _pos(doc, cid):
    p = doc.component(cid).position
    return p.x, p.y


def test_delete_selection_removes_components_with_their_links_in_one_step(qtbot):
    doc, view = make_view(qtbot)
    a, b = two_cards(doc)
    c = doc.add_component("model", 900, 100)
    doc.connect(a, b)
    link = doc.connect(b, c)
    before = snapshot(doc)
    count = doc.undo_stack.count()
    view.select_components([b], [link])
    view.delete_selection()
    assert [x.id for x in doc.design.components] == [a, c] and doc.design.links == []
    assert doc.undo_stack.count() == count + 1
    _undo_redo_exact(doc, before)
    assert {i.component_id for i in view.design_scene.component_items()} == {a, c}


def test_copy_paste_between_two_windows_keeps_internal_links_with_fresh_ids(qtbot):
    doc1, view1 = make_view(qtbot)
    doc2, view2 = make_view(qtbot)
    a, b = two_cards(doc1)
    c = doc1.add_component("model", 900, 100)
    doc1.connect(a, b)
    doc1.connect(b, c)  # leaves the copied set: not copied
    view1.select_components([a, b])
    assert view1.copy_selection()
    mime = QGuiApplication.clipboard().mimeData()
    assert mime.hasFormat(ITEMS_MIME_TYPE) and "Events" in mime.text()
    doc2.add_component("data_source", 0, 0)  # its id collides with a copied one
    before = snapshot(doc2)
    ids = view2.paste()
    assert len(ids) == 2 and len(doc2.design.components) == 3 and len(doc2.design.links) == 1
    assert len({x.id for x in doc2.design.components}) == 3
    assert _pos(doc2, ids[0]) == (130, 130) and _pos(doc2, ids[1]) == (530, 130)
    assert view2.selected_component_ids() == ids
    _undo_redo_exact(doc2, before)
    # a second paste keeps offsetting
    ids2 = view2.paste()
    assert _pos(doc2, ids2[0]) == (160, 160)


def test_paste_into_the_same_window_offsets_and_repeats(qtbot):
    doc, view = make_view(qtbot)
    a, _ = two_cards(doc)
    view.select_components([a])
    view.copy_selection()
    first, second = view.paste(), view.paste()
    assert _pos(doc, first[0]) == (130, 130) and _pos(doc, second[0]) == (160, 160)


def test_cut_is_one_step_and_pasting_after_a_cut_lands_in_place(qtbot):
    doc, view = make_view(qtbot)
    a, b = two_cards(doc)
    doc.connect(a, b)
    before = snapshot(doc)
    count = doc.undo_stack.count()
    view.select_components([a, b])
    assert view.cut_selection()
    assert doc.design.components == [] and doc.undo_stack.count() == count + 1
    _undo_redo_exact(doc, before)
    ids = view.paste()
    assert _pos(doc, ids[0]) == (100, 100) and len(doc.design.links) == 1


@pytest.mark.parametrize(
    "payload",
    [
        b"not json",
        json.dumps({"format": "something else"}).encode(),
        json.dumps({"format": "mlsd-studio/items", "components": [{"id": ""}], "links": []}).encode(),
        json.dumps(
            {
                "format": "mlsd-studio/items",
                "components": [{"id": "a", "kind": "model", "properties": {"family": "not-a-family"}}],
                "links": [],
            }
        ).encode(),
    ],
)
def test_bad_clipboard_payloads_are_ignored_with_a_message(qtbot, payload):
    doc, view = make_view(qtbot)
    mime = QMimeData()
    mime.setData(ITEMS_MIME_TYPE, payload)
    QGuiApplication.clipboard().setMimeData(mime)
    messages = []
    view.message.connect(messages.append)
    assert view.paste() == []
    assert doc.undo_stack.count() == 0 and messages[-1].startswith("Cannot paste")


def test_paste_with_an_empty_clipboard_says_so(qtbot):
    doc, view = make_view(qtbot)
    QGuiApplication.clipboard().setText("hello")
    messages = []
    view.message.connect(messages.append)
    assert view.paste() == [] and "does not hold" in messages[-1]


def test_duplicate_does_not_touch_the_clipboard_and_undoes_exactly(qtbot):
    doc, view = make_view(qtbot)
    a, b = two_cards(doc)
    doc.connect(a, b)
    QGuiApplication.clipboard().setText("keep me")
    before = snapshot(doc)
    view.select_components([a, b])
    ids = view.duplicate_selection()
    assert len(ids) == 2 and len(doc.design.links) == 2
    assert _pos(doc, ids[0]) == (130, 130)
    assert QGuiApplication.clipboard().text() == "keep me"
    assert view.selected_component_ids() == ids
    _undo_redo_exact(doc, before)
    view.select_components(ids)
    again = view.duplicate_selection()
    assert _pos(doc, again[0]) == (160, 160)


@pytest.mark.parametrize(
    ("edge", "expected"),
    [
        ("left", [(100, 100), (100, 300), (100, 200)]),
        ("right", [(500, 100), (500, 300), (500, 200)]),
        ("top", [(100, 100), (500, 100), (300, 100)]),
        ("bottom", [(100, 300), (500, 300), (300, 300)]),
        ("hcenter", [(300, 100), (300, 300), (300, 200)]),
        ("vcenter", [(100, 200), (500, 200), (300, 200)]),
    ],
)
def test_align_is_one_undo_step(qtbot, edge, expected):
    doc, view = make_view(qtbot)
    ids = [
        doc.add_component("data_source", 100, 100),
        doc.add_component("model", 500, 300),
        doc.add_component("endpoint", 300, 200),
    ]
    before = snapshot(doc)
    count = doc.undo_stack.count()
    view.select_components(ids)
    view.align(edge)
    assert [_pos(doc, cid) for cid in ids] == expected
    assert doc.undo_stack.count() == count + 1
    _undo_redo_exact(doc, before)


def test_distribute_spaces_cards_evenly_and_needs_three(qtbot):
    doc, view = make_view(qtbot)
    ids = [
        doc.add_component("data_source", 0, 0),
        doc.add_component("model", 1000, 40),
        doc.add_component("endpoint", 300, 80),
        doc.add_component("consumer", 400, 120),
    ]
    messages = []
    view.message.connect(messages.append)
    view.select_components(ids[:2])
    view.distribute("horizontal")
    assert "three" in messages[-1]
    before = snapshot(doc)
    view.select_components(ids)
    view.distribute("horizontal")
    xs = sorted(_pos(doc, cid)[0] for cid in ids)
    gap = (1000 + CARD_W - 4 * CARD_W) / 3
    assert xs == pytest.approx([0, CARD_W + gap, 2 * (CARD_W + gap), 1000])
    _undo_redo_exact(doc, before)
    view.distribute("vertical")
    ys = sorted(_pos(doc, cid)[1] for cid in ids)
    assert ys == pytest.approx([0, 40, 80, 120]) or ys[0] == 0
    assert arrange.distribute({"a": (0, 0, CARD_W, CARD_H)}, "vertical") == {}


def test_select_all_and_add_kind_at_center_avoid_stacking(qtbot):
    doc, view = make_view(qtbot)
    first = view.add_kind_at_center("model")
    second = view.add_kind_at_center("model")
    assert _pos(doc, first) != _pos(doc, second)
    centre = view.visible_scene_rect().center()
    x, y = _pos(doc, first)
    assert (x + CARD_W / 2, y + CARD_H / 2) == pytest.approx((centre.x(), centre.y()), abs=1)
    doc.connect(first, second)
    view.select_all()
    assert view.selected_component_ids() == [first, second] and len(view.selected_link_ids()) == 1
