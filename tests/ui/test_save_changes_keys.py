"""The unsaved-changes box (closing a modified window) answers its keys on a real X server:
Alt+S saves, Alt+D discards, Esc cancels. Qt's standard Save / Discard buttons have no
mnemonics on xcb, so Alt+D and Alt+S did nothing there. The keys are real X key presses
(xdotool) under a window manager (openbox), in a child process on the xcb platform. Every other
question box names its choices with an Alt+letter too."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from app.persistence.recovery import RecoveryInfo
from app.ui import dialogs
from tests.ui.on_x11 import run_on_x11, x11_child

CHILD = """
import json
import subprocess
import sys
import time
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

app = QApplication([])
from app.domain.model import Design, Meta
from app.persistence import load_design, save_design
from app.ui.main_window import MainWindow

manager = subprocess.Popen(["openbox"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
keys, path = sys.argv[1], Path(sys.argv[2])
save_design(Design(meta=Meta(title="Before")), path)
window = MainWindow(restore_layout=False)
window.load_design(load_design(path).design, path)
window.show()
deadline = time.monotonic() + 10
while not window.isActiveWindow() and time.monotonic() < deadline:
    app.processEvents()
    time.sleep(0.02)
window.document.set_meta_field("title", "After")
asked, pressed_at = [], []


def press_when_asked():
    box = QApplication.activeModalWidget()
    if isinstance(box, QMessageBox) and box.isActiveWindow() and not pressed_at:
        asked.append(box.text())
        pressed_at.append(time.monotonic())
        subprocess.run(["xdotool", "key", "--clearmodifiers", keys], check=True)
    if isinstance(box, QMessageBox) and pressed_at and time.monotonic() > pressed_at[0] + 5:
        asked.append(f"still open after the keys: {box.text()}")
        box.reject()  # the keys did nothing: cancel, so the child ends
        return
    QTimer.singleShot(50, press_when_asked)


QTimer.singleShot(50, press_when_asked)
closed = window.close()
print(json.dumps({"asked": asked, "closed": closed, "title": load_design(path).design.meta.title}))
if not closed:
    window.document.mark_saved()
    window.close()
manager.terminate()
"""


def _close_with_keys(tmp_path: Path, keys: str) -> dict:
    done = run_on_x11(tmp_path, ["-c", CHILD, keys, str(tmp_path / "design.mlsd")], timeout=120)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    result: dict = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["asked"][:1] == ["Save the changes to “design.mlsd” before closing?"], result
    return result


needs_x11 = pytest.mark.skipif(
    shutil.which("openbox") is None or shutil.which("xdotool") is None,
    reason="openbox and xdotool are needed",
)


@x11_child
@needs_x11
def test_alt_d_discards_and_the_window_closes_on_x11(tmp_path):
    result = _close_with_keys(tmp_path, "alt+d")
    assert result == {**result, "closed": True, "title": "Before"}, result


@x11_child
@needs_x11
def test_alt_s_saves_and_the_window_closes_on_x11(tmp_path):
    result = _close_with_keys(tmp_path, "alt+s")
    assert result == {**result, "closed": True, "title": "After"}, result


@x11_child
@needs_x11
def test_escape_cancels_and_the_window_stays_on_x11(tmp_path):
    result = _close_with_keys(tmp_path, "Escape")
    assert len(result["asked"]) == 1 and not result["closed"] and result["title"] == "Before", result


def _buttons_of_the_box(qtbot, ask) -> list[str]:
    """The button texts of the box `ask()` shows, which is then cancelled."""
    texts: list[str] = []

    def read_and_cancel() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, read_and_cancel)
            return
        texts.extend(button.text() for button in box.buttons())
        box.reject()

    QTimer.singleShot(0, read_and_cancel)
    ask()
    return texts


QUESTIONS = {
    "save changes": lambda: dialogs.ask_save_changes(None, "a.mlsd"),
    "changed on disk": lambda: dialogs.ask_overwrite_changed(None, "a.mlsd"),
    "save failed": lambda: dialogs.ask_save_failed(None, "disk full"),
    "restore": lambda: dialogs.ask_restore(None, RecoveryInfo(Path("r"), 1, "2026-12-08T04:00", None, "t")),
    "finish interview": lambda: dialogs.ask_finish_interview(None),
    "replace": lambda: dialogs._replace(None, Path("a.mlsd")),
}


@pytest.mark.parametrize("question", QUESTIONS)
def test_every_choice_of_a_question_box_has_its_own_alt_letter(qtbot, question):
    texts = _buttons_of_the_box(qtbot, QUESTIONS[question])
    choices = [text for text in texts if text != "Cancel"]  # Cancel is Esc
    assert choices and all("&" in text for text in choices), texts
    letters = [text[text.index("&") + 1].lower() for text in choices]
    assert len(set(letters)) == len(letters), texts
