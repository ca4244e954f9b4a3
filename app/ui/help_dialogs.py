"""Help menu windows: keyboard shortcuts, rules reference, about. All non-blocking."""

from __future__ import annotations

import html
import re

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLineEdit,
    QMainWindow,
    QMenu,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app import APP_NAME, __version__
from app.rules import all_rules
from app.ui.canvas.keyboard import CANVAS_KEYS
from app.ui.theme import SEVERITY_COLORS


def _dialog(parent: QWidget | None, title: str, width: int, height: int) -> tuple[QDialog, QVBoxLayout]:
    dialog = QDialog(parent)
    dialog.setWindowTitle(title)
    dialog.resize(width, height)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    layout = QVBoxLayout(dialog)
    return dialog, layout


def _close_button(dialog: QDialog, layout: QVBoxLayout) -> None:
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
    buttons.rejected.connect(dialog.close)
    layout.addWidget(buttons)


# F1-F12 only: X11 also binds Undo, Copy, Paste and Cut to F14, F16, F18 and F20 (old Sun keys).
_TYPABLE = re.compile(
    r".|F[1-9]|F1[0-2]|Del|Backspace|Esc|Ins|Tab|Backtab|Space|Return|Enter|Left|Right|Up|Down|Home|End|PgUp|PgDown|Menu"
)


def typable(key: QKeySequence) -> bool:
    """Keys on an ordinary keyboard (not the dedicated 'Save' or 'Copy' keys some have, nor F13+)."""
    text = key.toString(QKeySequence.SequenceFormat.PortableText)
    last = "+" if text.endswith("+") else text.rsplit("+", 1)[-1]
    return bool(text) and _TYPABLE.fullmatch(last) is not None


SHEET_LABEL = "shortcut_sheet_label"  # a dynamic property: the action's name in the sheet


def set_sheet_label(action: QAction, label: str) -> None:
    """List `action` in the sheet as `label`: its own text changes as it is used ("Undo Nudge")."""
    action.setProperty(SHEET_LABEL, label)


def _command(action: QAction) -> str:
    label = action.property(SHEET_LABEL)
    text = label if isinstance(label, str) and label else action.text()
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip("…").rstrip(".")


def _native(keys: list[QKeySequence]) -> str:
    return ", ".join(k.toString(QKeySequence.SequenceFormat.NativeText) for k in keys if typable(k))


def _menu_actions(menu: QMenu) -> list[QAction]:
    """The actions of `menu` and of its submenus, in menu order."""
    found = []
    for action in menu.actions():
        sub = action.menu()
        if isinstance(sub, QMenu):
            found += _menu_actions(sub)
        elif not action.isSeparator():
            found.append(action)
    return found


def shortcut_rows(window: QMainWindow) -> list[tuple[str, str, str]]:
    """(menu, command, keys) for every action of `window` that has a shortcut, read from the live
    actions: grouped by top-level menu in menu-bar order, then the actions that are in no menu
    ("Other"), then the canvas keys that are not actions (CANVAS_KEYS). Keys are in the platform's
    native text; dedicated keys no ordinary keyboard has (a "Copy" key) are left out."""
    rows: list[tuple[str, str, str]] = []
    listed: set[QAction] = set()
    for top in window.menuBar().actions():
        menu = top.menu()
        if not isinstance(menu, QMenu):
            continue
        title = _command(top)
        for action in _menu_actions(menu):
            listed.add(action)
            keys = _native(action.shortcuts())
            if keys:
                rows.append((title, _command(action), keys))
    others = {a for w in [window, *window.findChildren(QWidget)] for a in QWidget.actions(w)}
    others.update(window.findChildren(QAction))
    for action in sorted(others - listed, key=_command):
        keys = _native(action.shortcuts())
        if keys:
            rows.append(("Other", _command(action), keys))
    for command, portable in CANVAS_KEYS:
        rows.append(("Canvas", command, _native([QKeySequence(k) for k in portable])))
    return rows


def show_shortcuts(parent: QMainWindow) -> QDialog:
    dialog, layout = _dialog(parent, "Keyboard shortcuts", 680, 680)
    dialog.setObjectName("shortcuts_dialog")
    search = QLineEdit()
    search.setObjectName("shortcuts_filter")
    search.setPlaceholderText("Filter by command, menu or key…")
    search.setAccessibleName("Filter shortcuts")
    search.setClearButtonEnabled(True)
    rows = shortcut_rows(parent)
    table = QTableWidget(len(rows), 3)
    table.setObjectName("shortcuts_table")
    table.setHorizontalHeaderLabels(["Menu", "Command", "Shortcut"])
    table.setAccessibleName("Keyboard shortcuts")
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    table.setAlternatingRowColors(True)
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.setItem(r, c, QTableWidgetItem(text))
    header = table.horizontalHeader()
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)  # long key lists wrap
    table.setWordWrap(True)
    table.resizeRowsToContents()

    def apply_filter(text: str) -> None:
        words = text.lower().split()
        for r, row in enumerate(rows):
            line = " ".join(row).lower()
            table.setRowHidden(r, not all(w in line for w in words))

    search.textChanged.connect(apply_filter)
    layout.addWidget(search)
    layout.addWidget(table, 1)
    _close_button(dialog, layout)
    dialog.show()
    return dialog


def rules_html() -> str:
    """Every rule with its stage, default severity, rationale, suggestion and sources."""
    rules = all_rules()
    if not rules:
        return "<p>No rules are registered.</p>"
    parts = [
        "<h2>Rules reference</h2><p>Each rule can be accepted per finding with a rationale, "
        "or raised, lowered or switched off for one design (right-click a finding).</p>"
    ]
    for rule in rules:
        color = SEVERITY_COLORS.get(rule.severity, "#888888")
        parts.append(
            f"<h3>{html.escape(rule.id)} · {html.escape(rule.title)}</h3>"
            f"<p><span style='color:{color}'><b>{html.escape(rule.severity)}</b></span>"
            f" · stage: {html.escape(rule.stage)}</p>"
            f"<p>{html.escape(rule.rationale)}</p>"
            + (f"<p><i>Suggestion:</i> {html.escape(rule.suggestion)}</p>" if rule.suggestion else "")
            + (f"<p><i>Sources:</i> {html.escape('; '.join(rule.sources))}</p>" if rule.sources else "")
        )
    return "".join(parts)


def show_rules_reference(parent: QWidget | None) -> QDialog:
    dialog, layout = _dialog(parent, "Rules reference", 680, 720)
    browser = QTextBrowser()
    browser.setObjectName("rules_browser")
    browser.setOpenExternalLinks(True)
    browser.setHtml(rules_html())
    layout.addWidget(browser, 1)
    _close_button(dialog, layout)
    dialog.show()
    return dialog


def about_text() -> str:
    return (
        f"{APP_NAME} {__version__}\n\n"
        "A design canvas for machine learning system design that knows what a sound ML system "
        "needs: six stages from business problem to monitoring, live rule checks with decisions, "
        "and reports.\n\nLicensed under the MIT license."
    )
