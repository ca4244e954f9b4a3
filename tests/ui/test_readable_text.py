"""Text a user reads in the window is whole at the default window sizes: the right column's
tab titles and the inspector's number fields with their units."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QTabBar

from app.ui.document import DesignDocument
from app.ui.inspector.number_editor import NumberEditor
from app.ui.interview.session import InterviewSetup
from app.ui.main_window import MainWindow

SIZES = [(1440, 900), (1600, 1000)]
TEXT_MARGINS = 4  # a line edit's margins either side of its text


def shown_window(qtbot, size: tuple[int, int], **kwargs) -> MainWindow:
    window = MainWindow(restore_layout=False, **kwargs)
    window.persist_settings = False
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    return window


def settle() -> None:
    for _ in range(5):
        QApplication.processEvents()


@pytest.mark.parametrize("size", SIZES)
def test_right_column_tabs_show_whole_titles_in_interview_and_compare(windows, qtbot, builder, size):
    builder.add("model", "Ranker")
    old = builder.design
    window = shown_window(qtbot, size)
    window.interview.begin(InterviewSetup("Design a fraud detector.", "Card fraud", 45))
    window.compare.start(old, "old.mlsd")
    settle()
    bar = next(
        bar
        for bar in window.findChildren(QTabBar)
        if bar.isVisible() and "Findings" in [bar.tabText(i) for i in range(bar.count())]
    )
    titles = [bar.tabText(i) for i in range(bar.count())]
    assert {"Findings", "Decisions", "Estimates", "Changes"} <= set(titles)
    for i, title in enumerate(titles):  # a tab narrower than it asks for elides its title
        assert bar.tabRect(i).width() >= bar.tabSizeHint(i).width(), f"tab {title!r} is cut short"
    assert bar.elideMode() == Qt.TextElideMode.ElideNone  # a narrower column scrolls instead


def sample_value(editor: NumberEditor) -> float:
    """A value six characters wide ('0.0012', '1234.5', '250000') within the field's range."""
    spec = editor.spec
    if spec.type == "float":
        value = 0.0012 if spec.maximum is not None and spec.maximum <= 1 else 1234.5
    else:
        value = 250000
    return min(value, spec.maximum) if spec.maximum is not None else value


@pytest.mark.parametrize("size", SIZES)
def test_every_number_field_shows_its_unit_whole(windows, qtbot, builder, catalog, size):
    ids = {kind: builder.add(kind, kind) for kind in catalog.kinds}
    window = shown_window(qtbot, size, document=DesignDocument(builder.design))
    clipped = []
    for kind, component_id in ids.items():
        window.canvas.select_components([component_id])
        qtbot.waitUntil(lambda cid=component_id: window.inspector.current_page().component_id == cid)
        page = window.inspector.current_page()
        numbers = [e for e in page.property_editors.values() if isinstance(e, NumberEditor)]
        for editor in numbers:
            editor.set_value(sample_value(editor))
        settle()
        for editor in numbers:
            field = editor.spin.lineEdit()
            assert field.text().endswith(editor.spin.suffix())
            if field.fontMetrics().horizontalAdvance(field.text()) + TEXT_MARGINS > field.width():
                clipped.append(f"{kind}.{editor.spec.name}: {field.text()!r} in {field.width()} px")
    assert not clipped
