"""PySide6 6.12.0 kills CPython 3.11 after tens of thousands of QPainter calls
("Fatal Python error: none_dealloc"); pyproject pins below it. This catches a bad upgrade."""

import subprocess
import sys
import textwrap

import pytest

pytest.importorskip("PySide6")


def test_300k_qpainter_calls_do_not_crash_the_interpreter():
    code = textwrap.dedent(
        """
        import os
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        from PySide6.QtGui import QGuiApplication, QImage, QPainter, QPen, QBrush, QColor
        app = QGuiApplication([])
        image = QImage(64, 64, QImage.Format.Format_ARGB32)
        painter = QPainter(image)
        pen, brush = QPen(QColor(10, 20, 30)), QBrush(QColor(200, 100, 50))
        for i in range(100_000):
            painter.setPen(pen)
            painter.setBrush(brush)
            painter.drawRect(i % 50, i % 40, 10, 10)
        painter.end()
        print("ok")
        """
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip() == "ok"
