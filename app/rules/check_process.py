"""A rule check run in a forked child process, alongside the parent's own work.

Threads cannot check in parallel with the window's thread (the interpreter lock lets one run
Python at a time), so a process that needs the check of a design it is about to spend seconds
drawing (`mlsd FILE --screenshot OUT.png` of thousands of components) forks: the child,
a copy of the parent at that moment, runs `engine.check()` on its copy of the engine (the
very engine and design the parent would check) on another core and sends the pickled result
back through a pipe, then leaves at once (`os._exit`: no clean-up of the parent's objects,
no automatic garbage collection: a child never touches the parent's windowing objects).

Only where fork is safe to use for pure-Python work in a process with GUI threads (Linux);
elsewhere `start()` returns None and the caller checks on its own thread.
"""

from __future__ import annotations

import gc
import os
import pickle
import select
import signal
import sys
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.rules.engine import CheckResult, RuleEngine

_FAILED = b"!"  # the child's first byte when the check failed (then the error's text)
_OK = b"="  # the child's first byte before the pickled result
TIMEOUT_S = 120.0  # longest wait for the child's result


def available() -> bool:
    return sys.platform.startswith("linux") and hasattr(os, "fork")


class ForkedCheck:
    """A check running in a child process; `result()` waits for it."""

    def __init__(self, pid: int, read_fd: int) -> None:
        self._pid = pid
        self._fd: int | None = read_fd
        self._result: CheckResult | None = None
        self.error = ""

    def result(self, timeout: float = TIMEOUT_S) -> CheckResult | None:
        """The child's result (waiting for it, at most `timeout` s: then the child is stopped),
        or None if it failed (`error` says why)."""
        fd = self._fd
        if fd is None:
            return self._result
        self._fd = None
        chunks = []
        deadline = time.monotonic() + timeout
        try:
            while True:
                left = deadline - time.monotonic()
                if left <= 0 or not select.select([fd], [], [], left)[0]:
                    os.kill(self._pid, signal.SIGKILL)
                    self.error = f"the checking process took more than {timeout:.0f} s"
                    return None
                chunk = os.read(fd, 1 << 20)
                if not chunk:
                    break
                chunks.append(chunk)
        finally:
            os.close(fd)
            os.waitpid(self._pid, 0)
        data = b"".join(chunks)
        if data[:1] == _OK:
            self._result = pickle.loads(data[1:])
        else:
            self.error = data[1:].decode("utf-8", "replace") or "the checking process ended without a result"
        return self._result


def start(engine: RuleEngine) -> ForkedCheck | None:
    """Fork a child that runs `engine.check()` and sends back the result; None where forking
    is not available (or fails): the caller then checks itself."""
    if not available():
        return None
    read_fd, write_fd = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        pid = os.fork()
    except OSError:
        os.close(read_fd)
        os.close(write_fd)
        return None
    if pid == 0:  # the child
        status = 0
        try:
            gc.disable()
            os.close(read_fd)
            try:
                payload = _OK + pickle.dumps(engine.check(), protocol=pickle.HIGHEST_PROTOCOL)
            except BaseException as exc:  # reported to the parent, which checks itself
                payload = _FAILED + f"{type(exc).__name__}: {exc}".encode("utf-8", "replace")
                status = 1
            view = memoryview(payload)
            while view:
                view = view[os.write(write_fd, view):]
            os.close(write_fd)
        finally:
            os._exit(status)
    os.close(write_fd)
    return ForkedCheck(pid, read_fd)
