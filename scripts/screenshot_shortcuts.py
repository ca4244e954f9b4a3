"""The README's picture of Help > Keyboard Shortcuts, as docs/images/shortcuts.png.

    xvfb-run -a -s "-screen 0 1600x1000x24" env QT_QPA_PLATFORM=xcb \\
        python scripts/screenshot_shortcuts.py docs/images/shortcuts.png

The sheet is read from the live actions of a window on the bundled example, as a user opens it,
and scrolled to its end: the last menus and the canvas keys (Tab, the arrows, F2...).
"""

from __future__ import annotations

import argparse
import sys

from PySide6.QtWidgets import QTableWidget
from shots import settle, shot_window

from app.resources import resource_path
from app.ui.help_dialogs import show_shortcuts
from app.ui.main import make_application


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", default="docs/images/shortcuts.png")
    args = parser.parse_args(argv)
    make_application()
    with shot_window() as window:
        window.files.open(resource_path("examples", "example.mlsd"))
        window.show()
        settle()
        dialog = show_shortcuts(window)
        settle(20)
        table = dialog.findChild(QTableWidget, "shortcuts_table")
        table.scrollToBottom()
        settle()
        hidden = -table.rowViewportPosition(table.rowAt(0))  # the top row's part above the view
        if hidden > 0:  # a little taller, so the picture starts on a whole row
            dialog.resize(dialog.width(), dialog.height() + hidden)
            settle()
            table.scrollToBottom()
            settle()
        if not dialog.grab().save(args.out):
            print(f"screenshot_shortcuts: could not write {args.out}", file=sys.stderr)
            return 1
        print(f"wrote {args.out}: {dialog.width()}x{dialog.height()}")
        dialog.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
