"""Auto-layout through app.layout, pinning, and --screenshot --size."""

from __future__ import annotations

import json

from PySide6.QtGui import QImage

from app.persistence import load_design, save_design
from app.resources import resource_path
from app.ui.canvas.style import CARD_H, CARD_W
from app.ui.main import run_app
from tests.ui.canvas_support import at, make_view, run_layout, snapshot


def _template(catalog, name: str = "ad_ctr"):
    return load_design(resource_path("templates", f"{name}.mlsd"), catalog).design


def _stacked(catalog):
    """A template whose components all sit at the origin (as if it never had positions)."""
    design = _template(catalog)
    for component in design.components:
        component.position.x = component.position.y = 0.0
    return design


def _positions(doc) -> dict[str, tuple[float, float]]:
    return {c.id: (c.position.x, c.position.y) for c in doc.design.components}


def _overlaps(positions, ids) -> list[tuple[str, str]]:
    found = []
    ids = list(ids)
    for i, a in enumerate(ids):
        ax, ay = positions[a]
        for b in ids[i + 1 :]:
            bx, by = positions[b]
            if abs(ax - bx) < CARD_W and abs(ay - by) < CARD_H:
                found.append((a, b))
    return found


def _fitted(view) -> bool:
    """The view shows what Fit shows: fitting again changes neither zoom nor centre."""
    zoom, centre = view.zoom_factor(), view.visible_scene_rect().center()
    view.fit_to_view()
    again = view.visible_scene_rect().center()
    same = abs(view.zoom_factor() - zoom) < 1e-6 and abs(again.x() - centre.x()) < 2
    return same and abs(again.y() - centre.y()) < 2


def _unfit(view) -> None:
    view.reset_zoom()
    view.centerOn(5000, 5000)


def test_auto_layout_is_one_undo_step_without_overlaps_and_fits_the_view(qtbot, catalog):
    doc, view = make_view(qtbot, _stacked(catalog))
    before, bytes_before = _positions(doc), snapshot(doc)
    _unfit(view)
    assert run_layout(qtbot, view)
    assert doc.undo_stack.count() == 1 and doc.undo_stack.undoText() == "Auto-layout"
    after = _positions(doc)
    assert _overlaps(after, after) == []
    assert _fitted(view) and view.zoom_factor() < 1
    _unfit(view)
    assert not _fitted(view)
    _unfit(view)
    doc.undo_stack.undo()
    assert _positions(doc) == before and snapshot(doc) == bytes_before
    assert _fitted(view)  # undoing a layout fits the view as well
    _unfit(view)
    doc.undo_stack.redo()
    assert _positions(doc) == after and _fitted(view)


def test_auto_layout_leaves_pinned_cards_where_they_are(qtbot, catalog):
    design = _stacked(catalog)
    doc, view = make_view(qtbot, design)
    pinned = [design.components[0].id, design.components[5].id]
    doc.move_components({pinned[0]: (-2000.0, 40.0), pinned[1]: (3000.0, 900.0)})
    doc.set_pinned(pinned, True)
    kept = {cid: _positions(doc)[cid] for cid in pinned}
    assert run_layout(qtbot, view)
    after = _positions(doc)
    assert {cid: after[cid] for cid in pinned} == kept
    assert _overlaps(after, after) == []


def test_auto_layout_of_a_selection_moves_only_the_selection(qtbot, catalog):
    doc, view = make_view(qtbot, _template(catalog))
    before = _positions(doc)
    chosen = [c.id for c in doc.design.components[:6]]
    for cid in chosen[1:]:
        doc.move_components({cid: before[chosen[0]]}, text="Stack")  # stack them on one spot
    stacked = _positions(doc)
    view.select_components(chosen)
    count = doc.undo_stack.count()
    assert run_layout(qtbot, view)
    assert doc.undo_stack.count() == count + 1
    after = _positions(doc)
    assert {cid: after[cid] for cid in after if cid not in chosen} == {
        cid: stacked[cid] for cid in stacked if cid not in chosen
    }
    assert _overlaps(after, after) == []
    doc.undo_stack.undo()
    assert _positions(doc) == stacked


def test_one_selected_card_lays_out_everything(qtbot, catalog):
    doc, view = make_view(qtbot, _stacked(catalog))
    view.select_components([doc.design.components[0].id])
    assert run_layout(qtbot, view)
    after = _positions(doc)
    assert _overlaps(after, after) == []


def test_auto_layout_of_an_empty_or_all_pinned_design_changes_nothing(qtbot, catalog):
    doc, view = make_view(qtbot)
    messages = []
    view.message.connect(messages.append)
    assert not view.auto_layout() and messages[-1] == "Auto-layout: the design is empty"
    a = doc.add_component("model", 0, 0)
    b = doc.add_component("endpoint", 0, 0)
    doc.set_pinned([a, b], True)
    count = doc.undo_stack.count()
    assert not view.auto_layout()
    assert doc.undo_stack.count() == count and "pinned" in messages[-1]


def test_pin_and_unpin_are_undoable_and_saved(qtbot, tmp_path):
    doc, view = make_view(qtbot)
    a = doc.add_component("model", 0, 0, "Ranker")
    b = doc.add_component("endpoint", 400, 0, "Feed API")
    doc.undo_stack.clear()
    before = snapshot(doc)
    doc.set_pinned([a, b], True)
    assert doc.undo_stack.count() == 1 and doc.undo_stack.undoText() == "Pin position of 2 components"
    assert doc.component(a).pinned and doc.component(b).pinned
    assert view.design_scene.component_item(a).pinned
    doc.set_pinned([a, b], True)  # no change: no step
    assert doc.undo_stack.count() == 1
    doc.undo_stack.undo()
    assert snapshot(doc) == before and not doc.component(a).pinned
    assert not view.design_scene.component_item(a).pinned
    doc.undo_stack.redo()
    path = tmp_path / "pinned.mlsd"
    save_design(doc.design, path)
    saved = {c["id"]: c for c in json.loads(path.read_text(encoding="utf-8"))["components"]}
    assert saved[a]["pinned"] is True and saved[b]["pinned"] is True
    doc.set_pinned([b], False)
    assert doc.undo_stack.undoText() == "Unpin position of Feed API" and not doc.component(b).pinned


def test_the_card_menu_pins_the_selection_and_the_inspector_shows_it(qtbot, windows, catalog):
    window = windows()
    doc, view = window.document, window.canvas
    a = doc.add_component("model", 0, 0, "Ranker")
    b = doc.add_component("endpoint", 400, 0, "Feed API")
    view.reset_zoom()
    view.centerOn(300, 45)
    view.select_components([a, b])
    menu = view.context_menu_at(at(view, 100, 45))
    actions = {action.objectName(): action for action in menu.actions()}
    assert actions["pin_action"].text() == "Pin position (2)"
    assert "layout_selection_action" in actions
    actions["pin_action"].trigger()
    assert doc.component(a).pinned and doc.component(b).pinned
    menu = view.context_menu_at(at(view, 500, 45))
    pin = next(action for action in menu.actions() if action.objectName() == "pin_action")
    assert pin.text() == "Unpin position (2)"  # the pair reads alike
    # a right click on a card outside the selection makes it the selection
    c = doc.add_component("metric", 0, 300, "CTR")
    menu = view.context_menu_at(at(view, 100, 345))
    assert view.selected_component_ids() == [c]
    assert next(a_ for a_ in menu.actions() if a_.objectName() == "pin_action").text() == "Pin position"
    assert view.context_menu_at(at(view, 300, 600)) is None  # empty canvas: no card menu
    view.select_components([a])
    page = window.inspector.component_page
    assert page.pinned.isChecked()
    page.pinned.click()  # edits through the same command
    assert not doc.component(a).pinned and doc.undo_stack.undoText() == "Unpin position of Ranker"
    doc.undo_stack.undo()
    assert page.pinned.isChecked()


def test_screenshot_size_sets_the_picture_size(qtbot, tmp_path):
    out = tmp_path / "shot.png"
    template = str(resource_path("templates", "spam_filter.mlsd"))
    assert run_app([template, "--screenshot", str(out), "--size", "1440x900"]) == 0
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1440, 900)


def test_a_bad_screenshot_size_exits_2_with_a_message(qtbot, tmp_path, capsys):
    out = tmp_path / "shot.png"
    for bad in ("1440", "1440x", "axb", "10x10", "1440x900x2", "-1440x900"):
        assert run_app(["--screenshot", str(out), "--size", bad]) == 2
        assert "--size" in capsys.readouterr().err
    assert run_app(["--size", "1440x900"]) == 2
    assert "--screenshot" in capsys.readouterr().err
    assert not out.exists()
