"""Take a window screenshot exactly as `mlsd DESIGN --screenshot PNG --size WxH` does, and cut
each card out of it: CARDS/card-N.png is the N-th card's rectangle in the picture (its part
inside the canvas's viewport) on a 12-pixel white border, and CARDS/cards.json lists the cards'
names in that order. Cards wholly outside the viewport are left out.

Run (offscreen Qt): python scripts/legibility_boxes.py DESIGN PNG WxH CARDS
Used by scripts/bench_legibility.py --per-card.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QPoint, QRect, Qt  # noqa: E402
from PySide6.QtGui import QImage, QPainter  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from app.rules.check_process import ForkedCheck  # noqa: E402
from app.ui import main as window_main  # noqa: E402
from app.ui.canvas import style as st  # noqa: E402
from app.ui.main_window import MainWindow  # noqa: E402

BORDER = 12  # white pixels around each cut-out card


def card_boxes(window: MainWindow) -> list[tuple[str, QRect]]:
    """Each card in view: its name and its rectangle in the window's picture."""
    view = window.canvas
    viewport = view.viewport()
    shown = viewport.rect()
    boxes: list[tuple[str, QRect]] = []
    for item in view.design_scene.component_items():
        card = item.mapRectToScene(st.CARD_RECT)
        on_view = view.mapFromScene(card).boundingRect()
        if not on_view.intersects(shown):
            continue
        on_view = on_view.intersected(shown)
        corner = viewport.mapTo(window, QPoint(on_view.x(), on_view.y()))
        boxes.append((item.name, QRect(corner, on_view.size())))
    return boxes


def cut_out(picture: QImage, boxes: list[tuple[str, QRect]], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for number, (_name, box) in enumerate(boxes):
        card = QImage(box.width() + 2 * BORDER, box.height() + 2 * BORDER, QImage.Format.Format_RGB32)
        card.fill(Qt.GlobalColor.white)
        painter = QPainter(card)
        painter.drawImage(BORDER, BORDER, picture.copy(box))
        painter.end()
        card.save(str(folder / f"card-{number}.png"))
    names = [name for name, _box in boxes]
    (folder / "cards.json").write_text(json.dumps(names, ensure_ascii=False), encoding="utf-8")


def main() -> int:
    design, png, window_size, folder = sys.argv[1:5]
    shoot = window_main.take_screenshot

    def shoot_and_cut(
        app: QApplication,
        window: MainWindow,
        out: str,
        size: tuple[int, int] = window_main.SCREENSHOT_SIZE,
        check: ForkedCheck | None = None,
    ) -> int:
        status = shoot(app, window, out, size, check)
        cut_out(QImage(out), card_boxes(window), Path(folder))
        return status

    window_main.take_screenshot = shoot_and_cut
    from app.cli import main as cli_main

    return cli_main([design, "--screenshot", png, "--size", window_size])


if __name__ == "__main__":
    sys.exit(main())
