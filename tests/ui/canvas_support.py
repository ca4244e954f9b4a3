"""Helpers shared by the canvas tests: a shown view over a document, and real mouse input."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPalette
from PySide6.QtWidgets import QApplication

from app.domain.catalog import default_catalog
from app.persistence import design_to_bytes
from app.ui.canvas import CanvasView
from app.ui.document import DesignDocument
from tests.factories import large_design

LEFT = Qt.MouseButton.LeftButton
NO_MODIFIER = Qt.KeyboardModifier.NoModifier


def make_view(qtbot, design=None, size=(1000, 700)) -> tuple[DesignDocument, CanvasView]:
    """A document and a shown 1:1 view centred on the scene origin."""
    doc = DesignDocument(design)
    view = CanvasView(doc)
    qtbot.addWidget(view)
    view.resize(*size)
    view.show()
    qtbot.waitExposed(view)
    view.centerOn(400, 200)
    return doc, view


def grid_view(qtbot, n: int = 600) -> tuple[DesignDocument, CanvasView]:
    """A 900 x 600 view over `n` cards in rows 240 x 150 apart, built whole, at 1:1 on a few rows."""
    doc, view = make_view(qtbot, large_design(default_catalog(), n, n), size=(900, 600))
    view.design_scene.builder.finish_now()  # a large design is built in slices otherwise
    view.centerOn(1300, 400)
    return doc, view


def frame(view: CanvasView) -> QImage:
    """The view's next frame."""
    return view.viewport().grab().toImage()


def fresh_frame(view: CanvasView, zoom: float) -> QImage:
    """The frame at `zoom` drawn in one go: no card kept from another paint (level_pixmaps),
    none drawn provisionally (text_refine)."""
    refiner = view.text_refiner
    enabled, refiner.enabled = refiner.enabled, False
    view.design_scene.level_pixmaps.clear()
    view.set_zoom(zoom * 1.3)
    frame(view)
    view.design_scene.level_pixmaps.clear()
    view.set_zoom(zoom)
    fresh = frame(view)
    refiner.enabled = enabled
    return fresh


@contextmanager
def dark_palette(qtbot, view: CanvasView) -> Iterator[None]:
    """The application switched to a dark palette (the view's theme follows) and back after."""
    palette = QPalette()
    palette.setColor(QPalette.ColorRole.Window, QColor("#202124"))
    palette.setColor(QPalette.ColorRole.WindowText, QColor("#e8eaed"))
    old = QApplication.palette()
    QApplication.setPalette(palette)
    try:
        qtbot.waitUntil(lambda: view.design_scene.canvas_style.theme.dark, timeout=2000)
        yield
    finally:
        QApplication.setPalette(old)


def streamed_view(qtbot, design) -> CanvasView:
    """A shown 900 x 600 view over a copy of `design`, built in slices whatever its size."""
    document = DesignDocument(catalog=default_catalog())
    view = CanvasView(document)
    qtbot.addWidget(view)
    view.resize(900, 600)
    view.show()
    view.design_scene.builder.threshold = 1
    document.reset(design.model_copy(deep=True))
    return view


def two_cards(doc: DesignDocument) -> tuple[str, str]:
    a = doc.add_component("data_source", 100, 100, "Events")
    b = doc.add_component("feature_pipeline", 500, 100, "Features")
    doc.undo_stack.clear()
    return a, b


def snapshot(doc: DesignDocument) -> bytes:
    return design_to_bytes(doc.design)


def at(view: CanvasView, x: float, y: float) -> QPoint:
    """Viewport coordinates of a scene point."""
    return view.mapFromScene(QPointF(x, y))


def _send(view: CanvasView, kind: QEvent.Type, pos: QPoint, button, buttons, modifiers) -> None:
    viewport = view.viewport()
    local = QPointF(pos)
    event = QMouseEvent(kind, local, QPointF(viewport.mapToGlobal(pos)), button, buttons, modifiers)
    QApplication.sendEvent(viewport, event)


def press(view, pos: QPoint, button=LEFT, modifiers=NO_MODIFIER) -> None:
    _send(view, QEvent.Type.MouseButtonPress, pos, button, button, modifiers)


def move(view, pos: QPoint, buttons=LEFT, modifiers=NO_MODIFIER) -> None:
    _send(view, QEvent.Type.MouseMove, pos, Qt.MouseButton.NoButton, buttons, modifiers)


def release(view, pos: QPoint, button=LEFT, modifiers=NO_MODIFIER) -> None:
    _send(view, QEvent.Type.MouseButtonRelease, pos, button, Qt.MouseButton.NoButton, modifiers)


def drag(view, start: QPoint, end: QPoint, steps: int = 5, button=LEFT, modifiers=NO_MODIFIER) -> None:
    """Press at start, move in steps to end, release: one whole mouse drag."""
    move(view, start, Qt.MouseButton.NoButton)
    press(view, start, button, modifiers)
    for i in range(1, steps + 1):
        point = start + (end - start) * (i / steps)
        move(view, point, button, modifiers)
    release(view, end, button, modifiers)


def run_layout(qtbot, view: CanvasView, timeout: int = 30_000) -> bool:
    """Auto-layout as the user starts it, waiting for its worker; True when it moved cards
    (one new "Auto-layout" undo step)."""
    stack = view.document.undo_stack
    index, ended = stack.index(), []
    view.jobs.ended.connect(lambda kind, state: ended.append(state))
    if not view.auto_layout():
        return False
    qtbot.waitUntil(lambda: bool(ended), timeout=timeout)
    return stack.index() == index + 1 and stack.undoText() == "Auto-layout"
