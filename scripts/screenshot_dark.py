"""The README's picture of the dark theme: the example design, a Monitor selected, the View menu open.

    xvfb-run -a -s "-screen 0 1600x1000x24" env QT_QPA_PLATFORM=xcb \\
        python scripts/screenshot_dark.py docs/images/dark.png

The whole screen is grabbed (not the window), so the open View menu and its check boxes are
in the picture with the palette list, the inspector's check boxes ("Watches") and the canvas.
The theme is applied for this run only; the user's settings are not touched.
"""

from __future__ import annotations

import argparse
import sys

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QMenu
from shots import WINDOW_SIZE, settle, shot_window

from app.resources import resource_path
from app.ui.main import make_application
from app.ui.theme import dark_palette


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", default="docs/images/dark.png")
    parser.add_argument("--kind", default="monitor", help="the kind of the card selected (default monitor)")
    args = parser.parse_args(argv)
    app = make_application()
    app.setPalette(dark_palette())  # not saved in Settings
    with shot_window() as window:
        window.files.open(resource_path("examples", "example.mlsd"))
        window.setGeometry(0, 0, *WINDOW_SIZE)
        window.show()
        settle()
        window.balance_docks()
        window.canvas.fit_to_view()
        window.checker.check_now()
        window.statusBar().clearMessage()  # "Opened /path/...": where this checkout happens to be
        chosen = next((c.id for c in window.document.design.components if c.kind == args.kind), None)
        if chosen is not None:
            window.canvas.select_components([chosen])
        view_menu = next(
            m for m in window.menuBar().findChildren(QMenu) if m.title().replace("&", "") == "View"
        )
        corner = window.menuBar().actionGeometry(view_menu.menuAction()).bottomLeft()
        view_menu.popup(window.menuBar().mapToGlobal(corner + QPoint(0, 1)))
        settle(20)
        screen = window.screen()
        if not screen.grabWindow(0).toImage().copy(window.frameGeometry()).save(args.out):
            print(f"screenshot_dark: could not write {args.out}", file=sys.stderr)
            return 1
        print(f"wrote {args.out}: {len(window.document.design.components)} cards, selected {chosen}")
        view_menu.hide()
        return 0


if __name__ == "__main__":
    sys.exit(main())
