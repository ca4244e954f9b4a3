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
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app import APP_NAME, __version__
from app.rules import all_rules
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


def typable(key: QKeySequence) -> bool:
    """Keys on an ordinary keyboard (not the dedicated 'Save' or 'Copy' keys some have)."""
    text = key.toString(QKeySequence.SequenceFormat.PortableText)
    last = "+" if text.endswith("+") else text.rsplit("+", 1)[-1]
    return (
        bool(text) and re.fullmatch(r".|F\d+|Del|Backspace|Esc|Ins|Tab|Space|Return|Enter", last) is not None
    )


def shortcut_rows(menus: list[tuple[str, list[QAction]]]) -> list[tuple[str, str, str]]:
    """(menu, action, shortcuts) for every action that has a shortcut."""
    rows = []
    for menu, actions in menus:
        for action in actions:
            keys = [
                k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts() if typable(k)
            ]
            if keys:
                rows.append((menu, action.text().replace("&", "").rstrip("…").rstrip("."), ", ".join(keys)))
    return rows


def show_shortcuts(parent: QWidget | None, menus: list[tuple[str, list[QAction]]]) -> QDialog:
    dialog, layout = _dialog(parent, "Keyboard shortcuts", 520, 560)
    search = QLineEdit()
    search.setPlaceholderText("Filter…")
    search.setClearButtonEnabled(True)
    rows = shortcut_rows(menus)
    rows += [
        ("Canvas", "Connect components", "Drag from a component's edge"),
        ("Canvas", "Pan", "Space + drag, or middle mouse"),
        ("Canvas", "Zoom", "Ctrl + wheel"),
        ("Palette", "Clear search", "Esc"),
    ]
    table = QTableWidget(len(rows), 3)
    table.setObjectName("shortcuts_table")
    table.setHorizontalHeaderLabels(["Menu", "Command", "Shortcut"])
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    table.setAlternatingRowColors(True)
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.setItem(r, c, QTableWidgetItem(text))
    header = table.horizontalHeader()
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
    header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)

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
