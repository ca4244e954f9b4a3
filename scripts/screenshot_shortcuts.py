"""The README's picture of Help > Keyboard Shortcuts, as docs/images/shortcuts.png.

    xvfb-run -a -s "-screen 0 1600x1000x24" env QT_QPA_PLATFORM=xcb \\
        python scripts/screenshot_shortcuts.py docs/images/shortcuts.png

The sheet is read from the live actions of a window on the bundled example, as a user opens it,
and scrolled to its end: the last menus and the canvas keys (Tab, the arrows, F2...).
"""

from __future__ import annotations

import argparse
import sys

from PySide6.QtWidgets import QApplication, QTableWidget

from app.resources import resource_path
from app.ui.help_dialogs import show_shortcuts
from app.ui.main import make_application
from app.ui.main_window import MainWindow


def _settle(app: QApplication, rounds: int = 10) -> None:
    for _ in range(rounds):
        app.processEvents()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", default="docs/images/shortcuts.png")
    args = parser.parse_args(argv)
    app = make_application()
    window = MainWindow(restore_layout=False)
    window.persist_settings = False
    try:
        window.files.open(resource_path("examples", "example.mlsd"))
        window.show()
        _settle(app)
        dialog = show_shortcuts(window)
        _settle(app, 20)
        table = dialog.findChild(QTableWidget, "shortcuts_table")
        table.scrollToBottom()
        _settle(app)
        hidden = -table.rowViewportPosition(table.rowAt(0))  # the top row's part above the view
        if hidden > 0:  # a little taller, so the picture starts on a whole row
            dialog.resize(dialog.width(), dialog.height() + hidden)
            _settle(app)
            table.scrollToBottom()
            _settle(app)
        if not dialog.grab().save(args.out):
            print(f"screenshot_shortcuts: could not write {args.out}", file=sys.stderr)
            return 1
        print(f"wrote {args.out}: {dialog.width()}x{dialog.height()}")
        dialog.close()
        return 0
    finally:
        window.document.mark_saved()
        window.close()


if __name__ == "__main__":
    sys.exit(main())
