"""Small fixes of the window: the inspector's save date, refit after a layout crossed in History,
and the inspector's width while values are picked."""

from __future__ import annotations

from PySide6.QtCore import QPointF
from PySide6.QtWidgets import QDockWidget

from app.ui.inspector.editors import ChoiceCombo
from tests.ui.canvas_support import run_layout


def test_a_never_saved_design_says_so_in_the_inspector(windows, fake_dialogs, tmp_path, design_file):
    window = windows()
    dates = window.inspector.meta_page.dates
    assert "not saved yet" in dates.text() and "last saved" not in dates.text()
    fake_dialogs.answer("get_save_path", str(tmp_path / "mine.mlsd"))
    assert window.files.save_as()
    assert "last saved" in dates.text() and "not saved yet" not in dates.text()
    opened = windows()
    opened.files.open(design_file)
    assert "last saved" in opened.inspector.meta_page.dates.text()


def _fitted(view) -> bool:
    return view.visible_scene_rect().contains(view.design_scene.components_rect())


def test_jumping_back_over_a_layout_in_history_refits_the_view(qtbot, windows):
    window = windows()
    doc, view = window.document, window.canvas
    kinds = ["data_source", "feature_pipeline", "model", "evaluation", "endpoint", "monitor"] * 3
    ids = [doc.add_component(kind, 40.0 * n, 30.0 * n) for n, kind in enumerate(kinds)]
    doc.move_components({ids[0]: (4000.0, 3000.0)})  # far away: only a fit shows everything
    assert run_layout(qtbot, view)
    doc.set_component_field(ids[1], "name", "After the layout")
    layout_index = doc.undo_stack.index() - 1
    view.centerOn(QPointF(-5000, -5000))
    assert not _fitted(view)
    doc.undo_stack.setIndex(layout_index - 1)  # a click in the History panel: two steps at once
    assert _fitted(view)
    view.centerOn(QPointF(-5000, -5000))
    doc.undo_stack.setIndex(doc.undo_stack.count())  # and forward again over the layout
    assert _fitted(view)


def test_picking_values_keeps_the_inspector_width(qtbot, windows):
    window = windows()
    window.resize(1400, 800)
    dock = window.inspector.parentWidget()
    while not isinstance(dock, QDockWidget):
        dock = dock.parentWidget()
    doc = window.document
    widths = set()
    for kind in ("model", "dataset", "endpoint", "monitor", "feature_store"):
        cid = doc.add_component(kind, 0, 0)
        window.canvas.select_components([cid])
        for combo in window.inspector.findChildren(ChoiceCombo):
            if not combo.isVisibleTo(window):
                continue
            for i in range(combo.count()):
                combo.setCurrentIndex(i)
                combo.activated.emit(i)
                window.checker.check_now()
                qtbot.wait(1)
                widths.add((dock.width(), window.inspector.scroll.widget().width()))
    assert len(widths) == 1, widths
