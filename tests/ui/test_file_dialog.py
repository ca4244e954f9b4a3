"""The file dialogs (app/ui/file_dialog.py) name a file's icon and type from its name: Qt's own
dialog read each file's first bytes for them, and in /proc read /proc/kmsg, which froze the
window (seen on Xvfb with openbox: File > Open, /proc/ typed, the window no longer answered)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import QFileInfo
from PySide6.QtWidgets import QFileDialog, QFileIconProvider, QLineEdit

from app.ui.file_dialog import DESIGN_TYPE, FileDialog, NameTypeIconProvider
from tests.ui.on_x11 import run_on_x11, x11_child

PDF_START = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"


def test_a_files_type_comes_from_its_name_not_its_contents(qapp, tmp_path):
    notes = tmp_path / "notes"
    notes.write_bytes(PDF_START)
    info = QFileInfo(str(notes))
    assert "PDF" in QFileIconProvider().type(info)  # Qt's provider read the file to say so
    assert "PDF" not in NameTypeIconProvider().type(info)
    report = tmp_path / "report.pdf"
    report.write_bytes(b"")
    assert "PDF" in NameTypeIconProvider().type(QFileInfo(str(report)))  # the name says it


def test_designs_are_named_and_folders_typed_as_qt_types_them(qapp, tmp_path):
    design = tmp_path / "fraud.mlsd"
    design.write_text("{}")
    provider = NameTypeIconProvider()
    assert provider.type(QFileInfo(str(design))) == DESIGN_TYPE
    assert provider.type(QFileInfo(str(tmp_path))) == QFileIconProvider().type(QFileInfo(str(tmp_path)))


def test_open_and_save_dialogs_use_it_and_behave_as_qts_own(qtbot, tmp_path):
    opening = FileDialog(None, "Open design", str(tmp_path), "MLSD designs (*.mlsd)", save=False)
    qtbot.addWidget(opening)
    assert isinstance(opening.iconProvider(), NameTypeIconProvider)
    assert opening.acceptMode() == QFileDialog.AcceptMode.AcceptOpen
    assert opening.fileMode() == QFileDialog.FileMode.ExistingFile
    suggested = tmp_path / "design.mlsd"
    saving = FileDialog(None, "Save design as", str(suggested), "MLSD designs (*.mlsd)", save=True)
    qtbot.addWidget(saving)
    assert isinstance(saving.iconProvider(), NameTypeIconProvider)
    assert saving.acceptMode() == QFileDialog.AcceptMode.AcceptSave
    assert not saving.testOption(QFileDialog.Option.DontConfirmOverwrite)  # asks before replacing
    assert saving.selectedFiles() == [str(suggested)]
    if saving.testOption(QFileDialog.Option.DontUseNativeDialog) or not saving.findChild(QLineEdit):
        return
    assert saving.findChild(QLineEdit).text() == "design.mlsd"


PROC_CHILD = """
import faulthandler
import sys
faulthandler.dump_traceback_later(30, exit=True)  # blocked in a read: ends, and says where
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QFileDialog
from app.ui import dialogs

app = QApplication([])
steps = []

def show_all_files():
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, QFileDialog), dialog
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    dialog.selectNameFilter("All files (*)")
    dialog.setDirectory("/proc")
    steps.append("shown")
    QTimer.singleShot(2500, dialog.reject)

QTimer.singleShot(500, show_all_files)
path = dialogs.get_open_path(None, "/proc")
print("closed", steps, path)
sys.exit(0 if steps == ["shown"] and path is None else 1)
"""


@x11_child
@pytest.mark.skipif(not os.access("/proc/kmsg", os.R_OK), reason="/proc/kmsg is readable by root only")
def test_the_open_dialog_in_proc_answers_on_x11(tmp_path: Path):
    """Before, the dialog never closed: the window's thread was reading /proc/kmsg (on ad1cb69
    this child ends after 30 s with a traceback in dialogs.get_open_path)."""
    done = run_on_x11(tmp_path, ["-c", PROC_CHILD], timeout=90)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "closed ['shown'] None" in done.stdout


def _type_name_and_accept(name: str, seen: list[str]) -> None:
    """In the save dialog: type `name` and press Enter; then note and decline any question."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, QFileDialog), dialog
    dialog.findChild(QLineEdit, "fileNameEdit").setText(name)

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            seen.append(box.text())
            box.button(QMessageBox.StandardButton.No).click()
            QTimer.singleShot(50, answer)
        elif box is dialog:
            dialog.reject()

    QTimer.singleShot(100, answer)
    dialog.accept()


@pytest.mark.parametrize(
    ("suffix", "name_filter"), [(".mlsd", "MLSD designs (*.mlsd)"), (".svg", "SVG images (*.svg)")]
)
def test_a_name_typed_without_its_suffix_asks_before_replacing_the_file(qtbot, tmp_path, suffix, name_filter):
    """Save As, or an export, with "design" typed where design.mlsd (design.svg) exists: the
    dialog checked "design", the suffix was added after it, and the file was replaced unasked."""
    from PySide6.QtCore import QTimer

    from app.ui import dialogs

    existing = tmp_path / f"design{suffix}"
    existing.write_text("another design")
    seen: list[str] = []
    QTimer.singleShot(300, lambda: _type_name_and_accept("design", seen))
    chosen = dialogs.get_save_path(None, "Save", str(tmp_path / f"new{suffix}"), name_filter, suffix)
    assert chosen is None  # declined: the dialog stayed, then was cancelled
    assert seen and existing.name in seen[0]
    assert existing.read_text() == "another design"
    QTimer.singleShot(300, lambda: _type_name_and_accept("fresh", seen))
    fresh = dialogs.get_save_path(None, "Save", str(tmp_path), name_filter, suffix)
    assert fresh == str(tmp_path / f"fresh{suffix}")
