"""Accessible names and descriptions for the window's widgets (what screen readers announce).

Qt names most widgets by itself: buttons and menu entries by their text, fields in a form by
their row's label (the label's buddy). `name_window` names the window's panels explicitly, and
`name_unnamed` gives every other interactive widget still without a name the text of the label
shown just before it, else its placeholder, else its tooltip's first sentence. The canvas
names and describes itself after the selection (app/ui/canvas/keyboard.py).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QMenuBar,
    QPlainTextEdit,
    QScrollBar,
    QTextEdit,
    QToolButton,
    QWidget,
)

if TYPE_CHECKING:
    from app.ui.decisions_panel import DecisionsPanel
    from app.ui.estimates_panel import EstimatesPanel
    from app.ui.main_window import MainWindow

INTERACTIVE = (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QAbstractSlider,
    QComboBox,
    QLineEdit,
    QTextEdit,
    QPlainTextEdit,
)


def _set(widget: QWidget, name: str, description: str) -> None:
    widget.setAccessibleName(name)
    widget.setAccessibleDescription(description)


def name_window(window: MainWindow) -> None:
    """Name the panels of a main window whose widgets have no visible label of their own."""
    palette = window.palette_panel
    _set(palette.search, "Search components", "Filters the palette by name, id or description")
    _set(palette.tree, "Component palette", "Kinds of component by stage: Enter or drag adds one")
    _set(window.findings.tree, "Findings", "What the rules found: activate one to show its cards")
    _set(window.findings.group_combo, "Group findings", "Group the findings by severity or by stage")
    _set(window.history.view, "Undo history", "Every edit in order: pick a step to go back to it")
    menubar = window.menuBar()
    extension = menubar.findChild(QToolButton, "qt_menubar_ext_button")
    if isinstance(menubar, QMenuBar) and extension is not None:
        _set(extension, "More menus", "The menus that do not fit in the menu bar")
    name_unnamed(window)


def name_decisions(panel: DecisionsPanel) -> None:
    """Name the Decisions panel (built when first shown, after `name_window`)."""
    _set(panel.tree, "Decisions", "The design's decision records: activate one to edit it")
    name_unnamed(panel)


def name_estimates(panel: EstimatesPanel) -> None:
    """Name the Estimates panel (built when first shown, after `name_window`)."""
    _set(panel.totals, "Estimate totals", "Cost and latency estimates by stage")
    missing = panel.findChild(QWidget, "estimate_missing")
    if missing is not None:
        _set(missing, "Missing estimate inputs", "Activate an input to fill it in the inspector")
    name_unnamed(panel)


def describe_field(widget: QWidget, name: str, description: str) -> None:
    """Name a field and the widget that takes its focus (a spin box inside an editor)."""
    for target in {widget, widget.focusProxy() or widget}:
        _set(target, _plain(name), _plain_all(description))


def _plain_all(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text)).strip()


def _plain(text: str) -> str:
    text = re.sub(r"<[^>]+>", " ", text)
    text = re.sub(r"\s+", " ", text).strip()
    return re.split(r"(?<=[.:!?])\s", text, maxsplit=1)[0].rstrip(".:")


def _layout_of(widget: QWidget) -> QLayout | None:
    parent = widget.parentWidget()
    top = parent.layout() if parent is not None else None
    if top is None:
        return None
    todo: list[QLayout] = [top]
    while todo:
        layout = todo.pop()
        if layout.indexOf(widget) >= 0:
            return layout
        for i in range(layout.count()):
            item = layout.itemAt(i)
            child = item.layout() if item is not None else None
            if child is not None:
                todo.append(child)
    return None


def _label_before(widget: QWidget) -> str:
    layout = _layout_of(widget)
    if isinstance(layout, QFormLayout):
        label = layout.labelForField(widget)
        if isinstance(label, QLabel) and label.text():
            return label.text()
    if layout is not None:
        index = layout.indexOf(widget)
        if index > 0:
            item = layout.itemAt(index - 1)
            before = item.widget() if item is not None else None
            if isinstance(before, QLabel) and before.text():
                return before.text()
    return ""


def derived_name(widget: QWidget) -> str:
    """A name for an unnamed widget: the label before it, its placeholder, its tooltip."""
    combo = widget.parentWidget()
    while combo is not None and not isinstance(combo, QComboBox):
        combo = combo.parentWidget()
    if isinstance(widget, QAbstractItemView) and isinstance(combo, QComboBox):  # its drop-down
        owner_name = combo.accessibleName() or _plain(_label_before(combo)) or _plain(combo.toolTip())
        return f"{owner_name} choices" if owner_name else "Choices"
    if isinstance(widget, QToolButton) and isinstance(widget.parentWidget(), QLineEdit):
        return "Clear"
    label = _label_before(widget)
    if label:
        return _plain(label)
    placeholder = getattr(widget, "placeholderText", None)
    if callable(placeholder) and placeholder():
        return _plain(placeholder())
    return _plain(widget.toolTip())


def name_unnamed(root: QWidget) -> list[QWidget]:
    """Name each interactive widget under `root` that Qt leaves unnamed; returns those still
    without a name (none, when every widget has a label, placeholder or tooltip)."""
    left: list[QWidget] = []
    for widget in root.findChildren(QWidget):
        if not isinstance(widget, INTERACTIVE) or isinstance(widget, QScrollBar):
            continue
        iface = QAccessible.queryAccessibleInterface(widget)
        if iface is None or iface.text(QAccessible.Text.Name):
            continue
        name = derived_name(widget)
        if name:
            widget.setAccessibleName(name)
        else:
            left.append(widget)
    return left


def focus_inspector(window: MainWindow) -> bool:
    """Enter on the canvas: show the inspector and put the cursor in the selection's first field
    (a card's name). False when the inspector has no field to focus."""
    window.inspector_dock.show()
    window.inspector_dock.raise_()
    inspector = window.inspector
    page = inspector.current_page()
    target: QWidget | None = None
    if page is inspector.component_page:
        target = inspector.component_page.name_edit
    else:
        for widget in page.findChildren(QWidget):
            if widget.isVisibleTo(page) and widget.isEnabled() and isinstance(widget, INTERACTIVE):
                target = widget
                break
    if target is None:
        return False
    target.setFocus(Qt.FocusReason.ShortcutFocusReason)
    if isinstance(target, QLineEdit):
        target.selectAll()
    return True


def leave_inspector(window: MainWindow) -> None:
    """Esc in an inspector field: the cursor goes back to the canvas (Enter there came in)."""
    if window.inspector_dock.isFloating():
        window.activateWindow()
    window.canvas.setFocus(Qt.FocusReason.OtherFocusReason)
