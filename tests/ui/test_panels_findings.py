"""Findings panel and coverage strip over live rule results."""

from __future__ import annotations

import dataclasses

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QTextLayout, QTextOption
from PySide6.QtWidgets import QLabel

from app.rules.model import Hit, RuleSpec
from app.ui import dialogs
from app.ui.document import DesignDocument
from app.ui.findings_panel import NO_BREAK_SPACE, FindingsPanel
from app.ui.findings_view import GROUP_ROLE
from app.ui.live_check import LiveChecker


def _models_without_notes(context):
    for component in context.design.components:
        if component.kind == "model" and not component.notes:
            yield Hit(f"{component.name} has no notes", components=(component.id,))


TEST_RULE = RuleSpec(
    id="T1",
    title="Model without notes",
    stage="model",
    severity="warning",
    rationale="Notes explain the choice.",
    suggestion="Write why this model was chosen.",
    sources=("Test source",),
    check=_models_without_notes,
)


@pytest.fixture
def doc(qtbot):
    return DesignDocument()


@pytest.fixture
def checker(doc):
    return LiveChecker(doc, debounce_ms=50)


@pytest.fixture
def panel(qtbot, doc, checker):
    widget = FindingsPanel(doc, checker)
    qtbot.addWidget(widget)
    widget.resize(380, 700)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


@pytest.fixture
def test_rule_only(doc):
    """The real engine, running one test rule (decisions and overrides apply as usual)."""
    doc.engine.rules = [TEST_RULE]
    return TEST_RULE


def test_missing_stage_finding_clears_when_the_stage_is_added(qtbot, doc, checker, panel):
    doc.add_component("data_source", 0, 0, "Events")
    result = checker.check_now()
    r4 = [f for f in result.findings if f.rule == "R4"]
    assert len(r4) == 5, [f.message for f in r4]  # every stage but data is missing
    shown = {item.data(0, Qt.ItemDataRole.DisplayRole) for item in panel.finding_items()}
    assert sum(text.startswith("R4 ") for text in shown) == 5
    assert panel.coverage.covered_stages() == ["data"]
    doc.add_component("model", 200, 0, "Ranker")
    qtbot.waitUntil(lambda: len([f for f in panel.result.findings if f.rule == "R4"]) == 4, timeout=2000)
    assert panel.coverage.covered_stages() == ["data", "model"]
    shown = {item.data(0, Qt.ItemDataRole.DisplayRole) for item in panel.finding_items()}
    assert sum(text.startswith("R4 ") for text in shown) == 4


def test_groups_by_severity_with_counts_and_can_group_by_stage(qtbot, doc, checker, panel, test_rule_only):
    doc.add_component("model", 0, 0, "Ranker")
    doc.add_component("model", 0, 0, "Retriever")
    checker.check_now()
    assert panel.group_titles() == ["Warnings"]
    group = panel.tree.topLevelItem(0)
    assert group.data(0, GROUP_ROLE)[2] == 2
    assert [f.message for f in panel.findings_in_group("severity:warning")] == [
        "Ranker has no notes",
        "Retriever has no notes",
    ]
    assert panel.summary.text().replace(NO_BREAK_SPACE, " ") == "0 errors · 2 warnings · 0 info · 0 accepted"
    panel.set_group_by("stage")
    assert panel.group_titles() == ["4. Model design"]
    assert "Ranker" in panel.finding_items()[0].toolTip(0)


def test_clicking_a_finding_emits_its_components(qtbot, doc, checker, panel, test_rule_only):
    cid = doc.add_component("model", 0, 0, "Ranker")
    checker.check_now()
    item = panel.finding_items()[0]
    rect = panel.tree.visualItemRect(item)
    with qtbot.waitSignal(panel.components_activated) as blocker:
        qtbot.mouseClick(panel.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert blocker.args == [[cid]]


def test_accept_records_an_undoable_decision_and_moves_the_finding(
    qtbot, doc, checker, panel, test_rule_only, monkeypatch
):
    cid = doc.add_component("model", 0, 0, "Ranker")
    checker.check_now()
    asked = []

    def rationale(parent, finding, rule):
        asked.append(finding.rule)
        return "Self-explanatory baseline"

    monkeypatch.setattr(dialogs, "ask_rationale", rationale)
    panel.tree.setCurrentItem(panel.finding_items()[0])
    assert panel.accept_button.isEnabled() and not panel.revoke_button.isEnabled()
    panel.accept_button.click()
    assert asked == ["T1"]
    assert [(d.rule, d.components, d.rationale) for d in doc.design.decisions] == [
        ("T1", [cid], "Self-explanatory baseline")
    ]
    qtbot.waitUntil(lambda: bool(panel.findings_in_group("accepted")), timeout=2000)
    assert panel.group_titles() == ["Accepted"]
    accepted = panel.findings_in_group("accepted")[0]
    assert accepted.rationale == "Self-explanatory baseline"
    assert "Accepted: Self-explanatory baseline" in panel.finding_items()[0].data(
        0, Qt.ItemDataRole.UserRole + 12
    )
    doc.undo_stack.undo()
    qtbot.waitUntil(lambda: panel.group_titles() == ["Warnings"], timeout=2000)
    doc.undo_stack.redo()
    qtbot.waitUntil(lambda: panel.group_titles() == ["Accepted"], timeout=2000)
    panel.tree.setCurrentItem(panel.finding_items()[0])
    assert panel.revoke_button.isEnabled()
    panel.revoke_button.click()
    assert doc.design.decisions == []
    qtbot.waitUntil(lambda: panel.group_titles() == ["Warnings"], timeout=2000)


def test_cancelled_rationale_records_nothing(doc, checker, panel, test_rule_only, monkeypatch):
    doc.add_component("model", 0, 0)
    checker.check_now()
    monkeypatch.setattr(dialogs, "ask_rationale", lambda *a: None)
    panel.tree.setCurrentItem(panel.finding_items()[0])
    panel.accept_selected()
    assert doc.design.decisions == []


def test_accept_dialog_needs_a_rationale(qtbot, doc, checker, test_rule_only):
    doc.add_component("model", 0, 0, "Ranker")
    finding = checker.check_now().findings[0]
    dialog = dialogs.AcceptDialog(finding, TEST_RULE)
    qtbot.addWidget(dialog)
    texts = " ".join(label.text() for label in dialog.findChildren(QLabel))
    for expected in (
        "T1 · Model without notes",
        "Ranker has no notes",
        "Write why this model was chosen",
        "Test source",
    ):
        assert expected in texts
    assert not dialog.ok_button.isEnabled()
    qtbot.keyClicks(dialog.rationale, "   ")
    assert not dialog.ok_button.isEnabled()
    qtbot.keyClicks(dialog.rationale, "Because")
    assert dialog.ok_button.isEnabled()
    assert dialog.text() == "Because"


def test_rule_override_from_the_context_menu(qtbot, doc, checker, panel, test_rule_only):
    doc.add_component("model", 0, 0)
    checker.check_now()
    menu = panel.build_context_menu(panel.finding_items()[0])
    sub = next(a.menu() for a in menu.actions() if a.menu() is not None)
    labels = [a.text() for a in sub.actions()]
    assert labels[0].startswith("Default (warning)") and sub.actions()[0].isChecked()
    next(a for a in sub.actions() if a.text() == "Error").trigger()
    assert doc.design.rule_overrides == {"T1": "error"}
    qtbot.waitUntil(lambda: panel.group_titles() == ["Errors"], timeout=2000)
    assert "warning → error" in panel.finding_items()[0].data(0, Qt.ItemDataRole.UserRole + 12)
    menu = panel.build_context_menu(panel.finding_items()[0])
    sub = next(a.menu() for a in menu.actions() if a.menu() is not None)
    next(a for a in sub.actions() if a.text().startswith("Off")).trigger()
    qtbot.waitUntil(lambda: panel.group_titles() == ["Switched off for this design"], timeout=2000)
    off_item = panel.tree.topLevelItem(0).child(0)
    menu = panel.build_context_menu(off_item)
    sub = next(a.menu() for a in menu.actions() if a.menu() is not None)
    sub.actions()[0].trigger()  # back to the default
    assert doc.design.rule_overrides == {}
    doc.undo_stack.undo()
    assert doc.design.rule_overrides == {"T1": "off"}


def test_coverage_strip_lights_covered_stages(qtbot, doc, checker, panel):
    a = doc.add_component("data_source", 0, 0, "Events")
    b = doc.add_component("endpoint", 0, 0, "API")
    checker.check_now()
    strip = panel.coverage
    assert strip.covered_stages() == ["data", "serving"]
    assert "Events" in strip.tooltip_for("data")
    assert "Missing" in strip.tooltip_for("model") and "Training job" in strip.tooltip_for("model")
    rects = dict(strip.pill_rects())
    assert len(rects) == 6
    with qtbot.waitSignal(strip.components_activated) as blocker:
        qtbot.mouseClick(strip, Qt.MouseButton.LeftButton, pos=rects["serving"].center().toPoint())
    assert blocker.args == [[b]]
    assert a in strip.coverage["data"].components
    image = strip.grab().toImage()

    def fill(stage: str) -> str:
        rect = rects[stage]
        return image.pixelColor(int(rect.left() + 12), int(rect.center().y() - 8)).name().upper()

    assert fill("serving") == doc.catalog.stage("serving").color.upper()
    assert fill("model") != doc.catalog.stage("model").color.upper()


def test_empty_design_shows_no_findings_state_when_rules_pass(qtbot, doc, checker, panel, test_rule_only):
    checker.check_now()
    assert panel.stack.currentWidget() is panel.empty


def test_accept_dialog_shows_markup_as_text(qtbot):
    from app.rules.model import Finding

    finding = Finding("T9", "warning", "model", "Title <i>x</i>", "Message with <b>tags</b> & more")
    dialog = dialogs.AcceptDialog(finding, None)
    qtbot.addWidget(dialog)
    texts = [label.text() for label in dialog.findChildren(QLabel)]
    assert "T9 · Title <i>x</i>" in texts
    assert any("Message with &lt;b&gt;tags&lt;/b&gt; &amp; more" in text for text in texts)


def _row_heights(panel: FindingsPanel) -> list[int]:
    tree = panel.tree
    return [tree.visualItemRect(item).height() for item in panel.finding_items()]


def _expected_height(panel: FindingsPanel, item) -> int:
    """A finding row's height worked out afresh from the view's font (see FindingDelegate)."""
    from PySide6.QtCore import QRect
    from PySide6.QtGui import QFont, QFontMetrics

    from app.ui.findings_view import FINDING_ROLE

    base = QFont(panel.tree.font())
    bold = QFont(base)
    bold.setBold(True)
    small = QFont(base)
    small.setPointSizeF(max(base.pointSizeF() * 0.88, 7.0))
    finding = item.data(0, FINDING_ROLE)
    tree = panel.tree
    width = max(tree.viewport().width() - tree.indentation() * 2 - 16 - 3 * 6, 80)
    metrics = QFontMetrics(base)
    wrapped = metrics.boundingRect(QRect(0, 0, width, 10_000), Qt.TextFlag.TextWordWrap, finding.message)
    message = min(wrapped.height(), metrics.lineSpacing() * 3)
    return QFontMetrics(bold).height() + 2 + message + 2 + QFontMetrics(small).height() + 2 * 6


def test_finding_rows_fit_their_text_and_follow_a_font_change(qtbot, doc, checker, panel, test_rule_only):
    doc.add_component("model", 0, 0, "Two-tower candidate retrieval with a nightly refreshed ANN index")
    checker.check_now()
    assert len(panel.finding_items()) == 1
    item = panel.finding_items()[0]
    assert _row_heights(panel) == [_expected_height(panel, item)]
    before = _row_heights(panel)[0]
    font = panel.tree.font()
    font.setPointSizeF(font.pointSizeF() * 1.6)
    panel.tree.setFont(font)  # the rows are measured with the new font's metrics, not kept ones
    panel.tree.doItemsLayout()
    assert _row_heights(panel)[0] == _expected_height(panel, item) > before


def test_a_long_finding_title_wraps_onto_a_second_line_rather_than_being_elided(qtbot, doc, checker, panel):
    """"R23  Unexplained model under an interpr…" was cut at the dock's width while the message
    under it wrapped: the title takes a second line, and its row the height of that line more."""
    from PySide6.QtGui import QFont, QFontMetrics

    title = "Unexplained model under an interpretability constraint"
    long_rule = dataclasses.replace(TEST_RULE, id="T2", title=title)
    doc.engine.rules = [TEST_RULE, long_rule]
    doc.add_component("model", 0, 0, "Ranker")
    checker.check_now()
    short, long = sorted(panel.finding_items(), key=lambda item: item.text(0))
    bold = QFont(panel.tree.font())
    bold.setBold(True)
    metrics = QFontMetrics(bold)
    assert metrics.horizontalAdvance("T2  " + long_rule.title) > panel.tree.viewport().width()  # it must wrap
    rect = panel.tree.visualItemRect
    assert rect(long).height() - rect(short).height() >= metrics.lineSpacing() - 1
    assert rect(short).height() == _expected_height(panel, short)


def test_finding_rows_forget_their_fonts_when_the_font_database_changes(qtbot, panel):
    from PySide6.QtGui import QGuiApplication

    delegate = panel.tree.itemDelegate()
    delegate._fonts(_option(panel))
    assert delegate._font_sets
    QGuiApplication.instance().fontDatabaseChanged.emit()
    assert not delegate._font_sets and not delegate._heights


def _option(panel: FindingsPanel):
    from PySide6.QtWidgets import QStyleOptionViewItem

    option = QStyleOptionViewItem()
    option.font = panel.tree.font()
    return option


def test_the_list_reached_with_tab_shows_its_current_row(qtbot, doc, checker, panel, test_rule_only):
    """The rows are painted by our delegate, which drew no focus: Tab into the list left no
    mark on screen of where the focus was, nor which row the arrow keys would move from."""
    doc.add_component("model", 0, 0, "Ranker")
    checker.check_now()
    tree = panel.tree
    item = panel.finding_items()[0]
    tree.setCurrentItem(item, 0, tree.selectionModel().SelectionFlag.NoUpdate)  # current, not selected
    rect = tree.visualItemRect(item)

    def row() -> object:
        tree.viewport().repaint()
        return tree.viewport().grab(rect).toImage()

    panel.activateWindow()
    panel.group_combo.setFocus()
    qtbot.waitUntil(panel.group_combo.hasFocus)
    unfocused = row()
    qtbot.keyClick(panel.group_combo, Qt.Key.Key_Tab)
    assert tree.hasFocus()
    assert row() != unfocused


def test_accept_dialog_has_no_gap_above_its_heading_or_its_sections(qtbot, doc, checker, test_rule_only):
    """The window opened taller than its labels at its width (their height was reckoned at a
    narrower one) and each label took a share, centring its text: a gap above the heading. Made
    taller by the user, the room goes to the rationale field, not to the labels."""
    doc.add_component("model", 0, 0, "Ranker")
    dialog = dialogs.AcceptDialog(checker.check_now().findings[0], TEST_RULE)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    labels = [label for label in dialog.findChildren(QLabel) if label.isVisible()]
    heading = next(label for label in labels if label.text().startswith("T1 · "))
    top = dialog.layout().contentsMargins().top()
    for size in (dialog.size(), dialog.size() + QSize(0, 200)):
        dialog.resize(size)
        dialog.layout().activate()
        assert heading.y() == top
        assert [lb.height() for lb in labels] == [lb.heightForWidth(lb.width()) for lb in labels]


def test_accept_dialog_takes_ctrl_enter_once_a_rationale_is_written(qtbot, doc, checker, test_rule_only):
    """Return starts a new line of the rationale; Ctrl+Enter accepts, but not while it is empty."""
    doc.add_component("model", 0, 0, "Ranker")
    dialog = dialogs.AcceptDialog(checker.check_now().findings[0], TEST_RULE)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClick(dialog.rationale, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert dialog.isVisible() and dialog.result() == 0
    qtbot.keyClicks(dialog.rationale, "Because")
    qtbot.keyClick(dialog.rationale, Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.text() == "Because"  # a new line, not accepted
    qtbot.keyClick(dialog.rationale, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert not dialog.isVisible() and dialog.result() == dialogs.QDialog.DialogCode.Accepted


def _wrapped_lines(label: QLabel, width: int) -> list[str]:
    """The lines a word-wrapped label breaks its text into at this width."""
    text = label.text()
    layout = QTextLayout(text, label.font())
    layout.setTextOption(QTextOption(Qt.AlignmentFlag.AlignLeft))
    option = layout.textOption()
    option.setWrapMode(QTextOption.WrapMode.WordWrap)
    layout.setTextOption(option)
    layout.beginLayout()
    lines = []
    while (line := layout.createLine()).isValid():
        line.setLineWidth(width)
        lines.append(text[line.textStart() : line.textStart() + line.textLength()].strip())
    layout.endLayout()
    return lines


def test_the_summary_wraps_between_its_counts_never_inside_one(qtbot, doc, checker, panel):
    """Seen on an empty design in a 1600x1000 window: "7 to do · 0 errors · 0 warnings · 0 info
    · 0" on one line and "accepted" alone on the next."""
    checker.check_now()
    assert panel.summary.text().replace(NO_BREAK_SPACE, " ").startswith("7 to do · 0 errors")
    parts = panel.summary.text().split(" · ")
    for width in range(120, 420, 7):
        for line in _wrapped_lines(panel.summary, width):
            pieces = [piece for piece in line.split("·") if piece.strip()]
            assert all(piece.strip() in parts for piece in pieces), (width, line)


def test_after_accept_or_revoke_the_keyboard_stays_on_the_findings_list(qtbot, windows, fake_dialogs):
    """Under X, Accept... then Ctrl+Enter in the rationale dialog left the keyboard focus on
    the dock's tab bar (the button pressed went disabled under it), and so did Revoke decision:
    the arrow keys then switched docks instead of moving through the findings."""
    from PySide6.QtWidgets import QApplication

    window = windows()
    window.document.add_component("model", 0, 0, "Ranker")
    panel = window.findings
    window.checker.check_now()
    qtbot.waitUntil(lambda: bool(panel.finding_items()), timeout=2000)
    panel.tree.setCurrentItem(panel.finding_items()[0])
    fake_dialogs.answer("ask_rationale", "A baseline comes next sprint")
    window.activateWindow()
    panel.accept_button.setFocus()
    qtbot.waitUntil(panel.accept_button.hasFocus)
    qtbot.keyClick(panel.accept_button, Qt.Key.Key_Space)
    assert window.document.design.decisions[-1].rationale == "A baseline comes next sprint"
    assert QApplication.focusWidget() is panel.tree
    qtbot.waitUntil(lambda: panel.revoke_button.isEnabled(), timeout=2000)
    panel.revoke_button.setFocus()
    qtbot.waitUntil(panel.revoke_button.hasFocus)
    qtbot.keyClick(panel.revoke_button, Qt.Key.Key_Space)
    assert not any(d.rationale == "A baseline comes next sprint" for d in window.document.design.decisions)
    assert QApplication.focusWidget() is panel.tree
