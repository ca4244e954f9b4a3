"""End to end on a real X server: the real app in its own process, driven by real X mouse and
keyboard events (xdotool), as a user would: drag a kind from the palette onto the canvas, rename
it in the inspector, connect two cards, accept a finding, save with Ctrl+S, quit with Ctrl+Q, and
read the saved file back.

The test starts its own Xvfb display (no window manager, so focus is given with clicks, as the
walkthrough in scripts/xcb_walkthrough.py does) and a throw-away HOME, so no settings, start page
or recent files of the machine interfere. Where Xvfb or xdotool is missing it skips saying so.
Positions to aim at are read from the window through tests/e2e/probe_launch.py, which only reads.
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from app.domain.catalog import default_catalog
from app.domain.model import Component, Design, Meta, Position
from app.persistence import load_design, save_design

ROOT = Path(__file__).resolve().parents[2]
PROBE = Path(__file__).with_name("probe_launch.py")
MISSING = [tool for tool in ("Xvfb", "xdotool") if shutil.which(tool) is None]

pytestmark = pytest.mark.skipif(
    bool(MISSING) or not sys.platform.startswith("linux"),
    reason=f"needs a real X server: {', '.join(MISSING) or 'Linux'} not available "
    "(install the xvfb and xdotool packages; CI has them)",
)

NEW_NAME = "Ranker E2E"
RATIONALE = "Accepted in the end-to-end test"


def _free_display() -> int:
    for number in range(150, 400):
        if not Path(f"/tmp/.X{number}-lock").exists() and not Path(f"/tmp/.X11-unix/X{number}").exists():
            return number
    raise RuntimeError("no free X display number between :150 and :399")


@pytest.fixture
def display() -> Iterator[str]:
    for _attempt in range(3):
        name = f":{_free_display()}"
        server = subprocess.Popen(
            ["Xvfb", name, "-screen", "0", "1600x1000x24", "-nolisten", "tcp"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        socket = Path(f"/tmp/.X11-unix/X{name[1:]}")
        deadline = time.monotonic() + 10
        while server.poll() is None and not socket.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        if server.poll() is None and socket.exists():
            break
        server.kill()
        server.wait()
    else:
        pytest.fail("Xvfb did not start on a free display")
    try:
        yield name
    finally:
        server.terminate()
        try:
            server.wait(timeout=5)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


class App:
    """The app's process, its probe and the X input sent to it."""

    def __init__(self, path: Path, display: str, home: Path) -> None:
        self.display = display
        env = {k: v for k, v in os.environ.items() if not k.startswith(("QT_", "XDG_"))}
        env.update(
            DISPLAY=display,
            QT_QPA_PLATFORM="xcb",
            HOME=str(home),
            XDG_CONFIG_HOME=str(home / ".config"),
            XDG_DATA_HOME=str(home / ".local" / "share"),
            XDG_CACHE_HOME=str(home / ".cache"),
            XDG_RUNTIME_DIR=str(home / "runtime"),
            PYTHONPATH=os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p),
        )
        (home / "runtime").mkdir(mode=0o700)
        self.env = env
        self.process = subprocess.Popen(
            [sys.executable, str(PROBE), str(path), "--no-recovery"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=str(home),
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.stderr: list[str] = []
        sinks = ((self.process.stdout, self.lines.put), (self.process.stderr, self.stderr.append))
        for stream, sink in sinks:
            threading.Thread(target=self._read, args=(stream, sink), daemon=True).start()

    @staticmethod
    def _read(stream: Any, sink: Callable[[str], None]) -> None:
        for line in stream:
            sink(line.rstrip("\n"))

    def why(self) -> str:
        return "app stderr:\n" + "\n".join(self.stderr[-30:])

    def wait_line(self, prefix: str, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                break
            if line.startswith(prefix):
                return line
        raise AssertionError(f"no {prefix!r} line from the app within {timeout} s; {self.why()}")

    def geom(self) -> dict[str, Any]:
        assert self.process.poll() is None, f"the app exited ({self.process.returncode}); {self.why()}"
        assert self.process.stdin is not None
        self.process.stdin.write("geom\n")
        self.process.stdin.flush()
        state: dict[str, Any] = json.loads(self.wait_line("GEOM ", 10)[5:])
        return state

    def wait_for(
        self, what: str, test: Callable[[dict[str, Any]], Any], timeout: float = 10
    ) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            state = self.geom()
            if test(state):
                return state
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}; last state {state}; {self.why()}")
            time.sleep(0.1)

    def xdo(self, *args: str) -> str:
        done = subprocess.run(
            ["xdotool", *args], env=self.env, capture_output=True, text=True, timeout=20, check=True
        )
        return done.stdout

    def move(self, point: list[int]) -> None:
        self.xdo("mousemove", "--sync", str(point[0]), str(point[1]))

    def click(self, point: list[int]) -> None:
        self.move(point)
        self.xdo("click", "1")

    def key(self, *keys: str) -> None:
        self.xdo("key", "--clearmodifiers", *keys)

    def type(self, text: str) -> None:
        self.xdo("type", "--delay", "20", text)

    def drag(self, start: list[int], end: list[int]) -> None:
        self.move(start)
        self.xdo("mousedown", "1")
        steps = 12
        for i in range(1, steps + 1):
            x = start[0] + (end[0] - start[0]) * i // steps
            y = start[1] + (end[1] - start[1]) * i // steps
            self.move([x, y])
            time.sleep(0.03)
        time.sleep(0.2)
        self.xdo("mouseup", "1")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=10)


def _start_design(path: Path) -> None:
    """One data source, so there is a card to connect to and findings to accept."""
    design = Design(
        meta=Meta(title="E2E design"),
        components=[Component(id="events", kind="data_source", name="Events", position=Position(x=0, y=0))],
    )
    save_design(design, path)


def _empty_spot(state: dict[str, Any]) -> list[int]:
    """A point on the canvas well away from every card (the canvas's left third, low down)."""
    x, y, width, height = state["canvas"]
    candidates = [[x + width // 6, y + height - 60], [x + width - 80, y + 40], [x + 40, y + 40]]
    cards = list(state["cards"].values())
    return max(
        candidates, key=lambda p: min((abs(p[0] - c[0]) + abs(p[1] - c[1]) for c in cards), default=9999)
    )


def test_drag_rename_connect_accept_save_quit_and_reopen(display: str, tmp_path: Path) -> None:
    path = tmp_path / "e2e.mlsd"
    _start_design(path)
    home = tmp_path / "home"
    home.mkdir()
    app = App(path, display, home)
    try:
        app.wait_line("READY", 30)
        window = app.xdo("search", "--sync", "--name", "e2e").split()
        assert window, "the window titled after the file is on the display"
        state = app.wait_for("the design on the canvas", lambda s: s["window"] and "Events" in s["cards"])
        app.click(_empty_spot(state))

        # 1. drag "model" from the palette onto the canvas
        x, y, width, height = state["canvas"]
        drop = [x + width // 2 + 150, y + height // 2 + 120]
        app.drag(state["kinds"]["model"], drop)
        state = app.wait_for("a second card after the drop", lambda s: len(s["cards"]) == 2)
        new_name, new_center = next((n, c) for n, c in state["cards"].items() if n != "Events")
        assert abs(new_center[0] - drop[0]) < 200 and abs(new_center[1] - drop[1]) < 150, (new_center, drop)

        # 2. edit a property: select the new card, Enter focuses the inspector's Name field
        app.click(new_center)
        app.key("Return")
        app.wait_for("the inspector's Name field focused", lambda s: s["focus_name"] == "name")
        app.key("ctrl+a")
        app.type(NEW_NAME)
        app.key("Return")
        state = app.wait_for("the renamed card", lambda s: NEW_NAME in s["cards"])
        assert new_name not in state["cards"]

        # 3. connect: select Events, Connect to... (Ctrl+L), type the target's name, Enter
        app.click(state["cards"]["Events"])
        app.key("ctrl+l")
        app.wait_for("the Connect to picker", lambda s: (s["dialog"] or {}).get("title") == "Connect to")
        app.type(NEW_NAME)
        app.key("Return")
        state = app.wait_for("one link", lambda s: s["links"] == 1 and s["dialog"] is None)

        # 4. accept a finding: click it in the Findings dock, Accept..., type why, Accept
        state = app.wait_for("an open finding", lambda s: s["finding"] is not None)
        rule = state["finding"]["rule"]
        app.click(state["finding"]["at"])
        state = app.wait_for("Accept enabled", lambda s: s["accept_enabled"] and s["accept"])
        app.click(state["accept"])
        app.wait_for("the Accept dialog", lambda s: (s["dialog"] or {}).get("title") == f"Accept {rule}")
        app.type(RATIONALE)
        state = app.wait_for("Accept enabled in the dialog", lambda s: s["dialog"]["ok_enabled"])
        app.click(state["dialog"]["ok"])
        state = app.wait_for("a decision", lambda s: s["decisions"] == 1 and s["dialog"] is None)

        # 5. save and quit with the keyboard (no window manager: a click gives the window focus)
        app.click(_empty_spot(state))
        app.key("ctrl+s")
        app.wait_for("the design saved", lambda s: not s["modified"])
        app.key("ctrl+q")
        try:
            status = app.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"Ctrl+Q did not quit; last state {app.geom()}; {app.why()}") from None
        assert status == 0, app.why()
        assert not [line for line in app.stderr if "Ambiguous shortcut" in line], app.why()
    finally:
        app.stop()

    # 6. reopen the file and compare
    design = load_design(path, default_catalog()).design
    by_name = {c.name: c for c in design.components}
    assert set(by_name) == {"Events", NEW_NAME}
    assert by_name[NEW_NAME].kind == "model"
    assert [(link.source, link.target) for link in design.links] == [("events", by_name[NEW_NAME].id)]
    assert [(d.rule, d.rationale) for d in design.decisions] == [(rule, RATIONALE)]
