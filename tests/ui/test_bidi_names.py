"""Right-to-left names (Arabic, Hebrew) where the window shows them beside other text: the window
title, the inspector's list of selected cards, a finding's component line, a decision's detail and
its row. Each name is isolated (app/domain/text.py), so it is read right to left within itself
but does not swap places with a neighbouring name, and a line our words frame is marked left to
right, so it is not turned around when it begins with such a name.

The direction asserted is the one Qt resolves for a block (QTextBlock.textDirection), which takes
the first strong letter and does not skip isolates: the isolates alone do not make it LTR."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument

from app.domain.model import Decision, DecisionOption
from app.domain.text import FSI, PDI
from app.persistence import save_design
from app.ui.findings_view import DETAIL_ROLE

ARABIC = "نموذج الترتيب 排序模型 🚀"
HEBREW = "מודל דירוג"
LRM = "\u200e"  # the left-to-right mark
DEEP = "نموذج عميق"


def _direction(text: str, rich: bool = False) -> Qt.LayoutDirection:
    document = QTextDocument()
    if rich:
        document.setHtml(text)
    else:
        document.setPlainText(text)
    return document.firstBlock().textDirection()


def _directions(html: str) -> list[tuple[str, Qt.LayoutDirection]]:
    document = QTextDocument()
    document.setHtml(html)
    block, found = document.firstBlock(), []
    while block.isValid():
        if block.text().strip():
            found.append((block.text(), block.textDirection()))
        block = block.next()
    return found


def test_a_right_to_left_file_name_leaves_the_title_left_to_right(windows, builder, tmp_path):
    builder.add("model", "Ranker")
    path = tmp_path / "نموذج.mlsd"
    save_design(builder.design, path)
    window = windows()
    window.files.open(str(path))
    title = window.windowTitle()
    assert title == f"{LRM}{FSI}نموذج.mlsd{PDI}[*] — MLSD Studio"
    assert _direction(title.replace("[*]", "")) == Qt.LayoutDirection.LeftToRight


def test_selected_names_keep_their_order_and_the_line_its_direction(windows):
    window = windows()
    doc = window.document
    ids = [
        doc.add_component("model", 0, 0, ARABIC),
        doc.add_component("model", 300, 0, HEBREW),
        doc.add_component("evaluation", 600, 0, "Evaluation"),
    ]
    window.canvas.select_components(ids)
    names = window.inspector.multi_page.names.text()
    assert names == f"{LRM}{FSI}{ARABIC}{PDI}, {FSI}{HEBREW}{PDI}, Evaluation"
    assert _direction(names) == Qt.LayoutDirection.LeftToRight


def test_a_findings_component_line_isolates_each_name(windows):
    window = windows()
    doc = window.document
    doc.add_component("model", 0, 0, ARABIC)
    window.checker.check_now()
    details = [item.data(0, DETAIL_ROLE) for item in window.findings.finding_items()]
    assert f"{FSI}{ARABIC}{PDI}" in details


def test_decision_detail_and_row_stay_left_to_right_with_right_to_left_names(windows, monkeypatch):
    window = windows()
    doc, panel = window.document, window.decisions
    a = doc.add_component("model", 0, 0, ARABIC)
    b = doc.add_component("model", 300, 0, HEBREW)
    options = [DecisionOption(name="LambdaMART", pros=["Fast"]), DecisionOption(name=DEEP, cons=["GPU"])]
    decision = Decision(
        id="d1", title="Ranker", options=options, chosen=DEEP, components=[a, b], date="2026-12-07"
    )
    decision_id = doc.add_decision(decision)
    panel.select(decision_id)
    blocks = _directions(panel.detail.text())
    chosen = next(direction for text, direction in blocks if "(chosen)" in text)
    concerns = next(direction for text, direction in blocks if text.startswith("Concerns:"))
    assert chosen == concerns == Qt.LayoutDirection.LeftToRight
    doc.accept_finding("R22", [a, b], "Batch only.")
    row = next(
        panel.tree.topLevelItem(i).text(0)
        for i in range(panel.tree.topLevelItemCount())
        if panel.tree.topLevelItem(i).text(0).startswith("Accept R22")
    )
    assert row == f"Accept R22: {FSI}{ARABIC}{PDI}, {FSI}{HEBREW}{PDI}"
