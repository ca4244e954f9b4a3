"""The interview toolbar: the problem's title, the countdown (mm:ss) and its buttons.

The countdown turns amber with 10 minutes left and red with 5; Pause/Resume, Score now and
Finish drive the InterviewSession through the controller.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QSizePolicy, QToolBar, QToolButton, QWidget

from app.ui.interview.session import (
    EXPIRED,
    FINISHED,
    PAUSED,
    RUNNING,
    InterviewSession,
    format_clock,
    urgency,
)
from app.ui.theme import is_dark

URGENCY_STYLE = {
    "amber": ("#F5B935", "#2B1D00"),
    "red": ("#D64545", "#FFFFFF"),
}


class InterviewBar(QToolBar):
    """Shows one session; emits the user's requests, the controller acts on them."""

    pause_clicked = Signal()
    score_clicked = Signal()
    finish_clicked = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__("Interview", parent)
        self.setObjectName("interview_toolbar")
        self.setMovable(False)
        self.setFloatable(False)
        self.session: InterviewSession | None = None
        self.badge = QLabel("INTERVIEW")
        self.badge.setObjectName("interview_badge")
        self.badge.setStyleSheet(
            "QLabel { background: #2F6FD0; color: white; font-weight: bold; border-radius: 4px;"
            " padding: 2px 7px; margin-left: 6px; }"
        )
        self.title = QLabel()
        self.title.setObjectName("interview_title")
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.title.setContentsMargins(8, 0, 8, 0)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.title.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.title.setMinimumWidth(80)
        self.status = QLabel()
        self.status.setObjectName("interview_status")
        self.status.setContentsMargins(0, 0, 8, 0)
        self.clock = QLabel("45:00")
        self.clock.setObjectName("interview_clock")
        self.clock.setAlignment(Qt.AlignmentFlag.AlignCenter)
        clock_font = QFont(self.font())
        clock_font.setFamilies(["DejaVu Sans Mono", "Menlo", "Consolas", "monospace"])
        clock_font.setStyleHint(QFont.StyleHint.Monospace)
        clock_font.setBold(True)
        clock_font.setPointSizeF(self.font().pointSizeF() * 1.55)
        self.clock.setFont(clock_font)
        self.clock.setMinimumWidth(self.clock.fontMetrics().horizontalAdvance("000:00") + 20)
        self.pause_button = self._button("Pause", "Pause or resume the countdown (Ctrl+Shift+P)")
        self.score_button = self._button("Score now", "Show the rubric for the design as it is now")
        self.finish_button = self._button("Finish", "End the interview and show the rubric")
        self.pause_button.clicked.connect(self.pause_clicked)
        self.score_button.clicked.connect(self.score_clicked)
        self.finish_button.clicked.connect(self.finish_clicked)
        self.addWidget(self.badge)
        self.addWidget(self.title)
        self.addWidget(self.status)
        self.addWidget(self.clock)
        self.addSeparator()
        for button in (self.pause_button, self.score_button, self.finish_button):
            self.addWidget(button)
        self.setStyleSheet(
            "QToolButton { padding: 3px 10px; margin: 2px 2px; border: 1px solid palette(mid);"
            " border-radius: 4px; background: palette(button); }"
            " QToolButton:hover { background: palette(midlight); }"
            " QToolButton:disabled { color: palette(placeholder-text); border-color: palette(midlight); }"
        )
        self.urgency = "normal"
        self._paint_clock("normal")

    def _button(self, text: str, tip: str) -> QToolButton:
        button = QToolButton()
        button.setText(text)
        button.setToolTip(tip)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        return button

    # ---- showing a session ------------------------------------------------------------------

    def set_session(self, session: InterviewSession) -> None:
        if self.session is not None:
            self.session.tick.disconnect(self.show_remaining)
            self.session.state_changed.disconnect(self.show_state)
        self.session = session
        self.title.setText(session.setup.title)
        self.title.setToolTip(session.setup.problem)
        session.tick.connect(self.show_remaining)
        session.state_changed.connect(self.show_state)
        self.show_remaining(session.remaining())
        self.show_state(session.state)

    def show_remaining(self, remaining: float) -> None:
        self.clock.setText(format_clock(remaining))
        level = urgency(remaining)
        if level != self.urgency:
            self._paint_clock(level)

    def show_state(self, state: str) -> None:
        self.pause_button.setText("Resume" if state == PAUSED else "Pause")
        self.pause_button.setEnabled(state in (RUNNING, PAUSED))
        self.finish_button.setEnabled(state in (RUNNING, PAUSED))
        self.finish_button.setText("Finish")
        self.status.setText(
            {PAUSED: "Paused", EXPIRED: "Time is up", FINISHED: "Finished"}.get(state, "Time left")
        )

    def repaint_clock(self) -> None:
        """Colours again (after a theme change)."""
        # styled widgets keep the palette they were polished with: polish them again
        self.setStyleSheet(self.styleSheet())
        self._paint_clock(self.urgency)

    def _paint_clock(self, level: str) -> None:
        self.urgency = level
        if level in URGENCY_STYLE:
            background, color = URGENCY_STYLE[level]
        else:
            background, color = ("#2B3038", "#E8EAED") if is_dark() else ("#E4E8EE", "#1F2328")
        self.clock.setStyleSheet(
            f"QLabel {{ background: {background}; color: {color}; border-radius: 5px; padding: 1px 8px; }}"
        )
