"""Interview mode by keyboard: Enter on the rubric closes it (it opened the PDF export's save
dialog); in the start dialog, arrowing onto "Your own problem…" keeps the keyboard in the list
(it jumped into the statement, where the next Down moved the caret and Enter typed a line
break), and Tab in the statement goes on to the buttons (it typed a tab, so Start could not be
reached). Seen on X; the child-process test runs this file there again."""

from __future__ import annotations

import warnings

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from app.rules.rubric import DimensionScore, Rubric
from app.ui import dialogs
from app.ui.interview.rubric_dialog import open_rubric_dialog
from app.ui.interview.start_dialog import StartInterviewDialog
from app.ui.window_placement import FRAME_ROOM
from tests.ui.on_x11 import pytest_on_x11, x11_child


def _shown_with_focus(qtbot, dialog: QWidget, widget: QWidget | None = None) -> QWidget:
    dialog.show()
    qtbot.waitExposed(dialog)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        QApplication.setActiveWindow(dialog)
    if widget is not None:
        widget.setFocus(Qt.FocusReason.TabFocusReason)
        qtbot.waitUntil(widget.hasFocus)
    qtbot.waitUntil(lambda: dialog.focusWidget() is not None)
    return dialog.focusWidget()


def _rubric() -> Rubric:
    dimension = DimensionScore("Problem translation", 2, ["+1 the problem is framed as an ML task"])
    return Rubric([dimension], ["Which KPI will show it worked?"])


def test_enter_on_the_rubric_closes_it_and_exports_nothing(qtbot):
    dialog = open_rubric_dialog(None, _rubric(), [("Problem", "Fraud")])
    qtbot.addWidget(dialog)
    exports: list[bool] = []
    dialog.export_requested.connect(lambda: exports.append(True))
    focused = _shown_with_focus(qtbot, dialog)
    assert focused is dialog.scroll  # the scores, which the arrows scroll
    qtbot.keyClick(focused, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert exports == []


def test_the_rubric_still_exports_on_its_button(qtbot):
    dialog = open_rubric_dialog(None, _rubric())
    qtbot.addWidget(dialog)
    exports: list[bool] = []
    dialog.export_requested.connect(lambda: exports.append(True))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert exports == [True]


def test_a_long_rubric_fits_its_screen_with_its_title_bar(qtbot):
    """Capped at 900 px, a long rubric (15 questions) was taller than a 1440 x 900 screen's
    room under a desktop's panel: its buttons went below the screen."""
    question = "why this and not that, at which scale and cost? " * 3
    questions = [f"Question {n}: {question}" for n in range(15)]
    rubric = Rubric(_rubric().dimensions * 3, questions)
    dialog = open_rubric_dialog(None, rubric, [("Problem", "Fraud")])
    qtbot.addWidget(dialog)
    room = dialog.screen().availableGeometry().height()
    assert 360 <= dialog.height() <= room - FRAME_ROOM[1]


def test_arrowing_onto_your_own_problem_keeps_the_keyboard_in_the_list(qtbot):
    dialog = StartInterviewDialog()
    qtbot.addWidget(dialog)
    focused = _shown_with_focus(qtbot, dialog, dialog.list)
    assert dialog.list.currentRow() == 1
    qtbot.keyClick(focused, Qt.Key.Key_Up)
    assert dialog.list.currentRow() == 0 and dialog.chosen_template() is None
    assert dialog.list.hasFocus()
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Down)  # on to a template again
    assert dialog.list.currentRow() == 1 and dialog.chosen_template() is not None
    assert dialog.problem_edit.toPlainText() == dialog.chosen_template().problem


def test_clicking_or_activating_your_own_problem_goes_to_the_statement(qtbot):
    dialog = StartInterviewDialog()
    qtbot.addWidget(dialog)
    focused = _shown_with_focus(qtbot, dialog, dialog.list)
    qtbot.keyClick(focused, Qt.Key.Key_Up)
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(dialog.problem_edit.hasFocus)
    assert dialog.isVisible() and dialog.problem_edit.toPlainText() == ""
    _shown_with_focus(qtbot, dialog, dialog.list)
    dialog.list.setCurrentRow(2)
    own = dialog.list.visualItemRect(dialog.list.item(0)).center()
    qtbot.mouseClick(dialog.list.viewport(), Qt.MouseButton.LeftButton, pos=own)
    qtbot.waitUntil(dialog.problem_edit.hasFocus)


def test_tab_leaves_the_problem_statement_for_the_buttons(qtbot):
    """Tab in the statement typed a tab character: a keyboard user could not reach Start."""
    dialog = StartInterviewDialog()
    qtbot.addWidget(dialog)
    problem = dialog.problem_edit.toPlainText()
    focused = _shown_with_focus(qtbot, dialog, dialog.problem_edit)
    qtbot.keyClick(focused, Qt.Key.Key_Tab)
    assert dialog.problem_edit.toPlainText() == problem
    assert dialog.focusWidget() is dialog.start_button
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Return)
    assert dialog.result() == dialog.DialogCode.Accepted and dialog.setup().problem == problem.strip()


@pytest.mark.parametrize("keys", [["Escape"], ["Return"], ["Tab", "Space"]])
def test_finishing_an_interview_by_keyboard_asks_and_only_finish_ends_it(qtbot, keys):
    """Finish ended the interview at once and for good, next to Score now: its question keeps
    going on Enter and Esc; only Finish (Tab to it, Space) ends the interview."""
    box, finish = dialogs.finish_interview_box(None)
    qtbot.addWidget(box)
    assert (box.text(), box.informativeText()) == (
        "Finish the interview?",
        "The timer stops and the rubric is final.",
    )
    keep = box.defaultButton()
    assert keep is not None and keep.text() == "&Keep going" and box.escapeButton() is keep
    focused = _shown_with_focus(qtbot, box)
    for key in keys:
        qtbot.keyClick(focused, getattr(Qt.Key, f"Key_{key}"))
        focused = QApplication.focusWidget() or focused
    qtbot.waitUntil(lambda: not box.isVisible())
    assert box.clickedButton() is (finish if keys == ["Tab", "Space"] else keep)


@x11_child
def test_interview_keys_on_x11(tmp_path):
    done = pytest_on_x11(tmp_path, "tests/ui/test_interview_keys.py")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "9 passed" in done.stdout
