"""The README's pictures of the Decisions and Estimates docks, as decisions.png and estimates.png.

    xvfb-run -a -s "-screen 0 1600x1000x24" env QT_QPA_PLATFORM=xcb \\
        python scripts/screenshot_docks.py docs/images

Both on the recommendations template: the Decisions dock with the candidate retrieval decision
and Two-tower retrieval selected (the inspector scrolled to the decisions that concern it), and
the Estimates dock at 1:1 with Multi-task ranker selected. Settings go to a temporary folder.
"""

from __future__ import annotations

import sys
from pathlib import Path

from shots import WINDOW_SIZE, shot_window, use_temporary_settings, wait


def main(argv: list[str]) -> int:
    out = Path(argv[0] if argv else "docs/images")
    use_temporary_settings()
    from app.templates import find_template
    from app.ui.main import make_application

    make_application()
    with shot_window() as window:
        window.files.open(find_template("recommendations").path)
        window.setGeometry(0, 0, *WINDOW_SIZE)
        window.show()
        wait(1.0)
        window.statusBar().clearMessage()  # "Opened /path/...": where this checkout happens to be
        window.balance_docks()
        window.canvas.fit_to_view()

        window.canvas.select_components(["retrieval"])
        window.decisions_dock.show()
        window.decisions_dock.raise_()
        window.decisions.select("candidate_retrieval")
        wait(1.0)
        bar = window.inspector.scroll.verticalScrollBar()
        bar.setValue(bar.maximum())
        wait(0.5)
        window.grab().save(str(out / "decisions.png"))

        window.estimates_dock.show()
        window.estimates_dock.raise_()
        window.canvas.set_zoom(1.0)
        window.canvas.center_on_components(["ranker"])
        wait(1.5)
        window.grab().save(str(out / "estimates.png"))
        print(f"wrote {out / 'decisions.png'} and {out / 'estimates.png'}")
        return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
