"""Re-runs the rule engine a short while after the last edit, off the window's thread.

A check of a large design takes long enough to be felt (a few hundred milliseconds at 5,000
components), so the debounced re-check runs on a worker thread: the worker deep-copies the
design and checks the copy with an engine of its own, never touching the document's
objects except to read them for the copy. Every change of the document bumps a version
number; a result is applied (on the window's thread, where `result_ready` fires) only if the
document is still at the version the check was started for. A result made for an older
version is dropped and the design is checked again: a copy taken while an edit was under way
may be torn, but it is never applied.

`check_now()` stays synchronous, on the document's own incremental engine, for callers that
need a result at once (exports, the interview's rubric). `wait()` blocks until the current
version's result has been applied (the screenshot and tests use it).
"""

from __future__ import annotations

import sys
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field

import shiboken6
from PySide6.QtCore import QCoreApplication, QEventLoop, QObject, QTimer, Signal

from app.domain.catalog import Catalog
from app.domain.model import Design
from app.rules.engine import CheckResult, RuleEngine
from app.rules.model import RuleSpec
from app.ui import gc_pause
from app.ui.document import DesignDocument

DEBOUNCE_MS = 150


@dataclass
class _Job:
    """One check on the worker: the design it reads, the version it was started for."""

    design: Design
    catalog: Catalog
    rules: list[RuleSpec]  # the document engine's rules (a test or a tool may have chosen them)
    version: int
    checker: weakref.ReferenceType[LiveChecker]
    result: CheckResult | None = None
    error: BaseException | None = None
    holds_gc: bool = False  # collections paused on the window's thread until it has run
    done: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        try:
            with gc_pause.paused():
                snapshot = self.design.model_copy(deep=True)
            engine = RuleEngine(snapshot, self.catalog)
            engine.rules = self.rules
            self.result = engine.check()
        except BaseException as exc:  # a torn copy (an edit under way) or a bug: decided on delivery
            self.error = exc
        finally:
            if self.holds_gc:  # the window's thread may collect again (see LiveChecker.check_soon)
                self.holds_gc = False
                gc_pause.release()
            self.done.set()
            hub = _HUB
            if hub is not None:
                try:
                    hub.finished.emit(self)  # queued: delivered on the window's thread
                except RuntimeError:  # the application is being torn down
                    pass


class _Hub(QObject):
    """Receives finished jobs on the window's thread. One for the process, never deleted, so a
    worker never emits on an object that a closed window has destroyed."""

    finished = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.finished.connect(self._deliver)

    @staticmethod
    def _deliver(job: _Job) -> None:
        checker = job.checker()
        if checker is not None and shiboken6.isValid(checker):
            checker._job_finished(job)


_HUB: _Hub | None = None


def _hub() -> _Hub:
    global _HUB
    if _HUB is None:
        _HUB = _Hub()  # created by the first checker, on the window's thread
    return _HUB


class LiveChecker(QObject):
    """Owns the latest CheckResult of a document; `result_ready` fires after each re-check."""

    result_ready = Signal(object)

    def __init__(
        self, document: DesignDocument, debounce_ms: int = DEBOUNCE_MS, parent: QObject | None = None
    ):
        super().__init__(parent or document)
        _hub()
        self.document = document
        self.result: CheckResult | None = None
        self._version = 0  # bumped by every change of the document
        self._applied = -1  # the version `result` was made for
        self._job: _Job | None = None
        self._thread: threading.Thread | None = None
        self._closed = False
        self._hold: Callable[[], bool] | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(debounce_ms)
        self._timer.timeout.connect(self.check_soon)
        document.changed.connect(self._changed)

    def _changed(self) -> None:
        self._version += 1
        self._timer.start()

    def version(self) -> int:
        return self._version

    def check_now(self) -> CheckResult:
        """Check on this thread, with the document's engine, and publish the result."""
        self._timer.stop()
        self.result = self.document.engine.check()
        self._applied = self._version
        self.result_ready.emit(self.result)
        return self.result

    def publish(self, result: CheckResult, version: int) -> bool:
        """Publish a result made elsewhere (a forked process's check of this document, see
        app/rules/check_process.py) for `version`; False, publishing nothing, if the document
        has changed since."""
        if version != self._version:
            return False
        self._timer.stop()
        self.result = result
        self._applied = version
        self.result_ready.emit(result)
        return True

    def check_soon(self) -> None:
        """Start a check of the current version on the worker (once the running one ends)."""
        self._timer.stop()
        if self._closed or self._job is not None or self._applied == self._version:
            return  # a running job is followed by another if the document changed meanwhile
        if self._hold is not None and self._hold():
            return  # started by release()
        doc = self.document
        job = _Job(doc.design, doc.catalog, list(doc.engine.rules), self._version, weakref.ref(self))
        # No collection on the window's thread while the worker checks: a full one (hundreds of
        # milliseconds with a large design) would compete with it, and the window would wait
        # for both. The check's objects are freed by reference counting as usual.
        gc_pause.hold()
        job.holds_gc = True
        self._job = job
        self._thread = threading.Thread(target=job.run, name="mlsd-live-check", daemon=False)
        try:
            self._thread.start()
        except BaseException:
            job.holds_gc = False
            gc_pause.release()
            self._job, self._thread = None, None
            raise

    def _job_finished(self, job: _Job) -> None:
        if job is not self._job:
            return
        self._job, self._thread = None, None
        if self._closed:
            return
        if job.version == self._version and self._applied != self._version:
            if job.result is None:  # not a torn copy (nothing changed): a real problem
                print(f"mlsd-studio: the background check failed ({job.error!r}); checking here",
                      file=sys.stderr)
                self.check_now()
                return
            self.result = job.result
            self._applied = job.version
            self.result_ready.emit(job.result)
        elif self._applied != self._version and not self._timer.isActive():
            self.check_soon()  # the result was for an older version: check the current one

    def hold_while(self, busy: Callable[[], bool]) -> None:
        """Start no check while `busy()` is true, or until release(): a large design being built
        into the scene would share the interpreter with the worker, and both would be slower."""
        self._hold = busy

    def release(self) -> None:
        """End hold_while(): the check starts at once (the build it waited for is done; no edit
        to wait for), so no collection runs between the two (see check_soon)."""
        if self._hold is not None:
            self._hold = None
            if self.pending():
                self.check_soon()

    def pending(self) -> bool:
        """True until the current version's result has been published."""
        return self._applied != self._version

    def busy(self) -> bool:
        return self._job is not None

    def wait(self, timeout: float = 30.0) -> bool:
        """Block (handling events) until the current version's result is published; False on
        timeout. A debounced check due later is started now."""
        deadline = time.monotonic() + timeout
        self._hold = None  # the caller needs the result
        while self.pending() and not self._closed:
            if self._job is None:
                self.check_soon()
            job = self._job
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            if job is not None:
                job.done.wait(min(left, 0.05))
            QCoreApplication.sendPostedEvents()
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 10)
        return not self.pending()

    def close(self, wait: bool = True) -> None:
        """Stop checking (the window closes): no more jobs, a running one is waited for."""
        self._closed = True
        self._timer.stop()
        thread = self._thread
        if wait and thread is not None:
            thread.join()
