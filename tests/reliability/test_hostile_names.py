"""Guarantee 8: hostile names are shown literally everywhere, never read as markup.

Exports are proven in tests/export: DOT (test_dot.py::test_every_user_string_is_html_escaped,
::test_hostile_name_survives_graphviz_verbatim, test_golden.py hostile.dot), SVG
(test_svg_png.py::test_hostile_svg_keeps_names), Mermaid
(test_mermaid.py::test_hostile_labels_are_entity_coded, golden hostile.mmd) and the PDF
(test_report.py::test_hostile_names_print_as_typed). Here: the window's card text, inspector
fields, findings rows, window title, status bar, recent-files menu, message boxes, and every
tooltip (escaped rich text that renders back to the literal name, or plain text).
"""

from __future__ import annotations

from PySide6.QtGui import (
    Qt,  # QtGui's Qt namespace adds mightBeRichText
    QTextDocument,
)
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

from app.persistence import save_design
from app.ui import dialogs
from app.ui.findings_view import DETAIL_ROLE, FINDING_ROLE

HOSTILE = '<b>bold</b> <img src=x> & "q"'
TITLE = HOSTILE + " [*] draft"
MARKUP = ("<b>bold", "<img src=x>")  # the hostile markup, raw


def rendered(tip: str) -> str:
    """What a tooltip shows: rich text rendered to plain text, or the plain text itself."""
    if not Qt.mightBeRichText(tip):
        return tip
    doc = QTextDocument()
    doc.setHtml(tip)
    return doc.toPlainText()


def assert_safe_tooltip(tip: str) -> None:
    if Qt.mightBeRichText(tip):
        assert not any(m in tip for m in MARKUP), f"unescaped user text in a rich tooltip: {tip!r}"


def hostile_window(windows, tmp_path, builder):
    builder.design.meta.title = TITLE
    builder.design.meta.author = HOSTILE
    model = builder.add("model", HOSTILE, technology=HOSTILE)
    builder.design.components[-1].notes = HOSTILE
    source = builder.add("data_source", "line one\nline <i>two</i>")
    builder.link(source, model, label=HOSTILE)
    path = tmp_path / '<img src=x> & "q" [*].mlsd'  # no "/" in a file name
    save_design(builder.design, path)
    window = windows()
    window.files.open(path)
    window.checker.check_now()
    return window, model, source, path


def all_tooltips(window) -> list[str]:
    tips = [w.toolTip() for w in window.findChildren(QWidget) if w.toolTip()]
    scene = window.canvas.scene()
    tips += [item.toolTip() for item in scene.items() if item.toolTip()]
    tree = window.findings.tree
    stack = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
    while stack:
        item = stack.pop()
        if item.toolTip(0):
            tips.append(item.toolTip(0))
        stack.extend(item.child(i) for i in range(item.childCount()))
    tips += [window.findings.coverage.tooltip_for(s.id) for s in window.document.catalog.stages]
    return tips


def test_canvas_inspector_findings_title_and_status_show_the_name_literally(windows, tmp_path, builder):
    window, model, source, path = hostile_window(windows, tmp_path, builder)

    # Window title: the name as typed, its own "[*]" kept; the real marker only when modified.
    assert window.windowHandle().title() == f"{path.name} — MLSD Studio"
    window.document.set_meta_field("title", TITLE + "!")
    window.document.set_path(None)
    assert window.windowHandle().title() == f"{TITLE}!* — MLSD Studio"
    window.document.undo_stack.undo()
    window.document.set_path(path)
    assert window.statusBar().currentMessage() == f"Opened {path}"

    # Canvas: plain static text, elided from the literal name.
    card = window.canvas.scene().component_item(model)
    for static in (card._name_text, card._tech_text):
        assert static.textFormat() == Qt.TextFormat.PlainText
        assert HOSTILE.startswith(static.text().rstrip("…"))
    assert rendered(card.toolTip()).startswith(HOSTILE)
    link = window.canvas.scene().link_items()[0]
    assert link._label_text.textFormat() == Qt.TextFormat.PlainText
    assert f"Label: {HOSTILE}" in rendered(link.toolTip())
    assert "line one line <i>two</i> → " + HOSTILE in rendered(link.toolTip())

    # Inspector: editors hold the literal text.
    window.canvas.select_components([model])
    page = window.inspector.component_page
    assert page.name_edit.text() == HOSTILE and page.technology_edit.text() == HOSTILE
    assert page.notes_edit.toPlainText() == HOSTILE
    window.canvas.select_components([model, source])
    names = window.inspector.multi_page.names
    assert names.textFormat() == Qt.TextFormat.PlainText and HOSTILE in names.text()
    window.canvas.select_components([])
    assert window.inspector.meta_page.title_edit.text() == TITLE

    # Findings: rows that name the component carry it literally (drawn with drawText).
    tree = window.findings.tree
    details = []
    for i in range(tree.topLevelItemCount()):
        group = tree.topLevelItem(i)
        for j in range(group.childCount()):
            item = group.child(j)
            if item.data(0, FINDING_ROLE) is not None:
                details.append(item.data(0, DETAIL_ROLE) or "")
                tip = item.toolTip(0)
                if model in item.data(0, FINDING_ROLE).components:
                    assert HOSTILE in rendered(tip)
    assert any(HOSTILE in d for d in details), "no finding names the hostile component"

    # Every tooltip anywhere in the window: escaped when rich, so nothing is interpreted.
    tips = all_tooltips(window)
    assert len(tips) > 20
    for tip in tips:
        assert_safe_tooltip(tip)

    # Every label showing user text is plain text.
    for label in window.findChildren(QLabel):
        if any(m in label.text() for m in MARKUP) or "bold" in label.text():
            assert label.textFormat() == Qt.TextFormat.PlainText, label.objectName()


def test_recent_files_menu_shows_the_path_literally(windows, tmp_path, builder):
    window, _model, _source, path = hostile_window(windows, tmp_path, builder)
    window.actions.rebuild_recent_menu()
    texts = [a.text() for a in window.actions.recent_menu.actions() if a.data()]
    assert texts == [f"&1  {str(path.resolve()).replace('&', '&&')}"]  # "&&" shows one "&"


def test_message_boxes_show_names_and_errors_as_plain_text(qtbot):
    box = dialogs._box(None, QMessageBox.Icon.Critical, "Could not save", HOSTILE, f"{HOSTILE}: disk full")
    qtbot.addWidget(box)
    assert box.textFormat() == Qt.TextFormat.PlainText
    informative = box.findChild(QLabel, "qt_msgbox_informativelabel")
    assert informative.textFormat() == Qt.TextFormat.PlainText
    assert informative.text() == f"{HOSTILE}: disk full"
