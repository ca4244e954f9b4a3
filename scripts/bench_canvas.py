"""Canvas performance figures (offscreen): open, repaint, drag.

Run: python scripts/bench_canvas.py [--components 5000] [--repeat 15]
Prints the median (and best) of several runs for each measure; no pass/fail.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QEvent, QPoint, QPointF, Qt  # noqa: E402
from PySide6.QtGui import QMouseEvent  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from app.domain.catalog import default_catalog  # noqa: E402
from app.ui.canvas import CanvasView  # noqa: E402
from app.ui.canvas.style import CARD_H, CARD_W  # noqa: E402
from app.ui.document import DesignDocument  # noqa: E402
from tests.factories import large_design  # noqa: E402

VIEW_SIZE = (1600, 1000)


def timed(fn, repeat: int) -> tuple[float, float]:
    """Median and best wall time of fn() in milliseconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), min(times)


def open_view(design, app: QApplication) -> CanvasView:
    view = CanvasView(DesignDocument(design))
    view.resize(*VIEW_SIZE)
    view.show()
    view.fit_to_view()
    view.viewport().grab()
    return view


def mouse(view: CanvasView, kind: QEvent.Type, pos: QPoint, button, buttons) -> None:
    viewport = view.viewport()
    event = QMouseEvent(
        kind,
        QPointF(pos),
        QPointF(viewport.mapToGlobal(pos)),
        button,
        buttons,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(viewport, event)


class DragBench:
    """Press on one of `count` selected cards, then move the mouse back and forth one step."""

    def __init__(self, view: CanvasView, count: int):
        self.view = view
        scene = view.design_scene
        items = scene.component_items()[:count]
        view.reset_zoom()
        view.select_components([i.component_id for i in items])
        first = items[0].pos()
        view.centerOn(first.x() + CARD_W / 2, first.y() + CARD_H / 2)
        self.start = view.mapFromScene(QPointF(first.x() + CARD_W / 2, first.y() + CARD_H / 2))
        left = Qt.MouseButton.LeftButton
        mouse(view, QEvent.Type.MouseMove, self.start, Qt.MouseButton.NoButton, Qt.MouseButton.NoButton)
        mouse(view, QEvent.Type.MouseButtonPress, self.start, left, left)
        self.sign = 1

    def step(self) -> None:
        self.sign = -self.sign
        pos = self.start + QPoint(0, 10 if self.sign > 0 else 20)
        left = Qt.MouseButton.LeftButton
        mouse(self.view, QEvent.Type.MouseMove, pos, Qt.MouseButton.NoButton, left)

    def finish(self) -> None:
        left = Qt.MouseButton.LeftButton
        mouse(
            self.view,
            QEvent.Type.MouseButtonRelease,
            self.start + QPoint(0, 10),
            left,
            Qt.MouseButton.NoButton,
        )


def report(label: str, median: float, best: float | None = None) -> None:
    extra = f" ({best:.1f})" if best is not None else ""
    print(f"{label:<58}{median:8.1f} ms{extra}")


def once(fn) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--components", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    catalog = default_catalog()
    n = args.components
    print(f"PySide6 offscreen, view {VIEW_SIZE[0]}x{VIEW_SIZE[1]}; median (best) of {args.repeat} runs")

    small = large_design(catalog, 1000, 1200)
    rounds = max(3, args.repeat // 3)
    report(
        "open 1,000 components + 1,200 links to a painted view",
        *timed(lambda: open_view(small.model_copy(deep=True), app).deleteLater(), rounds),
    )

    design = large_design(catalog, n, int(n * 1.2))
    holder: list[CanvasView] = []
    report(
        f"open {n:,} components to a painted view (fit)", once(lambda: holder.append(open_view(design, app)))
    )
    view = holder[0]
    grab = view.viewport().grab

    view.reset_zoom()
    view.fit_to_view()
    report(f"repaint {n:,} zoomed to fit, first frame after zooming", once(grab))
    report(f"repaint {n:,} zoomed to fit (zoom {view.zoom_factor():.2f})", *timed(grab, args.repeat))

    view.reset_zoom()
    view.centerOn(1200, 700)
    report(f"repaint {n:,} at 1:1, first frame after zooming", once(grab))
    report(f"repaint {n:,} at 1:1", *timed(grab, args.repeat))

    drag = DragBench(view, 500)
    report("drag 500 selected components one step (mouse move)", *timed(drag.step, args.repeat * 2))
    report("drag 500 selected one step + repaint at 1:1", *timed(lambda: (drag.step(), grab()), args.repeat))
    report("release: 500 moves become one undo step", once(drag.finish))

    def undo() -> None:
        view.document.undo_stack.undo()
        view.design_scene.flush_link_updates()

    report("undo that move", once(undo))


if __name__ == "__main__":
    main()
