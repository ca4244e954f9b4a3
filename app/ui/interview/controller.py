"""InterviewController: interview mode for one MainWindow.

Start (Interview ▸ Start interview…, Ctrl+I) asks for a problem and a duration, opens a new
empty design with that problem statement (here when this window holds nothing worth
keeping, else in a new window), and shows the countdown toolbar and the framework
checklist dock. Time up, Finish or Score now open the rubric dialog. While an interview is
on (or over, until another design is loaded), File ▸ Export ▸ PDF Report includes the rubric.

The interview state (problem, start time, duration, elapsed) lives in memory only, in the
InterviewSession held here; see app/ui/interview/session.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget

from app.domain.model import Design, Meta
from app.rules.engine import CheckResult
from app.ui import dialogs
from app.ui.canvas.empty_hint import EMPTY_STEPS, INTERVIEW_STEPS
from app.ui.interview.checklist import FrameworkChecklist
from app.ui.interview.session import (
    PAUSED,
    RUNNING,
    TICK_MS,
    Clock,
    InterviewSession,
    InterviewSetup,
    format_clock,
)
from app.ui.interview.timer_bar import InterviewBar
from app.ui.theme import ThemeManager

# The rubric, its dialog, the start and compare dialogs are imported when first used: a
# window that never interviews (and every window, before its first paint) does without them.
if TYPE_CHECKING:
    from app.rules.rubric import Rubric
    from app.ui.actions import WindowActions
    from app.ui.interview.compare import CompareDialog
    from app.ui.interview.rubric_dialog import RubricDialog
    from app.ui.main_window import MainWindow

TITLE_PREFIX = "Interview: "


class InterviewController(QObject):
    """Owns the session, the toolbar, the checklist dock and the rubric dialog of a window."""

    started = Signal(object)  # the InterviewSession
    rubric_shown = Signal(object)  # the RubricDialog

    def __init__(self, window: MainWindow):
        super().__init__(window)
        self.window = window
        self.session: InterviewSession | None = None
        self.bar: InterviewBar | None = None
        self.checklist: FrameworkChecklist | None = None
        self.checklist_dock: QDockWidget | None = None
        self.rubric_dialog: RubricDialog | None = None
        self.compare_dialog: CompareDialog | None = None
        self.clock: Clock | None = None  # tests inject a fake or fast clock
        self.tick_ms = TICK_MS
        self.actions: dict[str, QAction] = {}
        window.document.design_reset.connect(self._design_replaced)

    # ---- menu ---------------------------------------------------------------------------

    def add_menu(self, actions: WindowActions) -> None:
        """The Interview menu, built with the window's action helper (listed in Shortcuts)."""
        menu = self.window.menuBar().addMenu("&Interview")
        add = actions._add
        self.actions = {
            "start": add(menu, "&Start Interview…", self.start_interview, [QKeySequence("Ctrl+I")]),
        }
        menu.addSeparator()
        self.actions["pause"] = add(
            menu, "&Pause / Resume", self.toggle_pause, [QKeySequence("Ctrl+Shift+P")]
        )
        self.actions["score"] = add(menu, "Score &Now", self.score_now, [QKeySequence("Ctrl+Shift+R")])
        self.actions["finish"] = add(menu, "&Finish Interview", self.finish)
        menu.addSeparator()
        self.actions["compare"] = add(menu, "&Compare with Template…", self.compare_with_template)
        self._update_actions()

    def _update_actions(self, *_args: object) -> None:
        active = self.session is not None and self.session.is_active()
        for key in ("pause", "finish"):
            if key in self.actions:
                self.actions[key].setEnabled(active)

    # ---- starting -----------------------------------------------------------------------

    def start_interview(self) -> MainWindow | None:
        """Ask for the problem and duration, then start; returns the interview's window."""
        from app.ui.interview import start_dialog

        setup = start_dialog.ask_interview_setup(self.window)
        return self.start(setup) if setup is not None else None

    def start(self, setup: InterviewSetup) -> MainWindow:
        """Start in this window when it holds nothing worth keeping, else in a new one."""
        busy = (
            self.session is not None and self.session.is_active() and self.window.document.design.components
        )
        target = self.window if self.window.is_pristine() and not busy else self.window.spawn()
        controller: InterviewController = target.interview
        if controller is not self:
            controller.clock, controller.tick_ms = self.clock, self.tick_ms
        controller.begin(setup)
        return target

    def begin(self, setup: InterviewSetup) -> InterviewSession:
        """Load an empty design with the problem statement and start the countdown here."""
        design = Design(meta=Meta(title=f"{TITLE_PREFIX}{setup.title}", problem=setup.problem))
        self.window.load_design(design, None)  # emits design_reset: ends a previous session
        self.window.canvas.set_empty_steps(INTERVIEW_STEPS)
        session = InterviewSession(setup, self.clock, self.tick_ms, parent=self)
        session.expired.connect(self.time_up)
        session.state_changed.connect(self._update_actions)
        self.session = session
        self._show_panels()
        assert self.bar is not None and self.checklist is not None
        self.bar.set_session(session)
        self.checklist.set_result(self.window.checker.result)
        self.window.exports.report_sections = self.report_sections
        session.start()
        self._update_actions()
        self.window.show_message(f"Interview started: {setup.minutes} minutes. Good luck!")
        self.started.emit(session)
        return session

    def _show_panels(self) -> None:
        w = self.window
        if self.bar is None:
            self.bar = InterviewBar(w)
            self.bar.pause_clicked.connect(self.toggle_pause)
            self.bar.score_clicked.connect(self.score_now)
            self.bar.finish_clicked.connect(self.finish)
            w.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.bar)
        if self.checklist is None:
            self.checklist = FrameworkChecklist(w.document.catalog)
            dock = QDockWidget("Checklist", w)
            dock.setObjectName("interview_dock")
            dock.setWidget(self.checklist)
            w.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
            w.tabifyDockWidget(w.findings_dock, dock)
            self.checklist_dock = dock
            w.checker.result_ready.connect(self._result_ready)
            ThemeManager.instance().changed.connect(self._theme_changed)
        self.bar.show()
        assert self.checklist_dock is not None
        self.checklist_dock.show()
        self.checklist_dock.raise_()

    def balance_docks(self) -> None:
        """Give the checklist (tabbed with Findings) the larger part of the right column."""
        w = self.window
        if self.checklist_dock is None or not self.checklist_dock.isVisible():
            return
        height = w.height()
        w.resizeDocks(
            [w.inspector_dock, self.checklist_dock],
            [int(height * 0.36), int(height * 0.64)],
            Qt.Orientation.Vertical,
        )

    def _theme_changed(self, _dark: bool) -> None:
        if self.checklist is not None:
            self.checklist.refresh()
        if self.bar is not None:
            self.bar.repaint_clock()

    def _result_ready(self, result: CheckResult) -> None:
        if self.checklist is not None:
            self.checklist.set_result(result)

    def _design_replaced(self) -> None:
        """Another design was loaded into the window: the interview (if any) is over."""
        if self.session is None:
            return
        self.session.finish()
        self.session.deleteLater()
        self.session = None
        self.window.canvas.set_empty_steps(EMPTY_STEPS)
        if self.window.exports.report_sections == self.report_sections:
            self.window.exports.report_sections = None
        if self.bar is not None:
            self.bar.hide()
        if self.checklist_dock is not None:
            self.checklist_dock.hide()
        self._update_actions()

    # ---- timer --------------------------------------------------------------------------

    def toggle_pause(self) -> None:
        """Pause or resume; the status bar says which (Ctrl+Shift+P left it reading "Interview
        started: 45 minutes. Good luck!" while the clock stood still)."""
        if self.session is None:
            return
        self.session.toggle_pause()
        left = format_clock(self.session.remaining())
        if self.session.state == PAUSED:
            self.window.show_message(f"Interview paused with {left} left (Ctrl+Shift+P resumes)")
        elif self.session.state == RUNNING:
            self.window.show_message(f"Interview resumed: {left} left")

    def finish(self) -> RubricDialog | None:
        """End the interview now and show the rubric, once the user confirms: unlike Score now,
        it cannot be undone."""
        if self.session is None or not self.session.is_active():
            return None
        if not dialogs.ask_finish_interview(self.window):
            return None
        self.session.finish()
        return self.show_rubric()

    def time_up(self) -> RubricDialog:
        self.window.show_message("Time is up: here is the rubric.")
        return self.show_rubric()

    def score_now(self) -> RubricDialog:
        """The rubric of the design as it is now (the countdown keeps running)."""
        return self.show_rubric()

    # ---- rubric -------------------------------------------------------------------------

    def current_rubric(self) -> Rubric:
        from app.rules.rubric import score_design

        w = self.window
        result = w.checker.check_now()
        return score_design(w.document.design, result, w.document.catalog)

    def context_rows(self) -> list[tuple[str, str]]:
        if self.session is not None:
            return self.session.summary_rows()
        return [("Design", self.window.document.design.meta.title)]

    def show_rubric(self) -> RubricDialog:
        from app.ui.interview import rubric_dialog

        rubric, context = self.current_rubric(), self.context_rows()
        if self.rubric_dialog is not None:
            self.rubric_dialog.close()
            self.rubric_dialog.deleteLater()
        dialog = rubric_dialog.open_rubric_dialog(self.window, rubric, context)
        dialog.export_requested.connect(lambda: self.export_report(rubric, context))
        self.rubric_dialog = dialog
        self.rubric_shown.emit(dialog)
        return dialog

    def export_report(self, rubric: Rubric, context: list[tuple[str, str]]) -> str | None:
        """The PDF report with the rubric as its own section (built on the export worker)."""
        from app.export.report.rubric import rubric_section

        return self.window.exports.export_report(extra_sections=[rubric_section(rubric, context)])

    def report_sections(self) -> list:
        """Extra report sections while interviewing: the rubric of the design as it is now."""
        from app.export.report.rubric import rubric_section

        return [rubric_section(self.current_rubric(), self.context_rows())]

    # ---- comparison ---------------------------------------------------------------------

    def compare_with_template(self) -> CompareDialog:
        from app.ui.interview.compare import CompareDialog

        w = self.window
        initial = self.session.setup.template if self.session is not None else None
        if self.compare_dialog is not None:
            self.compare_dialog.close()
            self.compare_dialog.deleteLater()
        dialog = CompareDialog(
            w.document.design.model_copy(deep=True), w.document.catalog, initial=initial, parent=w
        )
        dialog.setWindowModality(Qt.WindowModality.NonModal)
        dialog.show()
        self.compare_dialog = dialog
        return dialog
