"""Progress and cancellation of long jobs, without Qt.

The window runs auto-layout and the exports on a worker thread, inside ``running(progress)``.
Long core functions (the layout engine, the report builder, the Graphviz renderer) call
``checkpoint(fraction, text)`` at safe points: it records how far the job is and raises
``Cancelled`` once the job was cancelled. ``phase(start, end)`` maps the fractions reported
inside it onto a part of the whole, so nested work adds up to one bar. Outside a job (the
command line, the tests) every call here does nothing.

A job that writes a file does so inside ``committing()``: a cancel that comes earlier stops
the write (nothing is written), and a cancel that comes while the file is being written is
refused (``Progress.cancel()`` returns False), so a cancelled export never leaves a file.

The job in progress is held in a context variable: each thread has its own, so a worker's
job is never seen by the UI thread or by another worker.
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class Cancelled(Exception):
    """The job was cancelled; raised by checkpoint() (and committing()) once it was."""

    def __init__(self) -> None:
        super().__init__("cancelled")


class Progress:
    """How far one job is (`fraction` 0..1, never going back; `text`), and its cancel flag.

    Written by the worker, read by the UI thread: each attribute is replaced whole.
    """

    def __init__(self) -> None:
        self._lock = threading.RLock()  # re-entrant: a cancel from within the write returns False
        self._cancelled = False
        self._committed = False
        self.fraction = 0.0
        self.text = ""

    @property
    def cancelled(self) -> bool:
        return self._cancelled

    @property
    def committed(self) -> bool:
        """Whether the job has started writing its result (too late to cancel)."""
        return self._committed

    def cancel(self) -> bool:
        """Ask the job to stop at its next checkpoint; False when it is already writing its
        result, which it then finishes."""
        with self._lock:
            if self._committed:
                return False
            self._cancelled = True
            return True

    def check(self) -> None:
        if self._cancelled:
            raise Cancelled()

    def update(self, fraction: float | None = None, text: str | None = None) -> None:
        if fraction is not None and fraction > self.fraction:
            self.fraction = min(fraction, 1.0)
        if text:
            self.text = text

    @contextmanager
    def committing(self) -> Iterator[None]:
        """The job's final write: raises Cancelled if cancelled before; cancels wait for it."""
        with self._lock:
            if self._cancelled:
                raise Cancelled()
            self._committed = True
            yield


_CURRENT: contextvars.ContextVar[tuple[Progress, float, float] | None] = contextvars.ContextVar(
    "mlsd_progress", default=None
)


def current() -> Progress | None:
    """The job this thread runs, if any."""
    span = _CURRENT.get()
    return None if span is None else span[0]


@contextmanager
def running(progress: Progress) -> Iterator[Progress]:
    """Run the block as `progress`'s job: checkpoints inside it report to it."""
    token = _CURRENT.set((progress, 0.0, 1.0))
    try:
        yield progress
    finally:
        _CURRENT.reset(token)


def checkpoint(fraction: float | None = None, text: str | None = None) -> None:
    """Record that the current phase is `fraction` done (0..1) and what it does; raises
    Cancelled when the job was cancelled. Does nothing outside a job."""
    span = _CURRENT.get()
    if span is None:
        return
    progress, start, end = span
    progress.check()
    if fraction is not None:
        fraction = start + (end - start) * min(max(fraction, 0.0), 1.0)
    progress.update(fraction, text)


def cancelled() -> bool:
    """Whether the current job was cancelled (for loops that wait on something else)."""
    progress = current()
    return progress is not None and progress.cancelled


@contextmanager
def phase(start: float, end: float, text: str | None = None) -> Iterator[None]:
    """Map the fractions reported inside the block onto [start, end] of the current phase."""
    span = _CURRENT.get()
    if span is None:
        yield
        return
    progress, low, high = span
    first, last = low + (high - low) * start, low + (high - low) * end
    token = _CURRENT.set((progress, first, last))
    try:
        checkpoint(0.0, text)
        yield
    finally:
        _CURRENT.reset(token)
    progress.update(last)


@contextmanager
def committing() -> Iterator[None]:
    """The current job's final write (see Progress.committing); a plain block outside a job."""
    progress = current()
    if progress is None:
        yield
        return
    with progress.committing():
        yield
