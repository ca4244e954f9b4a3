"""Pausing Python's automatic garbage collection while the window does a long piece of work.

A full collection walks every tracked object; with a large design open (its model, items and
findings) one takes hundreds of milliseconds and holds the interpreter lock, so the window
stops answering. Work that only allocates objects that stay alive (reading a design, copying
it for a check, building its items) gains nothing from collections, so it runs with them
paused. Holders count: collection resumes (if it was on) when the last holder releases.
Reference counting frees everything meanwhile, as always.

In the window, Python's automatic collection is off for good (`install`): the window's thread
collects on a timer instead, when the collector's own thresholds say a collection is due. A
collection runs the finalisers of whatever garbage it finds, Qt objects included, on the
thread that triggered it; automatic collection would let a worker thread (the live check, an
export) destroy objects that belong to the window's thread, which crashes Qt. The pause then
stops the timer's full collections only: collecting the younger generations every 100 ms
costs a few milliseconds each, where one collection at the end of a long pause would walk
everything the paused work made in one go.

Objects are not frozen into the collector's permanent generation (`gc.freeze`) here: freezing
a window's Qt wrappers and handing them back later crashed a collection (a segmentation
fault in the test suite once a window had been closed between the two). Only `app.cli`
freezes what its imports and the window's made, before the application or any widget exists,
and never unfreezes.
"""

from __future__ import annotations

import gc
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import QCoreApplication, QObject, QThread, QTimer

COLLECT_INTERVAL_MS = 100
FULL_GROWTH = 4  # a full collection once the heap grew by 1/FULL_GROWTH since the last one
FULL_DELAY_S = 1.5  # and not sooner than this after the last pause ended
YOUNG_EVERY = 3  # generation 1 is collected once this many of generation 0 ran since its last

_lock = threading.Lock()
_holders = 0
_was_enabled = True
_released_at = float("-inf")  # time.monotonic() when the last pause ended
_collector: _WindowThreadCollector | None = None


class _WindowThreadCollector(QObject):
    """Runs the collections automatic collection would have run, on the window's thread."""

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.collections = 0
        self._blocks_after_full = 0  # allocated blocks after the last full collection
        self._timer = QTimer(self)
        self._timer.setInterval(COLLECT_INTERVAL_MS)
        self._timer.timeout.connect(self.collect_if_due)
        self._timer.start()

    def collect_if_due(self) -> int | None:
        """The generation collected (the oldest whose count is over its threshold), or None.

        As in automatic collection, a full collection (generation 2) also waits until the heap
        has grown by a quarter since the last one (CPython counts long-lived objects; here the
        interpreter's allocated memory blocks stand for them): with a large design open a full
        collection walks millions of objects (hundreds of milliseconds), so it must not run
        every tenth collection of generation 1. Nor while a pause is held, nor right after it
        ends (the end of an open). The younger generations are collected meanwhile: each such
        collection walks only what was made since the last one (a few milliseconds every
        COLLECT_INTERVAL_MS), where one after a pause would walk everything the paused work made
        (the whole of a large design's items: a pause of 100 ms or more). Generation 1 goes
        once YOUNG_EVERY of them ran since its last, not the interpreter's ten: while a large
        design is built, a second of survivors took one walk of 40-60 ms; 0.4 s of them, 6-27 ms."""
        counts, thresholds = gc.get_count(), gc.get_threshold()
        if counts[0] <= thresholds[0]:
            return None
        generation = 2 if counts[2] > thresholds[2] else 1 if counts[1] >= YOUNG_EVERY else 0
        if generation == 2 and (_holders or not self._full_due()):
            generation = 1
        gc.collect(generation)
        if generation == 2:
            self._blocks_after_full = sys.getallocatedblocks()
        self.collections += 1
        return generation

    def _full_due(self) -> bool:
        if time.monotonic() - _released_at < FULL_DELAY_S:
            return False  # a long piece of work just ended (an open): the user looks and acts first
        blocks = sys.getallocatedblocks()
        return blocks - self._blocks_after_full > self._blocks_after_full // FULL_GROWTH


def install() -> None:
    """Automatic collection off for good; the window's thread collects on a timer instead.
    Called once the QApplication exists, on its thread; a second call does nothing."""
    global _collector, _was_enabled
    app = QCoreApplication.instance()
    if _collector is not None or app is None or QThread.currentThread() is not app.thread():
        return
    with _lock:
        _collector = _WindowThreadCollector(app)
        _was_enabled = False  # a pause ending never turns automatic collection back on
        gc.disable()


def installed() -> bool:
    return _collector is not None


def collect_if_due() -> int | None:
    """What the collector's timer does (tests call it); None without the collector."""
    return _collector.collect_if_due() if _collector is not None else None


def collecting() -> bool:
    """True when no pause is held: garbage in cycles is collected (automatically, or by the
    window thread's timer, full collections included). While a pause is held, the timer
    still collects the younger generations, automatic collection none."""
    if _collector is not None:
        return _holders == 0
    return gc.isenabled()


def hold() -> None:
    global _holders, _was_enabled
    with _lock:
        if _holders == 0 and _collector is None:
            _was_enabled = gc.isenabled()
            gc.disable()
        _holders += 1


def release() -> None:
    global _holders, _released_at
    with _lock:
        if _holders == 0:
            return
        _holders -= 1
        if _holders == 0:
            _released_at = time.monotonic()
        if _holders == 0 and _was_enabled and _collector is None:
            gc.enable()


@contextmanager
def paused() -> Iterator[None]:
    hold()
    try:
        yield
    finally:
        release()
