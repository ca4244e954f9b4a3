"""Feedback, never silence: every refused action says why (status bar or next to the field),
and a link released on empty canvas offers the kinds to create there, already linked."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QVBoxLayout, QWidget

from app.domain.model import Design
from app.ui.canvas.link_menu import kinds_for_link
from app.ui.canvas.style import CARD_H, CARD_W, HANDLE_POINTS
from app.ui.inspector.number_editor import NumberEditor
from app.ui.interview.start_dialog import MIN_MINUTES, StartInterviewDialog
from app.ui.range_feedback import FeedbackSpinBox, out_of_range_message
from tests.ui.canvas_support import at, drag, make_view, snapshot, two_cards


def _handle(view, component_id: str, index: int) -> QPoint:
    pos = view.design_scene.component_item(component_id).pos()
    hx, hy = HANDLE_POINTS[index]
    return at(view, pos.x() + hx, pos.y() + hy)


def _centre(view, component_id: str) -> QPoint:
    pos = view.design_scene.component_item(component_id).pos()
    return at(view, pos.x() + CARD_W / 2, pos.y() + CARD_H / 2 + 10)


def _type(qtbot, spin, text: str) -> None:
    spin.setFocus()
    spin.selectAll()
    qtbot.keyClicks(spin, text)


# ---- refused links say why in the status bar ---------------------------------------------


def test_a_refused_link_is_explained_in_the_windows_status_bar(windows):
    window = windows()
    window.load_design(Design(), None)
    view = window.canvas
    a, b = two_cards(window.document)
    window.document.connect(a, b)
    view.centerOn(400, 200)
    before = snapshot(window.document)
    drag(view, _handle(view, a, 1), _centre(view, b))
    assert "Cannot connect" in window.statusBar().currentMessage()
    assert "already links" in window.statusBar().currentMessage()
    drag(view, _handle(view, a, 2), _centre(view, a) + QPoint(30, 0))
    assert "cannot link to itself" in window.statusBar().currentMessage()
    assert snapshot(window.document) == before


# ---- a link dropped on empty canvas -----------------------------------------------------------


def test_the_menu_offers_the_kinds_the_source_usually_feeds_first_then_every_kind_by_stage(qtbot):
    doc, _view = make_view(qtbot)
    typical, groups = kinds_for_link(doc.catalog, "model")
    assert [k.id for k in typical][:2] == ["model_registry", "endpoint"]
    offered = [k.id for k in typical] + [k.id for _label, kinds in groups for k in kinds]
    assert sorted(offered) == sorted(doc.catalog.kinds)  # every kind, each once
    assert [label for label, _ in groups][0] == doc.catalog.stages[0].label


def test_dropping_a_link_on_empty_canvas_offers_a_menu_and_creates_the_card_already_linked(qtbot):
    doc, view = make_view(qtbot)
    a, _b = two_cards(doc)
    messages: list[str] = []
    view.message.connect(messages.append)
    drag(view, _handle(view, a, 1), at(view, 350, 420))
    menu = view.link_menu
    assert menu is not None and menu.isVisible()
    assert doc.design.links == []  # nothing is created until a kind is picked
    titles = [action.text() for action in menu.actions()]
    assert titles[0] == "New card linked from Events"
    stage_menus = [action.menu() for action in menu.actions() if action.menu() is not None]
    assert len(stage_menus) == len(doc.catalog.stages)
    dataset = next(
        act for sub in stage_menus for act in sub.actions() if act.data() == "dataset"
    )
    dataset.trigger()
    menu.close()
    new = [c for c in doc.design.components if c.kind == "dataset"]
    assert len(new) == 1
    [link] = doc.design.links
    assert (link.source, link.target) == (a, new[0].id)
    centre = (new[0].position.x + CARD_W / 2, new[0].position.y + CARD_H / 2)
    assert abs(centre[0] - 350) <= 1 and abs(centre[1] - 420) <= 1  # at the drop point
    assert view.selected_component_ids() == [new[0].id]
    assert "linked from Events" in messages[-1]
    assert doc.undo_stack.count() == 1  # card and link are one step
    doc.undo_stack.undo()
    assert [c.kind for c in doc.design.components] == ["data_source", "feature_pipeline"]
    assert doc.design.links == []


def test_the_new_linked_card_takes_the_catalogs_flow(qtbot):
    doc, view = make_view(qtbot)
    model = doc.add_component("model", 100, 100, "Ranker")
    drag(view, _handle(view, model, 1), at(view, 450, 420))
    registry = next(act for act in view.link_menu.actions() if act.data() == "model_registry")
    registry.trigger()
    [link] = doc.design.links
    assert link.flow == doc.catalog.default_flow("model", "model_registry") == "artifact"


def test_a_pick_whose_source_was_deleted_meanwhile_is_refused_with_a_message(qtbot):
    doc, view = make_view(qtbot)
    a, _b = two_cards(doc)
    messages: list[str] = []
    view.message.connect(messages.append)
    drag(view, _handle(view, a, 1), at(view, 350, 420))
    doc.remove_items([a])
    before = snapshot(doc)
    dataset = next(
        act for action in view.link_menu.actions() if action.menu() is not None
        for act in action.menu().actions() if act.data() == "dataset"
    )
    dataset.trigger()
    assert snapshot(doc) == before
    assert messages[-1].startswith("Cannot add the linked card:") and a in messages[-1]


# ---- numbers out of range --------------------------------------------------------------------


def test_the_message_names_the_typed_value_the_bound_and_what_was_kept():
    assert out_of_range_message(1, 5, 180, " min", 5) == "1 min is below the minimum of 5 min: set to 5 min."
    assert out_of_range_message(0.5, 0, 0.25, "", 0.25) == (
        "0.5 is above the maximum of 0.25: set to 0.25."
    )
    # the app's own number format, as the inspector and the estimates write numbers
    assert out_of_range_message(2e12, 0, 1e12, " rows", 1e12) == (
        "2,000,000,000,000 rows is above the maximum of 1,000,000,000,000 rows: "
        "set to 1,000,000,000,000 rows."
    )


def test_a_spin_box_says_why_a_number_below_the_minimum_was_not_taken(qtbot):
    holder = QWidget()
    layout = QVBoxLayout(holder)
    spin = FeedbackSpinBox()
    spin.setRange(5, 180)
    spin.setValue(45)
    spin.setSuffix(" min")
    other = QLineEdit()
    layout.addWidget(spin)
    layout.addWidget(other)
    qtbot.addWidget(holder)
    holder.show()
    holder.activateWindow()
    qtbot.waitActive(holder)
    refused: list[str] = []
    spin.refused.connect(refused.append)
    _type(qtbot, spin, "1")
    # leaving the field (Tab, a click elsewhere) is when Qt used to put 45 back without a word
    QApplication.sendEvent(spin, QFocusEvent(QEvent.Type.FocusOut, Qt.FocusReason.TabFocusReason))
    assert spin.value() == 5  # clamped to the bound, not put back to 45 in silence
    assert refused == ["1 min is below the minimum of 5 min: set to 5 min."]
    _type(qtbot, spin, "500")
    assert spin.value() <= 180
    assert refused[-1] == "500 is above the maximum of 180 min: not taken."
    spin.setRange(5, 2_000_000_000)
    spin.setSuffix("")
    _type(qtbot, spin, "3000000000")
    assert refused[-1] == "3,000,000,000 is above the maximum of 2,000,000,000: not taken."


def test_an_interview_duration_below_the_minimum_is_explained_next_to_the_field(qtbot):
    dialog = StartInterviewDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitActive(dialog)
    accepted: list[bool] = []
    dialog.accepted.connect(lambda: accepted.append(True))
    _type(qtbot, dialog.minutes, "1")
    qtbot.keyClick(dialog.minutes, Qt.Key.Key_Return)
    assert dialog.minutes.value() == MIN_MINUTES
    assert dialog.minutes_note.isVisible()
    assert dialog.minutes_note.text() == f"1 min is below the minimum of {MIN_MINUTES} min: set to 5 min."
    assert accepted == []  # the first Enter shows what was kept instead of starting at once
    qtbot.keyClick(dialog.minutes, Qt.Key.Key_Return)
    assert accepted == [True]
    setup = dialog.setup()
    assert setup is not None and setup.minutes == MIN_MINUTES
    _type(qtbot, dialog.minutes, "3")
    assert not dialog.minutes_note.isVisible()  # typing again clears the old note


def _number_editor(windows, kind: str, name: str, prop: str):
    """A window with one component of `kind` selected, and the inspector's editor of `prop`."""
    window = windows()
    window.load_design(Design(), None)
    component = window.document.add_component(kind, 0, 0, name)
    window.canvas.select_components([component])
    window.activateWindow()
    editor = window.inspector.findChild(NumberEditor, f"prop_{prop}")
    assert editor is not None and editor.isVisibleTo(window)
    window.statusBar().clearMessage()
    return window, component, editor


def test_an_inspector_number_out_of_range_is_reported_with_the_propertys_name(windows, qtbot):
    window, labels, editor = _number_editor(windows, "label_source", "Clicks", "positive_rate")
    doc = window.document
    _type(qtbot, editor.spin, "1.5")
    message = window.statusBar().currentMessage()
    assert message == "Positive rate: 1.5 is above the maximum of 1 fraction: not taken.", message
    assert doc.component(labels).properties.get("positive_rate") is None  # nothing stored


def _what_if_factor(windows):
    """A window on an empty design, its what-if factor's spin box shown, the status bar clear."""
    window = windows()
    window.load_design(Design(), None)
    window.estimates_dock.show()
    window.statusBar().clearMessage()
    return window, window.estimates.what_if.qps_spin


def test_a_what_if_factor_out_of_range_is_reported_in_the_status_bar(windows, qtbot):
    window, spin = _what_if_factor(windows)
    _type(qtbot, spin, "50")
    assert window.statusBar().currentMessage() == "What-if factor: 50 is above the maximum of 10: not taken."
    assert spin.value() <= 10


def test_a_letter_typed_in_a_number_field_says_it_was_not_taken(windows, qtbot):
    """Seen under X: "20k" typed in an endpoint's QPS stored 20 QPS without a word (the "k" was
    dropped by the spin box), a thousand times less than meant."""
    window, _, editor = _number_editor(windows, "endpoint", "Scoring API", "qps")
    _type(qtbot, editor.spin, "20k")
    message = window.statusBar().currentMessage()
    assert message == "QPS: “k” is not taken: type the number in digits (20000, not 20k).", message


def test_a_minus_typed_where_no_negative_number_is_allowed_says_it_was_not_taken(windows, qtbot):
    """Seen under X: "-5" typed as a what-if factor (or an interview duration) became 5 without a
    word: the spin box dropped the minus, and 5 times the load was shown."""
    window, spin = _what_if_factor(windows)
    _type(qtbot, spin, "-5")
    message = window.statusBar().currentMessage()
    assert message == "What-if factor: “-” is not taken: the minimum is 0.1.", message
    duration = FeedbackSpinBox()
    duration.setRange(MIN_MINUTES, 180)
    refused: list[str] = []
    duration.refused.connect(refused.append)
    _type(qtbot, duration, "-")
    assert refused == [f"“-” is not taken: the minimum is {MIN_MINUTES}."]
