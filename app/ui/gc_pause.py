"""Pausing Python's automatic garbage collection while the window does a long piece of work.

A full collection walks every tracked object; with a large design open (its model, items and
findings) one takes hundreds of milliseconds and holds the interpreter lock, so the window
stops answering. Work that only allocates objects that stay alive (reading a design, copying
it for a check, building its items) gains nothing from collections, so it runs with them
paused. Holders count: collection resumes (if it was on) when the last holder releases.
Reference counting frees everything meanwhile, as always.

Once a large design is open, `freeze()` moves every object alive into the collector's
permanent generation, so later collections stop walking the design; `thaw()` (before the
next large design is opened, or when a window closes) hands them back, so whatever has become
garbage in cycles by then is collected as usual.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_holders = 0
_was_enabled = True
_frozen = False


def hold() -> None:
    global _holders, _was_enabled
    with _lock:
        if _holders == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _holders += 1


def release() -> None:
    global _holders
    with _lock:
        if _holders == 0:
            return
        _holders -= 1
        if _holders == 0 and _was_enabled:
            gc.enable()


@contextmanager
def paused() -> Iterator[None]:
    hold()
    try:
        yield
    finally:
        release()


def freeze() -> None:
    global _frozen
    with _lock:
        gc.freeze()
        _frozen = True


def thaw() -> None:
    global _frozen
    with _lock:
        if _frozen:
            gc.unfreeze()
            _frozen = False
