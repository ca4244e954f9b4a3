"""Text a user reads in the window is whole at the default window sizes: the right column's
tab titles and the inspector's number fields with their units."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QTabBar

from app.ui.interview.session import InterviewSetup
from app.ui.main_window import MainWindow

SIZES = [(1440, 900), (1600, 1000)]


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
