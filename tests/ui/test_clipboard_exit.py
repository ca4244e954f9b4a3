"""Copying items must not make the process crash when it exits (PySide6 6.11 SIGSEGVs when
the clipboard still owns a QMimeData made in Python)."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_release_clipboard_keeps_the_text_and_lets_the_process_exit_cleanly():
    code = textwrap.dedent(
        """
        from PySide6.QtWidgets import QApplication
        app = QApplication([])
        from app.ui.canvas import CanvasView
        from app.ui.canvas.clipboard import release_clipboard
        from app.ui.document import DesignDocument
        doc = DesignDocument()
        view = CanvasView(doc)
        view.select_components([doc.add_component("model", 0, 0, "Ranker")])
        assert view.copy_selection()
        release_clipboard()
        mime = QApplication.clipboard().mimeData()
        print(mime.formats(), repr(mime.text()))
        """
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "application/x-mlsd-items" not in proc.stdout
    assert "Ranker" in proc.stdout
