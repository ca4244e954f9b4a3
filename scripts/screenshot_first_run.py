"""The start page and a refusal message, as docs/images/start-page.png and refusal.png.

Run on a real X display (the screenshots in the README are taken so):
    xvfb-run -a -s "-screen 0 1600x1000x24" env QT_QPA_PLATFORM=xcb \
        python scripts/screenshot_first_run.py docs/images
Settings go to a temporary folder, so the user's recent files never show.
"""

from __future__ import annotations

import sys
from pathlib import Path

from shots import WINDOW_SIZE, settle, shot_window, use_temporary_settings, wait


def main(argv: list[str]) -> int:
    out = Path(argv[0] if argv else "docs/images")
    use_temporary_settings()
    from PySide6.QtCore import QPoint, QPointF
    from PySide6.QtGui import QGuiApplication

    from app.domain.model import Design
    from app.ui.main import make_application, open_example
    from app.ui.start_page import show_start_page

    make_application()
    with shot_window() as window:
        window.setGeometry(0, 0, *WINDOW_SIZE)
        window.show()
        examples = Path(__file__).resolve().parent.parent / "docs" / "examples"
        for path in sorted(examples.glob("*.mlsd"))[:3]:
            window.settings.add_recent_file(path)
        open_example(window)
        settle(20)
        window.canvas.fit_to_view()
        page = show_start_page(window)
        page.resize(1040, 640)
        page.move(window.geometry().center() - QPoint(520, 320))
        settle(40)
        wait(2.0)
        screen = QGuiApplication.primaryScreen()
        shot = screen.grabWindow(0, 0, 0, 1600, 1000)
        shot.save(str(out / "start-page.png"))
        page.close()

        # a new design of three cards, a duplicate link refused: the status bar says why, the card
        # flashes; the findings list the missing stages as "To do"
        window.load_design(Design(), None)
        doc = window.document
        source = doc.add_component("data_source", 0, 0, "Click events")
        target = doc.add_component("feature_pipeline", 420, 0, "Session features")
        model = doc.add_component("model", 840, 0, "Ranker")
        doc.connect(source, target)
        doc.connect(target, model)
        settle(20)
        window.canvas.fit_to_view()
        wait(2.0)
        scene = window.canvas.design_scene
        from app.ui.canvas.style import CARD_H, CARD_W, HANDLE_POINTS

        hx, hy = HANDLE_POINTS[1]
        item = scene.component_item(source)
        assert item is not None
        scene.connections.begin(item, QPointF(hx, hy))
        scene.connections.update(QPointF(420 + CARD_W / 2, CARD_H / 2))
        scene.connections.finish(QPointF(420 + CARD_W / 2, CARD_H / 2))
        settle(10)
        image = window.grab()
        image.save(str(out / "refusal.png"))
        print(window.statusBar().currentMessage())
        return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
