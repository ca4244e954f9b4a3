"""InterviewSession: the problem being solved and a pausable countdown.

The state lives in memory only, on the window's InterviewController; the design file keeps
just the problem statement (meta.problem) and the title ("Interview: ..."). Closing the
window ends the interview. Time comes from an injectable clock (seconds, monotonic), and a
QTimer polls it every `tick_ms`, so tests drive a 45-minute countdown with a fake or a fast
clock and a short tick.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QObject, QTimer, Signal

Clock = Callable[[], float]
DEFAULT_MINUTES = 45
AMBER_SECONDS = 10 * 60
RED_SECONDS = 5 * 60
TICK_MS = 250

READY, RUNNING, PAUSED, EXPIRED, FINISHED = "ready", "running", "paused", "expired", "finished"


@dataclass(frozen=True)
class InterviewSetup:
    """What the start dialog asks for."""

    problem: str
    title: str
    minutes: int = DEFAULT_MINUTES
    template: str | None = None  # the template whose problem was picked, if any


def format_clock(seconds: float, round_up: bool = True) -> str:
    """mm:ss; a countdown rounds up (it shows 00:01 until the last second is over)."""
    whole = max(0, int(-(-seconds // 1)) if round_up else int(seconds))
    minutes, secs = divmod(whole, 60)
    return f"{minutes:02d}:{secs:02d}"


def urgency(remaining: float) -> str:
    """'normal', 'amber' (10 minutes or less left) or 'red' (5 minutes or less)."""
    if remaining <= RED_SECONDS:
        return "red"
    if remaining <= AMBER_SECONDS:
        return "amber"
    return "normal"


class InterviewSession(QObject):
    """A countdown of `setup.minutes` that can be paused, resumed and finished early.

    Signals:
        tick(float): the seconds remaining, after every poll while running.
        state_changed(str): ready, running, paused, expired or finished.
        expired(): the time is up (emitted once).
    """

    tick = Signal(float)
    state_changed = Signal(str)
    expired = Signal()

    def __init__(
        self,
        setup: InterviewSetup,
        clock: Clock | None = None,
        tick_ms: int = TICK_MS,
        parent: QObject | None = None,
    ):
        super().__init__(parent)
        self.setup = setup
        self.clock: Clock = clock or time.monotonic
        self.duration = float(setup.minutes * 60)
        self.state = READY
        self.started_at: datetime | None = None  # wall-clock start, for the report
        self._banked = 0.0  # seconds elapsed before the current run
        self._run_started: float | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(tick_ms)
        self._timer.timeout.connect(self.poll)

    # ---- time ---------------------------------------------------------------------------

    def elapsed(self) -> float:
        running = self.clock() - self._run_started if self._run_started is not None else 0.0
        return min(self.duration, self._banked + max(0.0, running))

    def remaining(self) -> float:
        return max(0.0, self.duration - self.elapsed())

    def is_active(self) -> bool:
        """Running or paused: the interview has not ended yet."""
        return self.state in (RUNNING, PAUSED)

    # ---- control ------------------------------------------------------------------------

    def start(self) -> None:
        if self.state != READY:
            return
        self.started_at = datetime.now().astimezone()
        self._run_started = self.clock()
        self._set_state(RUNNING)
        self._timer.start()
        self.poll()

    def pause(self) -> None:
        if self.state != RUNNING:
            return
        self._bank()
        self._timer.stop()
        self._set_state(PAUSED)
        self.tick.emit(self.remaining())

    def resume(self) -> None:
        if self.state != PAUSED:
            return
        self._run_started = self.clock()
        self._set_state(RUNNING)
        self._timer.start()
        self.poll()

    def toggle_pause(self) -> None:
        if self.state == RUNNING:
            self.pause()
        else:
            self.resume()

    def finish(self) -> None:
        """End the interview now (the candidate is done early)."""
        if not self.is_active():
            return
        self._bank()
        self._timer.stop()
        self._set_state(FINISHED)
        self.tick.emit(self.remaining())

    def poll(self) -> None:
        """Read the clock; emits tick, and expired once the time is up."""
        if self.state != RUNNING:
            return
        remaining = self.remaining()
        self.tick.emit(remaining)
        if remaining <= 0:
            self._bank()
            self._timer.stop()
            self._set_state(EXPIRED)
            self.expired.emit()

    def _bank(self) -> None:
        if self._run_started is not None:
            self._banked = self.elapsed()
            self._run_started = None

    def _set_state(self, state: str) -> None:
        if state != self.state:
            self.state = state
            self.state_changed.emit(state)

    # ---- description --------------------------------------------------------------------

    def summary_rows(self) -> list[tuple[str, str]]:
        """(label, value) rows for the rubric dialog and the report."""
        rows = [("Problem", self.setup.title)]
        if self.started_at is not None:
            rows.append(("Started", self.started_at.strftime("%Y-%m-%d %H:%M")))
        used = format_clock(self.elapsed(), round_up=False)
        status = {
            EXPIRED: "time is up",
            FINISHED: "finished early",
            PAUSED: "paused",
            RUNNING: "in progress",
        }.get(self.state, "not started")
        rows.append(("Time", f"{used} of {format_clock(self.duration)} ({status})"))
        return rows
