"""Decision records in the window: document edits, the Decisions dock, the editor, the card menu,
the inspector's list of a component's decisions, and the design's goals/non-goals/assumptions."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QStyleOptionViewItem, QTableWidgetItem, QWidget

from app.domain.decision_ops import DecisionError
from app.domain.errors import DesignError
from app.domain.model import Decision, DecisionOption
from app.persistence import design_to_bytes, load_design, save_design
from app.ui import decision_dialog
from app.ui.decision_dialog import DecisionDialog
from app.ui.document import DesignDocument
from tests.ui.canvas_support import at


def _choice(id_: str = "", **fields) -> Decision:
    values = {
        "title": "Candidate retrieval",
        "options": [
            DecisionOption(name="Two-tower", pros=["Millions of items"], cons=["An ANN index to run"]),
            DecisionOption(name="Matrix factorisation", pros=["Simple"], cons=["No cold start"]),
        ],
        "chosen": "Two-tower",
        "consequences": "The index is rebuilt nightly.",
        "date": "2026-12-06",
    }
    values.update(fields)
    return Decision(id=id_ or "dz", **values)


def _doc_with_two(builder) -> tuple[DesignDocument, str, str]:
    a = builder.add("model", "Retriever")
    b = builder.add("endpoint", "Feed API")
    return DesignDocument(builder.design), a, b


def test_each_decision_edit_is_one_undo_step_and_refused_edits_push_nothing(qapp, builder):
    doc, a, _b = _doc_with_two(builder)
    original = design_to_bytes(doc.design)
    first = doc.add_decision(_choice(components=[a]).model_copy(update={"id": ""}))  # gets a fresh id
    assert first == "d1" and doc.undo_stack.count() == 1
    assert doc.undo_stack.undoText() == "Record decision: Candidate retrieval"
    for bad in (_choice("d2", title=""), _choice("d2", chosen="Bandit"), _choice("d1")):
        with pytest.raises(DesignError):
            doc.add_decision(bad)
    with pytest.raises(DecisionError):
        doc.update_decision(_choice("d1", chosen="Nope"))
    with pytest.raises(DecisionError):
        doc.supersede_decision("d1", _choice("d2", title=" "))
    with pytest.raises(TypeError):
        doc.set_meta_list("goals", ["fine", 3])
    assert doc.undo_stack.count() == 1
    doc.update_decision(_choice("d1", components=[a], status="proposed"))
    doc.update_decision(_choice("d1", components=[a], status="proposed"))  # no change: no step
    assert doc.undo_stack.count() == 2 and doc.design.decisions[0].status == "proposed"
    successor = _choice(title="Retrieval from the ANN index", components=[a]).model_copy(update={"id": ""})
    new = doc.supersede_decision("d1", successor)
    assert doc.undo_stack.count() == 3 and new == "d2"
    assert [(d.id, d.status, d.supersedes) for d in doc.design.decisions] == [
        ("d1", "superseded", ""),
        ("d2", "accepted", "d1"),
    ]
    with pytest.raises(DecisionError, match="superseded by"):
        doc.remove_decision("d1")
    assert doc.undo_stack.count() == 3
    doc.set_meta_list("goals", ["p99 under 200 ms", "Recall@500 above 0.6"])
    assert doc.design.meta.goals == ["p99 under 200 ms", "Recall@500 above 0.6"]
    assert doc.undo_stack.count() == 4
    doc.undo_stack.undo()
    doc.undo_stack.undo()  # the supersede comes back as one step: d2 gone, d1 proposed again
    assert [(d.id, d.status) for d in doc.design.decisions] == [("d1", "proposed")]
    while doc.undo_stack.canUndo():
        doc.undo_stack.undo()
    assert design_to_bytes(doc.design) == original


def test_refused_edit_leaves_the_window_unmodified(qtbot, windows):
    window = windows()
    with pytest.raises(DesignError):
        window.document.add_decision(_choice("d1", title=""))
    assert not window.document.is_modified() and not window.isWindowModified()


def _answer(monkeypatch, *answers):
    """Replace the editor: each call records what it was shown and returns the next answer."""
    shown: list[tuple[Decision, str]] = []
    queue = list(answers)

    def fake(parent, design, decision, heading="Decision"):
        shown.append((decision.model_copy(deep=True), heading))
        answer = queue.pop(0)
        return answer(decision) if callable(answer) else answer

    monkeypatch.setattr(decision_dialog, "ask_decision", fake)
    return shown


def _rows(panel) -> list[tuple[str, str]]:
    tree = panel.tree
    return [
        (tree.topLevelItem(i).text(0), tree.topLevelItem(i).text(1)) for i in range(tree.topLevelItemCount())
    ]


def test_the_detail_says_what_a_decision_lacks_to_weigh_alternatives(qtbot, windows, monkeypatch):
    """Two option names with no pro or con, and no consequences: the detail says so (the
    summary does not count the decision as weighing alternatives), and stops once they are in."""
    window = windows()
    doc, panel = window.document, window.decisions
    bare = [DecisionOption(name="Two-tower", pros=["Millions of items"]), DecisionOption(name="MF & <b>")]
    _answer(monkeypatch, lambda draft: _choice(draft.id, options=bare, consequences=""))
    panel.add_button.click()
    detail = panel.detail.text()
    assert "1 design decision (0 weighing alternatives)" in panel.summary.text()
    assert 'Listed, not weighed: no pro or con is recorded for &quot;MF &amp; &lt;b&gt;&quot;.' in detail
    assert "No consequences written yet." in detail
    argued = [bare[0], DecisionOption(name="MF & <b>", cons=["No cold start"])]
    doc.update_decision(_choice("d1", options=argued))
    detail = panel.detail.text()
    assert "1 design decision (1 weighing alternatives)" in panel.summary.text()
    assert "Listed, not weighed" not in detail and "No consequences written yet." not in detail


def test_decisions_panel_adds_edits_supersedes_and_deletes(qtbot, windows, monkeypatch):
    window = windows()
    doc, panel = window.document, window.decisions
    a = doc.add_component("model", 0, 0, "Retriever")
    start = doc.undo_stack.count()
    assert "No decisions yet" in panel.summary.text()
    shown = _answer(
        monkeypatch,
        lambda draft: _choice(draft.id, components=[a]),
        lambda current: current.model_copy(update={"chosen": "Matrix factorisation"}),
        lambda draft: _choice(draft.id, title="Retrieval v2", supersedes=draft.supersedes),
        None,  # the user cancels
    )
    panel.add_button.click()
    assert doc.undo_stack.count() == start + 1
    assert _rows(panel) == [("Design decisions (1)", ""), ("Candidate retrieval", "accepted")]
    assert "1 design decision (1 weighing alternatives)" in panel.summary.text()
    assert panel.selected_id() == "d1"
    detail = panel.detail.text()
    assert "✓ Two-tower" in detail and "An ANN index to run" in detail and "Retriever" in detail
    assert panel.edit_button.isEnabled() and panel.supersede_button.isEnabled()
    panel.edit_button.click()
    assert shown[1][0].id == "d1" and doc.design.decisions[0].chosen == "Matrix factorisation"
    panel.supersede_button.click()
    draft, heading = shown[2]
    assert heading.startswith("Supersede") and draft.supersedes == "d1" and draft.id == "d2"
    assert [(d.id, d.status) for d in doc.design.decisions] == [("d1", "superseded"), ("d2", "accepted")]
    assert _rows(panel)[1:] == [("Candidate retrieval", "superseded"), ("Retrieval v2", "accepted")]
    assert doc.undo_stack.count() == start + 3
    panel.select("d2")  # the record it replaces is named by its title, not only by "d1"
    assert "<b>Supersedes:</b> Candidate retrieval (d1)" in panel.detail.text()
    assert "Supersedes Candidate retrieval (d1)" in panel.tree.topLevelItem(2).toolTip(0)
    panel.select("d1")
    panel.delete_button.click()  # refused: d2 supersedes it; the status bar says why
    assert len(doc.design.decisions) == 2 and doc.undo_stack.count() == start + 3
    assert "superseded by" in window.statusBar().currentMessage()
    panel.select("d2")
    window.activateWindow()
    panel.delete_button.setFocus()
    qtbot.waitUntil(panel.delete_button.hasFocus)
    qtbot.keyClick(panel.delete_button, Qt.Key.Key_Space)
    assert [d.id for d in doc.design.decisions] == ["d1"] and doc.undo_stack.count() == start + 4
    # Under X the deletion said nothing and left the keyboard outside the panel (on the canvas)
    assert window.statusBar().currentMessage() == "Deleted decision: Retrieval v2 (Undo to restore)"
    assert panel.tree.hasFocus()
    panel.add_button.click()  # cancelled: nothing recorded
    assert doc.undo_stack.count() == start + 4
    doc.undo_stack.undo()
    assert _rows(panel)[-1] == ("Retrieval v2", "accepted")


def test_acceptances_are_listed_apart_with_their_status(qtbot, windows):
    window = windows()
    doc = window.document
    a = doc.add_component("model", 0, 0, "Ranker")
    doc.accept_finding("R22", [a], "Batch scores only.")
    doc.add_decision(_choice("d9", status="rejected"))
    assert _rows(window.decisions) == [
        ("Design decisions (1)", ""),
        ("Candidate retrieval", "rejected"),
        ("Accepted findings (1)", ""),
        ("Accept R22: Ranker", "accepted"),
    ]


def test_a_new_decision_asks_for_its_title_as_a_hint_and_shows_mistakes_in_red(qtbot, builder):
    """Seen under X: Decisions > Add... opened on a red "Give the decision a title" before
    anything was typed; a field still to fill in is a muted hint, a mistake (two options with
    one name) stays red."""
    a = builder.add("model", "Retriever")
    dialog = DecisionDialog(builder.design, Decision(id="d1", components=[a], date="2026-12-06"))
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled() and "Give the decision a title" in dialog.problem.text()
    hint = "color: palette(placeholder-text);"  # the muted labels' colour
    assert dialog.problem.styleSheet() == hint
    dialog.title.setText("Serving mode")
    dialog.add_option.click()
    dialog.add_option.click()
    dialog.options.setItem(1, 0, QTableWidgetItem(dialog.options.item(0, 0).text()))
    assert not ok.isEnabled() and "appears twice" in dialog.problem.text()
    assert dialog.problem.styleSheet() not in ("", hint)
    assert "#C62828" in dialog.problem.styleSheet() or "#EF5350" in dialog.problem.styleSheet()


def test_ctrl_enter_records_the_decision_from_any_field_once_it_has_a_title(qtbot, builder):
    """Under X, Ctrl+Enter (which the Accept dialog takes, and says so) did nothing in the
    decision editor: from the title or a text box the user had to reach for the mouse."""
    a = builder.add("model", "Retriever")
    for field in ("title", "context", "consequences"):
        dialog = DecisionDialog(builder.design, Decision(id="d1", components=[a], date="2026-12-06"))
        qtbot.addWidget(dialog)
        widget = getattr(dialog, field)
        qtbot.keyClick(widget, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        assert dialog.result() == 0  # no title yet: nothing recorded
        dialog.title.setText("Serving mode")
        qtbot.keyClick(widget, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        assert dialog.result() == DecisionDialog.DialogCode.Accepted, field
    # A key event's modifiers stay the application's until the next key press: Ctrl, still
    # "held", made the next test's table selection toggle instead of select.
    neutral = QWidget()
    qtbot.addWidget(neutral)
    plain_key = QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_A, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(neutral, plain_key)
    assert QApplication.keyboardModifiers() == Qt.KeyboardModifier.NoModifier


def test_editor_builds_the_record_from_its_table_and_refuses_bad_ones(qtbot, builder):
    a = builder.add("model", "Retriever")
    b = builder.add("endpoint", "Feed API")
    builder.design.decisions.append(_choice("d1", components=[a]))
    dialog = DecisionDialog(builder.design, Decision(id="d2", components=[b], date="2026-12-06"))
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled() and "Give the decision a title" in dialog.problem.text()
    dialog.title.setText("Serving mode")
    assert ok.isEnabled()
    dialog.add_option.click()
    dialog.add_option.click()
    table = dialog.options
    rows = (
        ("Batch precompute", "Cheap\n\n Easy to cache ", "Stale for new users"),
        ("Online scoring", "Fresh context", "p99 budget\nGPU cost"),
    )
    for row, texts in enumerate(rows):
        for column, text in enumerate(texts):
            table.setItem(row, column, QTableWidgetItem(text))
    assert dialog._delegate.displayText("Cheap\nEasy to cache", None) == "• Cheap\u2028• Easy to cache"
    index = table.model().index(1, 2)  # a cons cell edits in a text box, one item per line
    editor = dialog._delegate.createEditor(table.viewport(), QStyleOptionViewItem(), index)
    dialog._delegate.setEditorData(editor, index)
    assert editor.toPlainText() == "p99 budget\nGPU cost"
    editor.setPlainText("p99 budget\n\n  GPU cost  \nOn-call")
    dialog._delegate.setModelData(editor, table.model(), index)
    assert table.item(1, 2).text() == "p99 budget\nGPU cost\nOn-call"
    table.setItem(1, 2, QTableWidgetItem("p99 budget\nGPU cost"))
    names = [dialog.chosen.itemText(i) for i in range(dialog.chosen.count())]
    assert names == ["(not chosen yet)", "Batch precompute", "Online scoring"]
    dialog.chosen.setCurrentIndex(2)
    dialog.consequences.setPlainText("A GPU pool behind the Feed API.")
    dialog.supersedes.setCurrentIndex(dialog.supersedes.findData("d1"))
    checked = [
        dialog.components.item(i).data(Qt.ItemDataRole.UserRole)
        for i in range(dialog.components.count())
        if dialog.components.item(i).checkState() == Qt.CheckState.Checked
    ]
    assert checked == [b]  # pre-filled, and listed first
    decision = dialog.decision()
    assert decision.id == "d2" and decision.title == "Serving mode" and decision.chosen == "Online scoring"
    assert decision.options[0].pros == ["Cheap", "Easy to cache"]
    assert decision.options[1].cons == ["p99 budget", "GPU cost"]
    assert decision.supersedes == "d1" and decision.components == [b] and decision.weighs_alternatives
    assert ok.isEnabled()
    table.setItem(1, 0, QTableWidgetItem("Batch precompute"))  # two options with one name
    assert not ok.isEnabled() and "appears twice" in dialog.problem.text()
    table.selectRow(1)
    dialog.remove_option.click()
    assert table.rowCount() == 1 and ok.isEnabled()
    assert dialog.chosen.currentData() == ""  # the chosen option is gone


def test_card_menu_records_a_decision_about_the_selection(qtbot, windows, monkeypatch):
    window = windows()
    doc, view = window.document, window.canvas
    a = doc.add_component("model", 0, 0, "Ranker")
    b = doc.add_component("endpoint", 400, 0, "Feed API")
    view.reset_zoom()
    view.centerOn(300, 45)
    view.select_components([a, b])
    shown = _answer(monkeypatch, lambda draft: _choice(draft.id, components=draft.components))
    menu = view.context_menu_at(at(view, 100, 45))
    record = next(action for action in menu.actions() if action.objectName() == "record_decision_action")
    assert record.text() == "Record a decision…"
    record.trigger()
    assert sorted(shown[0][0].components) == sorted([a, b]) and shown[0][0].status == "proposed"
    assert doc.design.decisions[0].components == shown[0][0].components
    assert window.decisions_dock.isVisible()


def test_inspector_lists_the_decisions_of_a_component_and_opens_one(qtbot, windows, monkeypatch):
    window = windows()
    doc, view = window.document, window.canvas
    a = doc.add_component("model", 0, 0, "Ranker <b>")
    b = doc.add_component("endpoint", 400, 0, "Feed API")
    doc.add_decision(_choice("d1", title="Ranker <i>family</i>", components=[a]))
    doc.accept_finding("R22", [a, b], "Fine.")
    view.select_components([a])
    box = window.inspector.component_page.decisions_box
    text = box.body.text()
    assert "Ranker &lt;i&gt;family&lt;/i&gt;" in text and "Accept R22" in text and "chose Two-tower" in text
    shown = _answer(monkeypatch, lambda current: current.model_copy(update={"status": "rejected"}))
    box.body.linkActivated.emit("d1")
    assert shown[0][0].id == "d1" and doc.design.decisions[0].status == "rejected"
    view.select_components([b])
    assert "Ranker" not in box.body.text() and "Accept R22" in box.body.text()
    doc.remove_decision("d2")
    assert "None yet" in box.body.text()


def test_goals_non_goals_and_assumptions_edit_with_the_meta(qtbot, windows, tmp_path):
    window = windows()
    doc = window.document
    window.canvas.select_components([])
    page = window.inspector.meta_page
    goals = page.lists.edits["goals"]
    goals.setPlainText("p99 under 200 ms\n\n  Watch time per DAU up 2%  \n")
    goals.commit_pending()
    assert doc.design.meta.goals == ["p99 under 200 ms", "Watch time per DAU up 2%"]
    assert doc.undo_stack.count() == 1 and doc.undo_stack.undoText() == "Edit goals"
    page.lists.edits["non_goals"].setPlainText("Choosing offers")
    page.lists.edits["non_goals"].commit_pending()
    page.lists.edits["assumptions"].setPlainText("Consent for 70% of users")
    page.lists.edits["assumptions"].commit_pending()
    path = tmp_path / "lists.mlsd"
    save_design(doc.design, path)
    meta = json.loads(path.read_text(encoding="utf-8"))["meta"]
    assert meta["non_goals"] == ["Choosing offers"] and meta["assumptions"] == ["Consent for 70% of users"]
    assert load_design(path).design.meta.goals == doc.design.meta.goals
    doc.undo_stack.undo()
    doc.undo_stack.undo()
    doc.undo_stack.undo()
    assert doc.design.meta.goals == [] and goals.toPlainText() == ""


def test_editor_keeps_the_choice_when_the_chosen_option_is_renamed(qtbot, builder):
    builder.design.decisions.append(_choice("d1"))
    builder.design.decisions.append(_choice("d2", title="Ranking", supersedes="d1"))
    dialog = DecisionDialog(builder.design, builder.design.decisions[0])
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    dialog.options.item(0, 0).setText("Two-tower with ANN")  # the chosen option, renamed
    assert dialog.chosen.currentData() == "Two-tower with ANN"
    assert dialog.decision().chosen == "Two-tower with ANN" and ok.isEnabled()
    dialog.options.item(1, 0).setText("MF")  # another option renamed: the choice stays
    assert dialog.decision().chosen == "Two-tower with ANN"
    dialog.options.selectRow(0)
    dialog.remove_option.click()  # the chosen option removed: no choice
    assert dialog.decision().chosen == "" and dialog.decision().options[0].name == "MF"
    dialog.supersedes.setCurrentIndex(dialog.supersedes.findData("d2"))  # d2 supersedes d1 already
    assert not ok.isEnabled() and "circle" in dialog.problem.text()


def test_editor_keeps_its_fields_in_place_when_the_title_message_clears(qtbot, builder):
    """Typing the first letter of a title clears "Give the decision a title": the buttons under
    the pointer (Add option) must not move, or the click aimed at them lands on the table."""
    builder.add("model", "Retriever")
    dialog = DecisionDialog(builder.design, Decision(id="d1", date="2026-12-07"))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert "Give the decision a title" in dialog.problem.text()
    before = dialog.add_option.mapTo(dialog, dialog.add_option.rect().topLeft())
    dialog.title.setText("R")
    dialog.layout().activate()
    assert dialog.problem.text() == ""
    assert dialog.add_option.mapTo(dialog, dialog.add_option.rect().topLeft()) == before
    dialog.title.setText("")
    dialog.layout().activate()
    assert dialog.add_option.mapTo(dialog, dialog.add_option.rect().topLeft()) == before


def test_delete_in_the_list_deletes_the_selected_decision_and_selects_the_next(windows, qtbot):
    """Delete in the Decisions list did nothing (the window's Delete is the canvas's); after a
    deletion nothing was selected, so the keyboard had to find its place again."""
    from PySide6.QtCore import Qt

    from app.domain.model import Decision

    window = windows()
    doc, panel = window.document, window.decisions
    for n, title in enumerate(("Retrieval", "Ranking", "Serving"), start=1):
        doc.add_decision(Decision(id=f"d{n}", title=title, status="proposed"))
    window.decisions_dock.raise_()
    window.activateWindow()
    panel.select("d2")
    panel.tree.setFocus()
    qtbot.waitUntil(panel.tree.hasFocus)
    qtbot.keyClick(panel.tree, Qt.Key.Key_Delete)
    assert [d.id for d in doc.design.decisions] == ["d1", "d3"]
    assert panel.selected_id() == "d3" and panel.tree.hasFocus()
    qtbot.keyClick(panel.tree, Qt.Key.Key_Backspace)  # the last one: the one before it next
    assert [d.id for d in doc.design.decisions] == ["d1"] and panel.selected_id() == "d1"
    doc.undo_stack.undo()
    assert panel.selected_id() == "d3"


@pytest.mark.parametrize("button", ["edit_button", "supersede_button"])
def test_the_keyboard_stays_on_the_button_after_its_editor_closes(windows, qtbot, monkeypatch, button):
    """Edit… and Supersede… pressed from the keyboard: after OK the keyboard was on the canvas,
    out of the Decisions panel (the list's refresh disabled the focused button for a moment)."""
    from tests.ui.test_compare import activate

    window = windows()
    doc, panel = window.document, window.decisions
    doc.add_decision(_choice("d1"))
    window.decisions_dock.raise_()
    activate(window)
    panel.select("d1")
    pressed = getattr(panel, button)
    pressed.setFocus()
    qtbot.waitUntil(pressed.hasFocus)
    changes = {"title": "Retrieval, revised"} | ({"id": "d2"} if button == "supersede_button" else {})
    _answer(monkeypatch, lambda decision: decision.model_copy(update=changes))
    qtbot.keyClick(pressed, Qt.Key.Key_Space)
    assert any(d.title == "Retrieval, revised" for d in doc.design.decisions)
    assert QApplication.focusWidget() is pressed and pressed.isEnabled()
