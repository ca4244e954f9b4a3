"""Long work off the UI thread: a job runner per window, and its progress row in the status bar.

A job is a Qt-free callable (an export, the auto-layout computation) run on a worker thread
from a snapshot of the document (deep copies made on the UI thread when it starts), so the
user goes on editing meanwhile. It reports progress and honours Cancel through app.progress
(checkpoints in the layout engine, the report builder and the Graphviz renderer). Its result,
failure or cancellation is handed to the caller's callback on the UI thread.

One job per kind at a time ("layout", "export"): a second request of a running kind is
refused with a message rather than queued, because a queued export or layout would work from
a snapshot older than what the user sees when it finally runs. Jobs of different kinds run
side by side.

The worker never touches Qt: the UI thread polls each job's state with a timer (POLL_MS), so
no signal crosses threads and nothing Qt-owned can be deleted under a worker. Closing the
window cancels its jobs and waits for their threads (shutdown()).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QToolButton, QWidget

from app.progress import Cancelled, Progress, running
from app.ui import gc_pause

log = logging.getLogger(__name__)

POLL_MS = 50  # how often the UI thread looks at running jobs
SHOW_AFTER_S = 0.3  # a job's progress row appears only once it has run this long
SHUTDOWN_WAIT_S = 10.0  # how long closing a window waits for a cancelled job's thread
THREAD_PREFIX = "mlsd-job-"

DONE, FAILED, CANCELLED = "done", "failed", "cancelled"


@dataclass
class Job:
    """One running job: its kind, what the progress row says, and how it ended."""

    kind: str
    title: str
    progress: Progress
    on_done: Callable[[Any], None]
    on_failed: Callable[[BaseException], None] | None = None
    on_cancelled: Callable[[], None] | None = None
    started: float = field(default_factory=time.monotonic)
    thread: threading.Thread | None = None
    outcome: tuple[str, Any] | None = None  # (DONE, value), (FAILED, error) or (CANCELLED, None)

    def run(self, work: Callable[[], Any]) -> None:
        """The worker thread's body: runs `work` and records how it ended (never raises)."""
        try:
            # Automatic garbage collection paused while the job runs (app.ui.gc_pause): a
            # collection triggered by the worker's allocations would run on this thread, where
            # freeing cyclic garbage holding Qt objects crashes the process, and a full one
            # holds the interpreter lock for hundreds of milliseconds with a large design open.
            # Reference counting frees the job's temporaries as usual; cycles wait for the end.
            with gc_pause.paused(), running(self.progress):
                value = work()
        except Cancelled:
            self.outcome = (CANCELLED, None)
        except Exception as exc:  # reported to the user on the UI thread, never lost
            log.exception("%s job failed", self.kind)
            self.outcome = (FAILED, exc)
        else:
            # cancelled after its last checkpoint and before any write: the result is dropped
            late = self.progress.cancelled and not self.progress.committed
            self.outcome = (CANCELLED, None) if late else (DONE, value)


class JobRunner(QObject):
    """Runs a window's jobs on worker threads, at most one per kind."""

    started = Signal(str)  # kind
    ended = Signal(str, str)  # kind, DONE / FAILED / CANCELLED
    progressed = Signal()  # a running job's fraction or text may have changed

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.jobs: dict[str, Job] = {}
        self.show_after = SHOW_AFTER_S
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._poll)

    def busy(self, kind: str) -> bool:
        return kind in self.jobs

    def start(
        self,
        kind: str,
        title: str,
        work: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_failed: Callable[[BaseException], None] | None = None,
        on_cancelled: Callable[[], None] | None = None,
    ) -> Job | None:
        """Run `work` (Qt-free, on its own snapshot) on a worker thread; None when a job of this
        kind is already running. The callbacks run on the UI thread."""
        if kind in self.jobs:
            return None
        job = Job(kind, title, Progress(), on_done, on_failed, on_cancelled)
        job.progress.text = title
        job.thread = threading.Thread(target=job.run, args=(work,), name=THREAD_PREFIX + kind, daemon=True)
        self.jobs[kind] = job
        job.thread.start()
        self._timer.start()
        self.started.emit(kind)
        return job

    def cancel(self, kind: str) -> bool:
        """Ask the job of this kind to stop; False when there is none or it is already writing
        its result. Its on_cancelled callback runs once its thread has stopped."""
        job = self.jobs.get(kind)
        if job is None or not job.progress.cancel():
            return False
        self.progressed.emit()
        return True

    def visible_jobs(self) -> list[Job]:
        """The jobs that have run long enough to show a progress row."""
        now = time.monotonic()
        return [job for job in self.jobs.values() if now - job.started >= self.show_after]

    def _poll(self) -> None:
        for kind, job in list(self.jobs.items()):
            if job.outcome is None:
                continue
            if job.thread is not None:
                job.thread.join()  # its outcome is its last step: this returns at once
            del self.jobs[kind]
            self._finish(job)
        if not self.jobs:
            self._timer.stop()
        self.progressed.emit()

    def _finish(self, job: Job) -> None:
        assert job.outcome is not None
        state, value = job.outcome
        try:
            if state == DONE:
                job.on_done(value)
            elif state == FAILED and job.on_failed is not None:
                job.on_failed(value)
            elif state == CANCELLED and job.on_cancelled is not None:
                job.on_cancelled()
        except Exception:  # a broken callback must not stop the other jobs' polling
            log.exception("the %s job's %s callback failed", job.kind, state)
        self.ended.emit(job.kind, state)

    def wait(self, timeout: float | None = None) -> bool:
        """Block until every job's thread has ended (no callbacks run); True if they all did.
        For closing a window and for scripts, never while the user works."""
        deadline = None if timeout is None else time.monotonic() + timeout
        for job in list(self.jobs.values()):
            if job.thread is not None:
                left = None if deadline is None else max(0.0, deadline - time.monotonic())
                job.thread.join(left)
                if job.thread.is_alive():
                    return False
        return True

    def shutdown(self) -> None:
        """Cancel every job and wait for its thread (the window is closing); no callbacks run."""
        for job in self.jobs.values():
            job.progress.cancel()
        if not self.wait(SHUTDOWN_WAIT_S):
            log.warning("a job did not stop within %.0f s of being cancelled", SHUTDOWN_WAIT_S)
        self.jobs.clear()
        self._timer.stop()
        self.progressed.emit()


class JobRow(QWidget):
    """One job in the status bar: what it does, a progress bar and Cancel."""

    def __init__(self, runner: JobRunner, kind: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.runner, self.kind = runner, kind
        self.setObjectName(f"job_{kind}")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel()
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.bar.setFixedWidth(140)
        self.bar.setTextVisible(False)
        self.cancel = QToolButton()
        self.cancel.setText("Cancel")
        self.cancel.setToolTip("Stop this job; nothing is written or changed")
        self.cancel.clicked.connect(lambda: self.runner.cancel(self.kind))
        row.addStretch(1)  # label, bar and button together at the right, by the status figures
        for widget in (self.label, self.bar, self.cancel):
            row.addWidget(widget)

    def show_job(self, job: Job) -> None:
        progress = job.progress
        text = progress.text or job.title
        if progress.cancelled:
            text = "Cancelling…"
        elif progress.committed:
            text = "Writing…"
        self.label.setText(text)
        self.bar.setAccessibleName(f"{job.title}: {text}")
        self.bar.setValue(round(progress.fraction * 1000))
        self.cancel.setEnabled(not (progress.cancelled or progress.committed))


class JobIndicator(QWidget):
    """The status bar's rows for the jobs of one runner; hidden while none is running."""

    def __init__(self, runner: JobRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("job_indicator")
        self.runner = runner
        self.rows: dict[str, JobRow] = {}
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setAlignment(Qt.AlignmentFlag.AlignRight)
        runner.progressed.connect(self.refresh)
        runner.ended.connect(self.refresh)
        self.setVisible(False)

    def refresh(self) -> None:
        jobs = {job.kind: job for job in self.runner.visible_jobs()}
        for kind in [k for k in self.rows if k not in jobs]:
            row = self.rows.pop(kind)
            self._layout.removeWidget(row)
            row.deleteLater()
        for kind, job in jobs.items():
            if kind not in self.rows:
                self.rows[kind] = JobRow(self.runner, kind, self)
                self._layout.addWidget(self.rows[kind])
            self.rows[kind].show_job(job)
        self.setVisible(bool(self.rows))
