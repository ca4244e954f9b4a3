"""What a new user sees at the default window size: whole names in the palette, whole lines in
the inspector's text boxes, and a canvas that keeps most of the width."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QModelIndex, QRect, Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QApplication, QStyledItemDelegate, QStyleOptionViewItem
from pytestqt.qtbot import QtBot

from app.ui.inspector.editors import CommitTextEdit
from app.ui.main_window import MainWindow
from app.ui.palette import KIND_ROLE, Palette
from tests.ui.windows import WindowFactory


def _rows(palette: Palette) -> list[QModelIndex]:
    proxy = palette.proxy
    rows = []
    for row in range(proxy.rowCount()):
        stage = proxy.index(row, 0)
        rows.append(stage)
        rows.extend(proxy.index(child, 0, stage) for child in range(proxy.rowCount(stage)))
    return rows


def _cut_names(palette: Palette) -> list[str]:
    """The names the palette's tree cannot show whole: a kind's on its one line, a stage's on
    the lines its row has room for."""
    tree = palette.tree
    icon = tree.iconSize().width() + 8  # the icon and the spaces around it
    cut = []
    for index in _rows(palette):
        rect = tree.visualRect(index)
        font = index.data(Qt.ItemDataRole.FontRole)
        metrics = QFontMetrics(font if isinstance(font, QFont) else tree.font())
        right = min(rect.right(), tree.viewport().width() - 1)  # never under the scroll bar
        text = index.data()
        option = QStyleOptionViewItem()
        tree.initViewItemOption(option)
        one_line = QStyledItemDelegate().sizeHint(option, index).width()  # icon, padding and text
        room = right - rect.left() + 1 - max(icon, one_line - metrics.horizontalAdvance(text))
        if index.data(KIND_ROLE) is not None:
            whole = metrics.horizontalAdvance(text) <= room
        else:
            lines = metrics.boundingRect(QRect(0, 0, room, 1000), Qt.TextFlag.TextWordWrap, text)
            whole = lines.width() <= room and lines.height() <= rect.height()
        if not whole:
            cut.append(text)
    return cut


@pytest.mark.parametrize("size", [(1440, 900), (1600, 1000), (1366, 768)])
def test_a_new_users_palette_shows_every_name_whole(windows: WindowFactory, size: tuple[int, int]) -> None:
    window: MainWindow = windows()
    window.resize(*size)
    QApplication.processEvents()
    window.balance_docks()
    QApplication.processEvents()
    assert _cut_names(window.palette_panel) == []
    # ... and the canvas keeps most of the width
    assert window.canvas.width() > window.width() / 2


def test_the_palettes_width_does_not_depend_on_the_search(windows: WindowFactory) -> None:
    window: MainWindow = windows()
    palette = window.palette_panel
    whole = palette.full_width()
    palette.search.setText("metric")
    assert palette.full_width() == whole


def test_a_text_box_shows_whole_lines_only(qtbot: QtBot) -> None:
    box = CommitTextEdit(lines=6)  # the problem statement's box
    qtbot.addWidget(box)
    box.resize(300, box.height())
    box.show()
    box.setPlainText(" ".join(["a long problem statement, with ÅÉ tall letters and gjpqy"] * 20))
    QApplication.processEvents()
    spacing = box.fontMetrics().lineSpacing()
    assert box.viewport().height() % spacing == 0
    for value in (0, 1, 3, box.verticalScrollBar().maximum()):
        box.verticalScrollBar().setValue(value)
        QApplication.processEvents()
        # the top line starts at the top, so the bottom one ends at the bottom (scrolled within a
        # paragraph, Qt puts the line 1 px lower)
        assert -box.contentOffset().y() % spacing in (0, spacing - 1)


def test_the_findings_summary_does_not_widen_the_right_column(windows: WindowFactory) -> None:
    window: MainWindow = windows()
    summary = window.findings.summary
    summary.setText("12 errors · 34 warnings · 56 info · 7 accepted · 3 to do")
    assert window.findings.minimumSizeHint().width() <= window.estimates_dock.minimumSizeHint().width()
