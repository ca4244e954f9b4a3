"""Test-only scripting of the real app: ``MLSD_TEST_SCRIPT=/path/script.json``.

Not part of the shipped app (it can replace dialogs and drop privileges): only the tests'
launcher (tests/reliability/launch_app.py) installs it, before it calls run_app, and passes
start() to run_app, which calls it once the windows are shown. The reliability tests use it
to drive the real window in a subprocess (edit, autosave, save, crash, get SIGKILLed) and read
back what happened. The script is a JSON object::

    {"answers": {"ask_restore": ["restore"], "ask_save_failed": ["save_as"]},
     "dialog_log": "/tmp/dialogs.jsonl",
     "steps": [{"op": "add_component", "kind": "model", "x": 0, "y": 0, "name": "Ranker"},
               {"op": "wait_autosave"}, {"op": "mark", "path": "/tmp/ready"}]}

``answers`` replace the dialogs of app.ui.dialogs (consumed in order; an unanswered question
gets the answer that changes nothing: cancel, later, or no path). Every dialog call is
appended to ``dialog_log`` as one JSON line: {"dialog": name, "args": [...]}, the parent
widget left out.

Steps run one after another on the event loop, on the newest window (or ``"window": i``, an
index into open_windows()). A step that fails prints its traceback and exits with status 3;
a wait that times out exits with status 4. Ops:

  add_component kind x y [name] · set_meta field value · new_window · open path (waits for
  a background load) · wait_loaded (until no window is opening a file) · save · save_as path ·
  close · wait_autosave · wait ms · dump path [design] (every window's state and the peak
  memory, as JSON) · mark path [text] · repeat times steps ("{i}" in a string value becomes
  the index) · raise message (from a slot, so the global exception hook handles it) ·
  drop_privileges uid gid · quit · exit [code]
"""

from __future__ import annotations

import dataclasses
import json
import os
import sys
import time
import traceback
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from app.domain.model import build_models
from app.persistence import design_to_bytes, recovery
from app.ui import dialogs

SCRIPT_ENV = "MLSD_TEST_SCRIPT"
EXIT_STEP_FAILED = 3
EXIT_WAIT_TIMED_OUT = 4
POLL_MS = 20
DEFAULT_WAIT_MS = 30_000

# What an unanswered question returns: the choice that changes nothing.
_NEUTRAL = {
    "ask_save_changes": "cancel",
    "ask_overwrite_changed": "cancel",
    "ask_save_failed": "cancel",
    "ask_restore": "later",
}

_runner: ScriptRunner | None = None


def _plain(value: Any) -> Any:
    if isinstance(value, QWidget) or value is None:
        return None
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {k: _plain(v) for k, v in dataclasses.asdict(value).items()}
    if isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return str(value)


class ScriptRunner(QObject):
    """Replaces the dialogs and runs the steps of one script."""

    def __init__(self, script: dict[str, Any]):
        super().__init__()
        self.answers: dict[str, list[Any]] = {k: list(v) for k, v in script.get("answers", {}).items()}
        self.steps: deque[dict[str, Any]] = deque(script.get("steps", []))
        log = script.get("dialog_log")
        # Opened now, so the log stays writable after drop_privileges.
        self._log = open(log, "a", encoding="utf-8", buffering=1) if log else None  # noqa: SIM115
        self._wait: Callable[[], bool] | None = None
        self._deadline = 0.0

    # ---- dialogs --------------------------------------------------------------------------

    def patch_dialogs(self) -> None:
        for name in dir(dialogs):
            if name.startswith(("ask_", "show_", "get_")) and callable(getattr(dialogs, name)):
                setattr(dialogs, name, self._fake(name))

    def _fake(self, name: str) -> Callable[..., Any]:
        def fake(*args: Any, **kwargs: Any) -> Any:
            if self._log is not None:
                record = {"dialog": name, "args": [_plain(a) for a in args[1:]]}  # args[0]: parent
                self._log.write(json.dumps(record) + "\n")
            queue = self.answers.get(name)
            if queue:
                return queue.pop(0)
            return _NEUTRAL.get(name)

        return fake

    # ---- steps ----------------------------------------------------------------------------

    def start(self) -> None:
        QTimer.singleShot(0, self._next)

    def _next(self) -> None:
        if not self.steps:
            return
        step = self.steps.popleft()
        try:
            wait = self.run_step(step)
        except Exception:
            traceback.print_exc()
            print(f"mlsd-studio: script step failed: {step}", file=sys.stderr)
            QApplication.exit(EXIT_STEP_FAILED)
            return
        if wait is None:
            QTimer.singleShot(0, self._next)
            return
        self._wait = wait
        self._deadline = time.monotonic() + step.get("timeout_ms", DEFAULT_WAIT_MS) / 1000
        QTimer.singleShot(POLL_MS, self._poll)

    def _poll(self) -> None:
        assert self._wait is not None
        try:
            done = self._wait()
        except Exception:
            traceback.print_exc()
            QApplication.exit(EXIT_STEP_FAILED)
            return
        if done:
            self._wait = None
            QTimer.singleShot(0, self._next)
        elif time.monotonic() > self._deadline:
            print("mlsd-studio: script wait timed out", file=sys.stderr)
            QApplication.exit(EXIT_WAIT_TIMED_OUT)
        else:
            QTimer.singleShot(POLL_MS, self._poll)

    def run_step(self, step: dict[str, Any]) -> Callable[[], bool] | None:
        """Run one step; returns a condition to wait for, or None to go on at once."""
        from app.ui.main_window import open_windows

        op = step["op"]
        windows = open_windows()
        window = windows[step.get("window", -1)] if windows else None
        if op == "add_component":
            window.document.add_component(step["kind"], step.get("x", 0), step.get("y", 0), step.get("name"))
        elif op == "set_meta":
            window.document.set_meta_field(step["field"], step["value"])
        elif op == "new_window":
            window.files.new_window()
        elif op == "open":
            files = window.files
            files.open(step["path"])
            return lambda: not files.is_loading()
        elif op == "wait_loaded":
            return lambda: not any(w.files.is_loading() for w in open_windows())
        elif op == "save":
            window.files.save()
        elif op == "save_as":
            self.answers.setdefault("get_save_path", []).insert(0, step["path"])
            window.files.save_as()
        elif op == "close":
            window.close()
        elif op == "wait_autosave":
            return _autosaved
        elif op == "wait":
            until = time.monotonic() + step["ms"] / 1000
            return lambda: time.monotonic() >= until
        elif op == "dump":
            _dump(Path(step["path"]), with_design=step.get("design", True))
        elif op == "mark":
            Path(step["path"]).write_text(step.get("text", ""), encoding="utf-8")
        elif op == "repeat":
            self._repeat(step)
        elif op == "raise":
            message = step.get("message", "scripted failure")

            def fail() -> None:
                raise RuntimeError(message)

            QTimer.singleShot(0, fail)
        elif op == "drop_privileges":
            # The models build their pydantic validators on first use, importing modules then,
            # which the unprivileged user may not be able to read where the interpreter lives.
            build_models()
            os.setgroups([])
            os.setgid(step["gid"])
            os.setuid(step["uid"])
        elif op == "quit":
            if windows:
                windows[0].quit_all()
            else:
                QApplication.quit()
        elif op == "exit":
            QApplication.exit(step.get("code", 0))
        else:
            raise ValueError(f"unknown script op {op!r}")
        return None

    def _repeat(self, step: dict[str, Any]) -> None:
        index = step.get("index", 0)
        if index >= step["times"]:
            return
        again = dict(step, index=index + 1)
        body = [
            {k: v.replace("{i}", str(index)) if isinstance(v, str) else v for k, v in inner.items()}
            for inner in step["steps"]
        ]
        self.steps.extendleft(reversed([*body, again]))


def _autosaved() -> bool:
    """Every window with unsaved work has a recovery file holding exactly its design."""
    from app.ui.main_window import open_windows

    for window in open_windows():
        if not window.document.is_modified():
            continue
        saver = window.autosaver
        if saver.pending() or not saver.exists():
            return False
        try:
            design, _original = recovery.restore(saver.path)
        except Exception:
            return False
        if design_to_bytes(design) != design_to_bytes(window.document.design):
            return False
    return True


def _dump(path: Path, with_design: bool = True) -> None:
    from app.ui.main_window import open_windows

    windows = []
    for window in open_windows():
        doc = window.document
        state = {
            "path": str(doc.path) if doc.path else None,
            "modified": doc.is_modified(),
            "window_modified": window.isWindowModified(),
            "title": window.windowTitle(),
            "status": window.statusBar().currentMessage(),
            "undo_count": doc.undo_stack.count(),
            "components": len(doc.design.components),
            "recovery_file": str(window.autosaver.path),
            "recovery_exists": window.autosaver.exists(),
        }
        if with_design:
            state["design_text"] = design_to_bytes(doc.design).decode("utf-8")
        windows.append(state)
    report = {"pid": os.getpid(), "windows": windows, "peak_rss_kb": _peak_rss_kb()}
    path.write_text(json.dumps(report), encoding="utf-8")


def _peak_rss_kb() -> int | None:
    """Peak resident memory of this process in KiB.

    On Linux, VmHWM: ru_maxrss would also count the parent's memory image that a forked
    child carries until it runs exec.
    """
    try:
        for line in Path("/proc/self/status").read_bytes().splitlines():
            if line.startswith(b"VmHWM:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    try:
        import resource
    except ImportError:  # Windows
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak // 1024 if sys.platform == "darwin" else peak  # bytes on macOS


def install() -> ScriptRunner | None:
    """Read $MLSD_TEST_SCRIPT and replace the dialogs; None (and no effect) when unset."""
    global _runner
    source = os.environ.get(SCRIPT_ENV)
    if not source:
        return None
    script = json.loads(Path(source).read_text(encoding="utf-8"))
    if isinstance(script, list):
        script = {"steps": script}
    _runner = ScriptRunner(script)
    _runner.patch_dialogs()
    return _runner


def start() -> None:
    """Run the installed script's steps on the event loop (no-op without a script)."""
    if _runner is not None:
        _runner.start()
