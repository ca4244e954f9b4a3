"""Starting the real app in a subprocess, driven by a script (tests/reliability/script_hook.py,
installed by tests/reliability/launch_app.py).

The subprocess inherits the test's MLSD_STUDIO_DATA_DIR and XDG_CONFIG_HOME (set per test by
tests/conftest.py), runs offscreen, and reports through files: a dump of its windows, a log
of every dialog it showed, and marker files the test waits for.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def app_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["QT_LOGGING_RULES"] = "qt.qpa.*=false"
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.pop("MLSD_TEST_SCRIPT", None)
    env.update(extra)
    return env


class AppRun:
    """One run of the window (`mlsd [args]`, through tests/reliability/launch_app.py) with a
    script; `folder` holds its script and reports."""

    def __init__(
        self,
        folder: Path,
        steps: list[dict[str, Any]],
        answers: dict[str, list[Any]] | None = None,
        args: list[str] | None = None,
        env: dict[str, str] | None = None,
        name: str = "run",
        **popen: Any,
    ):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.dialog_log = self.folder / f"{name}-dialogs.jsonl"
        self.dialog_log.write_text("", encoding="utf-8")
        script = {"answers": answers or {}, "dialog_log": str(self.dialog_log), "steps": steps}
        self.script = self.folder / f"{name}-script.json"
        self.script.write_text(json.dumps(script), encoding="utf-8")
        self.out = self.folder / f"{name}-stdout.txt"
        self.err = self.folder / f"{name}-stderr.txt"
        full_env = app_env(MLSD_TEST_SCRIPT=str(self.script), **(env or {}))
        with open(self.out, "wb") as out, open(self.err, "wb") as err:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "tests.reliability.launch_app", *(args or [])],
                cwd=ROOT,
                env=full_env,
                stdout=out,
                stderr=err,
                **popen,
            )

    def wait(self, timeout: float = 60) -> int:
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise AssertionError(f"the app did not exit within {timeout} s\n{self.stderr()}") from None

    def wait_for(self, path: Path, timeout: float = 60) -> None:
        """Until `path` exists; fails early when the app exits first."""
        deadline = time.monotonic() + timeout
        while not Path(path).exists():
            if self.process.poll() is not None:
                raise AssertionError(
                    f"the app exited ({self.process.returncode}) before {path}\n{self.stderr()}"
                )
            if time.monotonic() > deadline:
                self.process.kill()
                raise AssertionError(f"no {path} within {timeout} s\n{self.stderr()}")
            time.sleep(0.01)

    def stderr(self) -> str:
        return self.err.read_text(encoding="utf-8", errors="replace") if self.err.exists() else ""

    def dialogs(self) -> list[dict[str, Any]]:
        lines = self.dialog_log.read_text(encoding="utf-8").splitlines()
        return [json.loads(line) for line in lines if line.strip()]

    def dialog_args(self, name: str) -> list[list[Any]]:
        return [d["args"] for d in self.dialogs() if d["dialog"] == name]


def read_dump(path: Path) -> dict[str, Any]:
    return json.loads(Path(path).read_text(encoding="utf-8"))
