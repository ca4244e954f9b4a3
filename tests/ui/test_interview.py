"""Interview mode in the window: start, checklist, countdown, rubric, report."""

from __future__ import annotations

import time

import pytest
from PySide6.QtGui import QKeySequence

from app.domain.model import Design
from app.persistence import load_design
from app.templates import find_template
from app.ui.interview import start_dialog
from app.ui.interview.session import EXPIRED, FINISHED, PAUSED, RUNNING, InterviewSetup
from app.ui.main_window import open_windows
from tests.export.pdfread import text_of

DIMENSIONS = ["Problem translation", "Decision-making", "Breadth and depth"]
PROBLEM = "Detect fraudulent card payments within 50 ms. The KPI is fraud losses."


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def interview(windows, clock, monkeypatch):
    """A window in interview mode on PROBLEM (45 minutes, fake clock, 10 ms ticks)."""
    window = windows()
    window.interview.clock = clock
    window.interview.tick_ms = 10
    setup = InterviewSetup(PROBLEM, "Card fraud", 45, template="fraud_detection")
    monkeypatch.setattr(start_dialog, "ask_interview_setup", lambda parent=None: setup)
    assert window.interview.start_interview() is window
    return window


def test_start_opens_an_empty_design_with_the_problem_statement(interview):
    window, controller = interview, interview.interview
    design = window.document.design
    assert design.components == [] and design.links == []
    assert design.meta.problem == PROBLEM
    assert design.meta.title == "Interview: Card fraud"
    assert window.windowTitle().startswith("Interview: Card fraud")
    assert not window.document.is_modified()
    assert controller.session.state == RUNNING
    assert controller.bar.isVisible() and controller.bar.title.text() == "Card fraud"
    assert controller.bar.clock.text() == "45:00"
    assert controller.checklist_dock.isVisible()
    assert controller.actions["pause"].isEnabled() and controller.actions["finish"].isEnabled()


def test_start_in_a_window_with_work_opens_a_new_window(windows, monkeypatch):
    window = windows()
    window.document.add_component("model", 0, 0)
    setup = InterviewSetup(PROBLEM, "Card fraud", 30)
    monkeypatch.setattr(start_dialog, "ask_interview_setup", lambda parent=None: setup)
    target = window.interview.start_interview()
    assert target is not window and target in open_windows()
    assert len(window.document.design.components) == 1 and window.interview.session is None
    assert target.document.design.meta.problem == PROBLEM
    assert target.interview.session.duration == 30 * 60


def test_cancelling_the_start_dialog_changes_nothing(windows, monkeypatch):
    window = windows()
    monkeypatch.setattr(start_dialog, "ask_interview_setup", lambda parent=None: None)
    assert window.interview.start_interview() is None
    assert window.interview.session is None and window.interview.bar is None


def test_menu_and_shortcut(interview):
    titles = [a.text().replace("&", "") for a in interview.menuBar().actions()]
    assert titles.index("Interview") == titles.index("Help") - 1
    actions = interview.interview.actions
    assert actions["start"].shortcut() == QKeySequence("Ctrl+I")
    assert {"start", "pause", "score", "finish", "compare"} <= actions.keys()
    listed = [a for name, group in interview.actions.menus if name == "Interview" for a in group]
    assert actions["start"] in listed


def test_checklist_lights_a_stage_when_a_component_of_it_is_added(interview, qtbot):
    checklist = interview.interview.checklist
    assert checklist.lit_stages() == [] and checklist.next_stage() == "business"
    assert not checklist.rows["business"].prompts.isHidden()
    assert checklist.rows["data"].prompts.isHidden()
    interview.document.add_component("data_source", 0, 0)
    qtbot.waitUntil(lambda: checklist.is_lit("data"))
    assert checklist.rows["data"].state == "covered" and "1 component" in checklist.rows["data"].status.text()
    assert checklist.next_stage() == "business"
    interview.document.add_component("business_objective", 0, 200)
    qtbot.waitUntil(lambda: checklist.next_stage() == "features")
    row = checklist.rows["features"]
    assert row.state == "next" and row.status.text() == "NEXT" and not row.prompts.isHidden()
    assert "Which signals are likely to drive the target" in row.prompts.text()
    assert "2 of 6 stages covered" in checklist.progress.text()
    checklist.rows["monitoring"].clicked.emit("monitoring")  # the user looks ahead
    assert checklist.current_stage() == "monitoring" and checklist.rows["features"].prompts.isHidden()
    interview.document.undo_stack.undo()
    qtbot.waitUntil(lambda: not checklist.is_lit("business"))


def test_checklist_says_when_every_stage_is_covered(interview, qtbot):
    for i, kind in enumerate(
        ["problem_framing", "data_source", "feature_store", "model", "endpoint", "monitor"]
    ):
        interview.document.add_component(kind, 0, 120 * i)
    checklist = interview.interview.checklist
    qtbot.waitUntil(lambda: checklist.next_stage() is None)
    assert not checklist.done.isHidden() and "All 6 stages covered" in checklist.progress.text()


def test_countdown_with_an_injected_clock_turns_amber_then_red_and_pauses(interview, clock, qtbot):
    controller = interview.interview
    bar, session = controller.bar, controller.session
    clock.advance(35 * 60 + 1)
    qtbot.waitUntil(lambda: bar.clock.text() == "09:59")
    assert bar.urgency == "amber"
    clock.advance(5 * 60)
    qtbot.waitUntil(lambda: bar.clock.text() == "04:59")
    assert bar.urgency == "red"
    bar.pause_button.click()
    assert session.state == PAUSED and bar.pause_button.text() == "Resume" and bar.status.text() == "Paused"
    # the status bar says so too (under X it kept "Interview started: 45 minutes. Good luck!")
    status = interview.statusBar()
    assert status.currentMessage() == "Interview paused with 04:59 left (Ctrl+Shift+P resumes)"
    clock.advance(600)  # time spent paused does not count
    assert session.remaining() == pytest.approx(299)
    bar.pause_button.click()
    assert session.state == RUNNING
    assert status.currentMessage() == "Interview resumed: 04:59 left"
    clock.advance(60)
    qtbot.waitUntil(lambda: bar.clock.text() == "03:59")


def test_time_up_opens_the_rubric_dialog(windows, qtbot, monkeypatch):
    window = windows()
    start = time.monotonic()
    window.interview.clock = lambda: start + (time.monotonic() - start) * 3000  # 5 minutes in 0.1 s
    window.interview.tick_ms = 5
    monkeypatch.setattr(
        start_dialog, "ask_interview_setup", lambda parent=None: InterviewSetup(PROBLEM, "Card fraud", 5)
    )
    window.interview.start_interview()
    controller = window.interview
    with qtbot.waitSignal(controller.rubric_shown, timeout=5000) as shown:
        pass
    dialog = shown.args[0]
    assert controller.session.state == EXPIRED
    assert dialog is controller.rubric_dialog and dialog.isVisible()
    assert dialog.dimension_names() == DIMENSIONS
    assert controller.bar.clock.text() == "00:00" and controller.bar.status.text() == "Time is up"
    assert not controller.actions["finish"].isEnabled()
    assert ("Time", "05:00 of 05:00 (time is up)") in dialog.context


def test_finish_stops_the_countdown_and_shows_the_rubric(interview, clock, qtbot, fake_dialogs):
    controller = interview.interview
    interview.document.add_component("business_objective", 0, 0)
    clock.advance(20 * 60 + 5)
    fake_dialogs.answer("ask_finish_interview", True)
    controller.bar.finish_button.click()
    assert fake_dialogs.names() == ["ask_finish_interview"]
    dialog = controller.rubric_dialog
    assert dialog is not None and dialog.isVisible()
    assert controller.session.state == FINISHED
    clock.advance(600)
    assert controller.session.elapsed() == pytest.approx(20 * 60 + 5)
    assert ("Time", "20:05 of 45:00 (finished early)") in dialog.context
    assert "Interview rubric" == dialog.windowTitle()
    assert dialog.rubric.dimension("Breadth and depth").score >= 0
    assert any("business objective" in r or "KPI" in r for r in dialog.rubric.dimensions[0].reasons)
    assert controller.finish() is None  # already over


def test_finish_asks_first_and_keep_going_leaves_the_interview_running(interview, clock, fake_dialogs):
    """Finish, next to the harmless Score now, ended the interview at once and for good: it asks
    now, and Keep going changes nothing."""
    controller = interview.interview
    clock.advance(60)
    fake_dialogs.answer("ask_finish_interview", False)
    controller.bar.finish_button.click()
    assert fake_dialogs.names() == ["ask_finish_interview"]
    assert controller.session.state == RUNNING and controller.rubric_dialog is None
    assert controller.bar.finish_button.isEnabled() and controller.actions["finish"].isEnabled()


def test_score_now_keeps_the_countdown_running(interview):
    controller = interview.interview
    dialog = controller.score_now()
    assert dialog.isVisible() and controller.session.state == RUNNING
    again = controller.score_now()
    assert again is not dialog and controller.rubric_dialog is again


def _exported_rubric(interview, dialog, fake_dialogs, tmp_path, qtbot) -> tuple[str, str]:
    """The report the rubric dialog exports: its whole text, and its rubric section."""
    out = tmp_path / "interview.pdf"
    fake_dialogs.answer("get_save_path", str(out))
    with qtbot.waitSignal(interview.exports.report_finished, timeout=60_000):
        dialog.export_button.click()
    text = text_of(out.read_bytes())
    return text, text[text.rindex("Interview rubric") : text.rindex("Appendix A. Rules and their result")]


def test_rubric_dialog_exports_the_report_with_the_rubric_section(interview, fake_dialogs, tmp_path, qtbot):
    controller = interview.interview
    interview.document.add_component("problem_framing", 0, 0)
    fake_dialogs.answer("ask_finish_interview", True)
    dialog = controller.finish()
    text, section = _exported_rubric(interview, dialog, fake_dialogs, tmp_path, qtbot)
    for name in DIMENSIONS:
        assert name in section
    assert "Follow-up questions" in section and "Card fraud" in section and "finished early" in section


def test_window_export_includes_the_rubric_only_while_in_interview_mode(
    interview, fake_dialogs, tmp_path, qtbot
):
    out = tmp_path / "window.pdf"
    fake_dialogs.answer("get_save_path", str(out))
    with qtbot.waitSignal(interview.exports.report_finished, timeout=60_000):
        interview.exports.export_report()
    assert "Interview rubric" in text_of(out.read_bytes())
    template = find_template("spam_filter")
    interview.load_design(load_design(template.path).design, None)  # another design: the interview ends
    controller = interview.interview
    assert controller.session is None and interview.exports.report_sections is None
    assert not controller.bar.isVisible() and not controller.checklist_dock.isVisible()
    plain = tmp_path / "plain.pdf"
    fake_dialogs.answer("get_save_path", str(plain))
    with qtbot.waitSignal(interview.exports.report_finished, timeout=60_000):
        interview.exports.export_report()
    assert "Interview rubric" not in text_of(plain.read_bytes())


def test_the_empty_canvas_of_an_interview_offers_no_worked_design(interview, windows):
    """Seen under X: the interview's empty canvas suggested "Or start from a worked design:
    File ▸ New from Template…", no way to practise; it is back once the interview is over."""
    from app.ui.canvas.empty_hint import EMPTY_STEPS, INTERVIEW_STEPS

    canvas = interview.canvas
    assert canvas.showing_empty_hint()
    assert canvas.empty_steps == INTERVIEW_STEPS
    assert not any("Template" in step for step in canvas.empty_steps)
    assert any("palette" in step for step in canvas.empty_steps)
    interview.load_design(Design(), None)  # another design: the interview is over
    assert canvas.empty_steps == EMPTY_STEPS and any("Template" in step for step in EMPTY_STEPS)
    assert windows().canvas.empty_steps == EMPTY_STEPS


def test_the_rubric_and_its_report_quote_a_long_name_shortened(interview, fake_dialogs, tmp_path, qtbot):
    """The dialog's report scored the rubric on the design as it is, its reasons quoting a
    5,999-letter name whole (in a report that shortens it everywhere else); and the dialog
    showed it whole too."""
    from app.domain.long_names import shortened

    words = [f"w{i:04d}" for i in range(1, 1001)]
    name = " ".join(words)
    document = interview.document
    metric = document.add_component("metric", 0, 0)
    document.set_component_field(metric, "name", name)
    for prop, value in (("name", "recall"), ("role", "guardrail"), ("threshold", 0.8)):
        document.set_property(metric, prop, value)
    objective = document.add_component("business_objective", 300, 0)
    document.set_property(objective, "kpi", "revenue")
    fake_dialogs.answer("ask_finish_interview", True)
    dialog = interview.interview.finish()
    reasons = [r for d in dialog.rubric.dimensions for r in d.reasons if words[0] in r]
    assert reasons and all(shortened(name) in r and words[-1] not in r for r in reasons), reasons
    text, section = _exported_rubric(interview, dialog, fake_dialogs, tmp_path, qtbot)
    assert shortened(name) in section
    assert text.count(words[-1]) == 1  # whole once, under Design by stage
