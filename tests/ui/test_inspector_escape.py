"""Esc in an inspector field leaves that field's edit: what was typed since the last commit is
dropped, the design keeps its value and the cursor goes back to the canvas. It is the field's
Esc, not the window's: in compare mode it left the comparison and kept the typing."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QWidget

from app.ui.inspector.number_editor import NumberEditor
from tests.ui.on_x11 import pytest_on_x11, x11_child
from tests.ui.test_compare import activate, open_compare

ESC = Qt.Key.Key_Escape


def _focus(window, qtbot, widget: QWidget) -> QWidget:
    """Give `widget` the keyboard focus (a number editor's: its spin box's line)."""
    activate(window)
    widget.setFocus(Qt.FocusReason.TabFocusReason)
    target = widget.focusProxy() or widget
    qtbot.waitUntil(target.hasFocus)
    return window.focusWidget()


def _select(window, qtbot, component_id: str):
    window.canvas.select_components([component_id])
    page = window.inspector.component_page
    qtbot.waitUntil(lambda: page.component_id == component_id)
    return page


def _typed_then_esc(window, qtbot, widget: QWidget, text: str) -> None:
    focused = _focus(window, qtbot, widget)
    qtbot.keyClicks(focused, text)
    qtbot.keyClick(window.focusWidget(), ESC)


def test_esc_in_each_kind_of_inspector_field_keeps_compare_mode_and_drops_the_typing(
    windows, builder, catalog, qtbot
):
    window, *_rest = open_compare(windows, builder, catalog)
    doc = window.document
    page = _select(window, qtbot, "ranker")
    latency = page.property_editors["p99_latency_ms"]
    assert isinstance(latency, NumberEditor)
    family = page.property_editors["family"]
    assert isinstance(family, QComboBox)
    fields = (
        ("line edit", page.name_edit, lambda: page.name_edit.text(), "Ranker"),
        ("text edit", page.notes_edit, lambda: page.notes_edit.toPlainText(), ""),
        ("number field", latency, lambda: latency.current(), 80),
    )
    for kind, widget, shown, before in fields:
        _typed_then_esc(window, qtbot, widget, "9")
        assert window.compare.is_active(), kind
        assert shown() == before, kind  # the typing is dropped
        assert window.canvas.hasFocus(), kind  # back where the selection is
        assert doc.undo_stack.count() == 0 and not doc.is_modified(), kind
        assert window.canvas.selected_component_ids() == ["ranker"], kind

    _focus(window, qtbot, family)
    qtbot.keyClick(family, ESC)
    assert window.compare.is_active() and window.canvas.hasFocus()
    checks = _select(window, qtbot, "features").property_editors["ops"]  # a set's check list
    _focus(window, qtbot, checks)
    qtbot.keyClick(checks, ESC)
    assert window.compare.is_active() and window.canvas.hasFocus()

    qtbot.keyClick(window.canvas, ESC)  # Esc elsewhere keeps its meaning
    assert not window.compare.is_active()


def test_esc_in_the_fields_of_a_link_and_of_the_design_keeps_compare_mode(windows, builder, catalog, qtbot):
    window, *_rest = open_compare(windows, builder, catalog)
    doc = window.document
    link = next(iter(doc.design.link_by_id()))
    window.canvas.select_components([], [link])
    qtbot.waitUntil(lambda: window.inspector.current_page() is window.inspector.link_page)
    link_page = window.inspector.link_page
    for widget in (link_page.label, link_page.flow):
        _typed_then_esc(window, qtbot, widget, "x")
        assert window.compare.is_active() and window.canvas.hasFocus()
    assert link_page.label.text() == doc.link(link).label

    window.canvas.select_components([])
    qtbot.waitUntil(lambda: window.inspector.current_page() is window.inspector.meta_page)
    meta = window.inspector.meta_page
    for widget in (meta.title_edit, meta.problem_edit):
        _typed_then_esc(window, qtbot, widget, "x")
        assert window.compare.is_active() and window.canvas.hasFocus()
    assert meta.title_edit.text() == doc.design.meta.title
    assert meta.problem_edit.toPlainText() == doc.design.meta.problem
    assert doc.undo_stack.count() == 0


def test_esc_after_a_committed_edit_keeps_the_edit(windows, builder, qtbot):
    """Esc drops only what was typed since Enter: the committed name stays."""
    window = windows()
    doc = window.document
    cid = doc.add_component("model", 0, 0, "Ranker")
    page = _select(window, qtbot, cid)
    field = _focus(window, qtbot, page.name_edit)
    qtbot.keyClick(field, Qt.Key.Key_End)  # the focus came with the name selected
    qtbot.keyClicks(field, " v2")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    qtbot.keyClicks(field, " draft")
    qtbot.keyClick(field, ESC)
    assert doc.component(cid).name == "Ranker v2" and page.name_edit.text() == "Ranker v2"
    assert window.canvas.hasFocus() and window.canvas.selected_component_ids() == [cid]


@x11_child
def test_esc_in_inspector_fields_on_x11(tmp_path):
    """The tests above on the xcb platform, in a child process under xvfb-run."""
    done = pytest_on_x11(tmp_path, "tests/ui/test_inspector_escape.py")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "4 passed" in done.stdout


def test_esc_with_the_suggestions_shown_closes_them_and_keeps_the_typing(windows, qtbot):
    """Seen on X: Esc over the technology suggestions closed them and dropped the typing too."""
    window = windows()
    doc = window.document
    cid = doc.add_component("model", 0, 0, "Ranker")
    page = _select(window, qtbot, cid)
    field = _focus(window, qtbot, page.technology_edit)
    qtbot.keyClicks(field, "Ten")
    popup = page.technology_edit.completer().popup()
    qtbot.waitUntil(popup.isVisible)
    qtbot.keyClick(popup, ESC)
    qtbot.waitUntil(lambda: not popup.isVisible())
    assert page.technology_edit.text() == "Ten" and page.technology_edit.hasFocus()
    qtbot.keyClick(page.technology_edit, ESC)  # the next Esc leaves the field
    assert page.technology_edit.text() == "" and window.canvas.hasFocus()
    assert doc.component(cid).technology == ""
