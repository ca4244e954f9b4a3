"""Canvas benchmarks (pytest-benchmark; no timed asserts).

Disabled by default (--benchmark-disable in pyproject: each runs once as a smoke test).
Measure with:  python -m pytest tests/benchmarks/test_canvas_bench.py --benchmark-enable
or print figures with scripts/bench_canvas.py. Targets (offscreen, 1600x1000 view): open
1,000 components < 1 s; repaint 5,000 zoomed to fit < 80 ms and at 1:1 < 16 ms; one drag
step of 500 selected components < 30 ms.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

from app.ui.canvas import CanvasView
from app.ui.canvas.style import CARD_H, CARD_W
from app.ui.document import DesignDocument
from tests.factories import large_design

VIEW_SIZE = (1600, 1000)
LEFT = Qt.MouseButton.LeftButton


def _view(design) -> CanvasView:
    view = CanvasView(DesignDocument(design))
    view.resize(*VIEW_SIZE)
    view.show()
    view.design_scene.builder.finish_now()  # the whole design built (the window builds it in slices)
    return view


@pytest.fixture(scope="module")
def view_5000(qapp):
    """One 5,000-component view shared by the benchmarks below (the drag test runs last)."""
    from app.domain.catalog import default_catalog

    view = _view(large_design(default_catalog(), 5000, 6000))
    yield view
    view.close()
    view.deleteLater()


def _mouse(view: CanvasView, kind: QEvent.Type, pos: QPoint, button, buttons) -> None:
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


def test_open_1000_components_to_a_painted_view(benchmark, qtbot, catalog):
    design = large_design(catalog, 1000, 1200)

    def open_view():
        view = _view(design.model_copy(deep=True))
        qtbot.addWidget(view)
        view.fit_to_view()
        view.viewport().grab()
        return view

    view = benchmark.pedantic(open_view, rounds=3, iterations=1)
    assert len(view.design_scene.component_items()) == 1000


def test_repaint_5000_zoomed_to_fit(benchmark, view_5000):
    view = view_5000
    view.fit_to_view()
    view.viewport().grab()
    image = benchmark(lambda: view.viewport().grab())
    assert not image.isNull() and view.design_scene.overview_active


def test_repaint_5000_at_one_to_one(benchmark, view_5000):
    view = view_5000
    view.reset_zoom()
    view.centerOn(1200, 700)
    view.viewport().grab()
    image = benchmark(lambda: view.viewport().grab())
    assert not image.isNull() and not view.design_scene.overview_active


def test_drag_500_selected_components_one_step(benchmark, view_5000):
    view = view_5000
    view.reset_zoom()
    items = view.design_scene.component_items()[:500]
    view.select_components([i.component_id for i in items])
    first = items[0].pos() + QPointF(CARD_W / 2, CARD_H / 2)
    view.centerOn(first)
    start = view.mapFromScene(first)
    _mouse(view, QEvent.Type.MouseMove, start, Qt.MouseButton.NoButton, Qt.MouseButton.NoButton)
    _mouse(view, QEvent.Type.MouseButtonPress, start, LEFT, LEFT)
    offsets = iter(range(1, 10**6))

    def step():
        dy = 10 if next(offsets) % 2 else 20
        _mouse(view, QEvent.Type.MouseMove, start + QPoint(0, dy), Qt.MouseButton.NoButton, LEFT)

    benchmark(step)
    _mouse(view, QEvent.Type.MouseButtonRelease, start + QPoint(0, 10), LEFT, Qt.MouseButton.NoButton)
    doc = view.document
    assert doc.undo_stack.count() == 1  # the whole drag is one undo step
    assert doc.component(items[0].component_id).position.y == items[0].pos().y()
