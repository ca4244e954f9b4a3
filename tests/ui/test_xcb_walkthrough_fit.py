"""scripts/xcb_walkthrough.py fits its window to the screen it runs on: it asked for 1500x940
whatever the screen, wider and taller than a 1440x900 one."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

from tests.ui.on_x11 import run_on_x11, x11_child

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "xcb_walkthrough.py"


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("xcb_walkthrough", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _inside(rect: tuple[int, int, int, int], screen: tuple[int, int, int, int]) -> bool:
    x, y, w, h = rect
    sx, sy, sw, sh = screen
    return sx <= x and sy <= y and x + w <= sx + sw and y + h <= sy + sh


def test_the_walk_window_fits_the_available_screen_frame_included():
    walk = _script()
    fx, fy = walk.FRAME_ROOM
    for screen in ((0, 0, 1440, 900), (0, 0, 1280, 720), (100, 30, 1366, 738), (0, 0, 1600, 1000)):
        x, y, w, h = walk.fit_window(screen)
        assert _inside((x, y, w + fx, h + fy), screen), screen
    assert walk.fit_window((0, 0, 1600, 1000)) == (20, 20, 1500, 940)  # as before where it fits
    assert walk.fit_window((0, 0, 2560, 1440)) == (20, 20, 1500, 940)


SHOW_WALK_WINDOW = f"""
import json, os, sys, tempfile
from pathlib import Path
sys.argv = ["xcb_walkthrough"]
import importlib.util
spec = importlib.util.spec_from_file_location("xcb_walkthrough", {str(SCRIPT)!r})
walk = importlib.util.module_from_spec(spec)
spec.loader.exec_module(walk)
from app.ui.main import make_application
app = make_application()
run = walk.Walk("light", Path(tempfile.mkdtemp()))
app.processEvents()
frame, screen = run.window.frameGeometry(), run.window.screen().availableGeometry()
print(json.dumps({{"frame": frame.getRect(), "screen": screen.getRect()}}))
run.finish()
"""


@x11_child
def test_the_walk_window_fits_a_1440x900_screen_on_x11(tmp_path):
    done = run_on_x11(tmp_path, ["-c", SHOW_WALK_WINDOW], screen="1440x900")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    shown = json.loads(done.stdout.strip().splitlines()[-1])
    assert tuple(shown["screen"]) == (0, 0, 1440, 900)
    assert _inside(tuple(shown["frame"]), tuple(shown["screen"])), shown
