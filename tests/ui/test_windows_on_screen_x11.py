"""Every top-level window stays whole on the screen's available area, its window manager's frame
included: the main window, the window an interview opens cascaded from it, and the dialogs over
either, on a real X server with a window manager (openbox) at 1600 x 1000 and 1440 x 900.
Offscreen and without a window manager there is no frame to measure."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.ui.on_x11 import run_on_x11, x11_child

CHILD = """
import subprocess
import sys
import time

from PySide6.QtWidgets import QApplication

app = QApplication([])
from app.domain.model import Decision
from app.ui import help_dialogs, start_page
from app.ui.compare.source_dialog import CompareSourceDialog
from app.ui.decision_dialog import DecisionDialog
from app.ui.interview.compare import CompareDialog
from app.ui.interview.session import InterviewSetup
from app.ui.interview.start_dialog import StartInterviewDialog
from app.ui.main_window import MainWindow
from app.ui.template_dialog import TemplateDialog
from app.ui.window_placement import fit_to_screen, frame_margins

manager = subprocess.Popen(["openbox"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def settle(until=lambda: True, most=10.0):
    deadline = time.monotonic() + most
    while time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.02)
        if until():
            break
    for _ in range(20):
        app.processEvents()
        time.sleep(0.01)


def framed(window):
    handle = window.windowHandle()
    shown = handle is not None and handle.isExposed() and window.width() > 1
    return shown and window.frameGeometry() != window.geometry()


outside = []


def measure(name, window):
    area, frame = window.screen().availableGeometry(), window.frameGeometry()
    if not framed(window):  # not framed yet (openbox frames some dialogs late): the main window's frame
        left, top, right, bottom = frame_margins([main])
        frame = window.geometry().adjusted(-left, -top, right, bottom)
    print(name, frame.getRect(), area.getRect(), flush=True)
    if not area.contains(frame):
        outside.append(name)


main = MainWindow(restore_layout=False)
main.persist_settings = False
fit_to_screen(main)
main.show()
settle(lambda: framed(main))
assert framed(main), "no window manager frame"
main.files.open("resources/templates/fraud_detection.mlsd")
settle(lambda: main.document.design.components != [], 20)
measure("main", main)
interview = main.interview.start(InterviewSetup(problem="Rank videos", title="Videos"))
settle(lambda: framed(interview))
measure("interview", interview)
for parent_name, parent in (("main", main), ("interview", interview)):
    design, catalog = parent.document.design, parent.document.catalog
    for name, make in (
        ("start interview", lambda: StartInterviewDialog(parent)),
        ("compare with template", lambda: CompareDialog(design, catalog, parent=parent)),
        ("new from template", lambda: TemplateDialog(parent)),
        ("decision", lambda: DecisionDialog(design, Decision(id="d9", title="x"), parent=parent)),
        ("compare with", lambda: CompareSourceDialog([], "", "", parent)),
        ("shortcuts", lambda: help_dialogs.show_shortcuts(parent)),
        ("rules", lambda: help_dialogs.show_rules_reference(parent)),
        ("start page", lambda: start_page.show_start_page(parent)),
    ):
        dialog = make()
        dialog.show()
        settle(lambda: framed(dialog))
        measure(f"{parent_name}: {name}", dialog)
        dialog.hide()
        dialog.deleteLater()
for window in (main, interview):
    window.document.mark_saved()
    window.close()
manager.terminate()
print("outside:", outside)
sys.exit(1 if outside else 0)
"""


@x11_child
@pytest.mark.skipif(shutil.which("openbox") is None, reason="openbox is not installed")
@pytest.mark.parametrize("screen", ["1600x1000", "1440x900"])
def test_windows_and_dialogs_stay_whole_on_the_screen(tmp_path: Path, screen: str):
    done = run_on_x11(tmp_path, ["-c", CHILD], timeout=240, screen=screen)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "outside: []" in done.stdout
