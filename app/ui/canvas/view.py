"""CanvasView: the QGraphicsView of a design — zoom, pan, grid, drop, keyboard, minimap.

The editing API (selection, clipboard, align, layout, export) lives in CanvasEditMixin;
panning in panning.py, which zoom the wheel and gestures ask for in zoom_input.py, taking a
kind dropped from the palette in kind_drop.py.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QEvent, QPointF, QRect, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPixmapCache,
    QTransform,
    QWheelEvent,
)
from PySide6.QtWidgets import QFrame, QGraphicsView, QWidget

from app.ui.canvas import card_chrome as chrome
from app.ui.canvas import style as st
from app.ui.canvas.editing import CanvasEditMixin
from app.ui.canvas.grid import draw_grid
from app.ui.canvas.guidance import CanvasGuidanceMixin
from app.ui.canvas.keyboard import CanvasKeyboardMixin
from app.ui.canvas.kind_drop import accept_kind_drag, dropped_kind
from app.ui.canvas.minimap import Minimap
from app.ui.canvas.panning import Panning
from app.ui.canvas.rename import InlineRenamer
from app.ui.canvas.scene import DesignScene
from app.ui.canvas.style import FIT_MAX_ZOOM, MAX_ZOOM, MIN_ZOOM, ZOOM_STEP
from app.ui.canvas.text_refine import TextRefiner
from app.ui.canvas.zoom_input import gesture_zoom, wheel_zoom
from app.ui.canvas.zoom_warmup import ZoomWarmup
from app.ui.document import DesignDocument

FIT_MARGIN = 40.0
MINIMAP_MARGIN = 12
_E = QEvent.Type
_RESTYLE_EVENTS = (_E.PaletteChange, _E.ApplicationPaletteChange, _E.FontChange, _E.ApplicationFontChange)
WARM_DELAY_MS = 150  # idle time after the contents change before the 1:1 chromes are made
PIXMAP_CACHE_KB = 64 * 1024  # cards are cached as device pixmaps: ~1 MB each at 4x zoom


class CanvasView(CanvasEditMixin, CanvasGuidanceMixin, CanvasKeyboardMixin, QGraphicsView):
    """The canvas of one DesignDocument.

    Signals:
        selection_changed(list, list): selected component ids and link ids.
        message(str): something to show in the status bar (refused link, failed layout...).
        zoom_changed(float): the new zoom factor.
        inspector_requested(): Enter on a selection: edit it in the inspector.
    """

    selection_changed = Signal(list, list)
    message = Signal(str)
    decision_requested = Signal(list)  # "Record a decision..." on these component ids
    zoom_changed = Signal(float)
    inspector_requested = Signal()

    def __init__(self, document: DesignDocument, parent: QWidget | None = None):
        super().__init__(parent)
        self.zoom_warmup = ZoomWarmup(self)  # the neighbouring zoom levels, prepared while idle
        self._zooming = False
        self.document = document
        self.design_scene = DesignScene(document, self)
        self.setScene(self.design_scene)
        self.text_refiner = TextRefiner(self, lambda: self.zoom_warmup.enabled)  # see text_refine
        self.design_scene.text_refiner = self.text_refiner
        self.setRenderHints(
            QPainter.RenderHint.Antialiasing
            | QPainter.RenderHint.TextAntialiasing
            | QPainter.RenderHint.SmoothPixmapTransform
        )
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        self.setCacheMode(QGraphicsView.CacheModeFlag.CacheBackground)
        if QPixmapCache.cacheLimit() < PIXMAP_CACHE_KB:
            QPixmapCache.setCacheLimit(PIXMAP_CACHE_KB)
        self.setOptimizationFlags(
            QGraphicsView.OptimizationFlag.DontSavePainterState
            | QGraphicsView.OptimizationFlag.DontAdjustForAntialiasing
        )
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setDragMode(QGraphicsView.DragMode.RubberBandDrag)
        self.setRubberBandSelectionMode(Qt.ItemSelectionMode.IntersectsItemShape)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # minimap, pan and wheel
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setAcceptDrops(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.viewport().grabGesture(Qt.GestureType.PinchGesture)
        self.panning = Panning(self)  # middle button, or Space + left drag
        self._minimap_enabled = True
        self.minimap = Minimap(self)
        self.minimap.hide()
        self.design_scene.message.connect(self.message)
        self.connect_guidance()  # the empty-canvas hint, a link released on empty canvas
        self.renamer = InlineRenamer(self)  # F2 / double-click on a name: rename in place
        self.design_scene.selectionChanged.connect(self._emit_selection)
        self.selection_changed.connect(self.update_accessible_selection)
        self.design_scene.contents_changed.connect(self.update_accessible_selection)
        self.update_accessible_selection()
        self._design_rect: QRectF | None = None  # the cards' bounds, kept until the contents change
        self.design_scene.contents_changed.connect(self._contents_changed)
        self._warmed: set[object] = set()  # looks whose 1:1 chrome is ready (see card_chrome.warm)
        self._warm_timer = QTimer(self, singleShot=True, interval=WARM_DELAY_MS)
        self._warm_timer.timeout.connect(self._warm)
        self._warm_timer.start()  # the scene was built before this view listened to it
        self.zoom_warmup.schedule()
        self._undo_index = document.undo_stack.index()
        document.undo_stack.indexChanged.connect(self._undo_index_changed)
        document.reselect_items.connect(self.select_components)

    # ---- zoom ----------------------------------------------------------------------------------

    def zoom_factor(self) -> float:
        return self.transform().m11()

    def set_zoom(self, factor: float, anchor: QPointF | None = None) -> None:
        """Zoom to `factor` (clamped to 0.1-4) keeping the scene point under `anchor` fixed."""
        target = min(MAX_ZOOM, max(MIN_ZOOM, factor))
        if math.isclose(target, self.zoom_factor(), rel_tol=1e-9):
            return
        direction = 1 if target > self.zoom_factor() else -1
        point = (anchor if anchor is not None else QPointF(self.viewport().rect().center())).toPoint()
        fixed = self.mapToScene(point)
        previous = self.transformationAnchor()
        self._zooming = True  # scrolling on the way: _zoomed() syncs the items' flags once
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.NoAnchor)
        self.setTransform(QTransform.fromScale(target, target))
        self.setTransformationAnchor(previous)
        delta = self.mapFromScene(fixed) - point
        self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() + delta.x())
        self.verticalScrollBar().setValue(self.verticalScrollBar().value() + delta.y())
        self._zooming = False
        self.zoom_warmup.direction = direction
        self.zoom_warmup.anchor = QPointF(anchor) if anchor is not None else None
        self._zoomed()

    def _zoomed(self) -> None:
        zoom = self.zoom_factor()
        overview = st.is_block_zoom(zoom)
        if overview == self.design_scene.overview_active:
            self.design_scene.content_flags.sync(self.visible_scene_rect())
        else:
            self.design_scene.set_overview(overview, self.visible_scene_rect())
            # the batched overview changes with every edit: no cached background then
            mode = (
                QGraphicsView.CacheModeFlag.CacheNone
                if overview
                else QGraphicsView.CacheModeFlag.CacheBackground
            )
            self.setCacheMode(mode)
            self.resetCachedContent()
        self.zoom_changed.emit(zoom)
        self._update_minimap_visibility()
        self.zoom_warmup.schedule()

    def scrollContentsBy(self, dx: int, dy: int) -> None:
        super().scrollContentsBy(dx, dy)
        if not self._zooming:
            self.design_scene.content_flags.sync(self.visible_scene_rect())
        self.zoom_warmup.schedule()  # other cards come into view at the next levels

    def _warm(self) -> None:
        """While idle: make the 1:1 chrome of every look on the canvas (see card_chrome.warm);
        not in a view that is never zoomed (zoom_warmup off: a --screenshot process, whose one
        frame would otherwise depend on whether this ran before it)."""
        if not self.zoom_warmup.enabled:
            return
        chrome.warm(self.design_scene.component_items(), self.viewport().devicePixelRatioF(), self._warmed)

    def zoom_in(self) -> None:
        self.set_zoom(self.zoom_factor() * ZOOM_STEP)

    def zoom_out(self) -> None:
        self.set_zoom(self.zoom_factor() / ZOOM_STEP)

    def reset_zoom(self) -> None:
        self.set_zoom(1.0)

    def fit_to_view(self) -> None:
        """Show every item, with a margin, zoomed in no further than 1.5x."""
        self.design_scene.flush_link_updates()
        rect = self.design_scene.itemsBoundingRect()
        if rect.isEmpty():
            self.setTransform(QTransform())
            self.centerOn(0, 0)
            self._zoomed()
            return
        self._fit_rect(rect.adjusted(-FIT_MARGIN, -FIT_MARGIN, FIT_MARGIN, FIT_MARGIN))

    def _fit_rect(self, rect: QRectF) -> None:
        self.fitInView(rect, Qt.AspectRatioMode.KeepAspectRatio)
        zoom = self.zoom_factor()
        clamped = min(FIT_MAX_ZOOM, max(MIN_ZOOM, zoom))
        if clamped != zoom:
            self.setTransform(QTransform.fromScale(clamped, clamped))
        self.centerOn(rect.center())
        self._zoomed()

    def visible_scene_rect(self) -> QRectF:
        return self.mapToScene(self.viewport().rect()).boundingRect()

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            zoom = wheel_zoom(event)
            if zoom is not None:
                self.set_zoom(self.zoom_factor() * zoom[0], zoom[1])
            event.accept()
            return
        super().wheelEvent(event)

    def viewportEvent(self, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.Paint:  # the view's own frame: its layouts are bounded (text_refine)
            with self.text_refiner.frame():
                return super().viewportEvent(event)
        zoom = gesture_zoom(event, self.viewport())  # a pinch, a touchpad's zoom
        if zoom is not None:
            self.set_zoom(self.zoom_factor() * zoom[0], zoom[1])
            event.accept()
            return True
        return super().viewportEvent(event)

    # ---- grid ----------------------------------------------------------------------------------

    def _draw_grid(self, painter: QPainter, rect: QRectF) -> None:
        theme = self.design_scene.canvas_style.theme
        draw_grid(painter, rect, self.zoom_factor(), theme.background, theme.grid)

    def drawBackground(self, painter: QPainter, rect: QRectF) -> None:
        self._draw_grid(painter, rect)
        scene = self.design_scene
        if scene.overview_active:
            scene.overview.paint(painter, rect, self.zoom_factor())
        else:
            # the settled links, under every item; `rect` may reach far out of view (an invalidated
            # long link's bounds): only what the view shows is drawn
            shown = rect.intersected(self.visible_scene_rect())
            scene.link_batches.paint(painter, shown, self.renderHints())

    def drawForeground(self, painter: QPainter, rect: QRectF | QRect) -> None:
        self.text_refiner.batch.draw(painter, QRectF(rect))  # provisional blocks over the items (block_batch)
        super().drawForeground(painter, rect)

    def set_snap_to_grid(self, on: bool) -> None:
        self.design_scene.snap_enabled = bool(on)

    def snap_to_grid(self) -> bool:
        return self.design_scene.snap_enabled

    # ---- mouse: pan with the middle button or Space + left drag ----------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if not self.panning.press(event):
            super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self.panning.move(event):
            return
        super().mouseMoveEvent(event)
        self.design_scene.flush_link_updates()  # links follow the cards within the same frame

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if not self.panning.release(event):
            super().mouseReleaseEvent(event)

    # ---- keyboard ----------------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key == Qt.Key.Key_Space:
            self.panning.space_pressed(event)
            return
        if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.delete_selection()
            event.accept()
            return
        if key == Qt.Key.Key_Escape:
            self.design_scene.connections.cancel()
            self.design_scene.clearSelection()
            event.accept()
            return
        if self.handle_navigation_key(event):  # arrows, Alt+arrows, Enter (canvas/keyboard.py)
            event.accept()
            return
        super().keyPressEvent(event)

    def event(self, event: QEvent) -> bool:
        if isinstance(event, QKeyEvent) and event.type() == QEvent.Type.KeyPress:
            # past the last card handle_tab declines and the focus moves on
            if event.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab) and self.handle_tab(event):
                event.accept()
                return True
        return super().event(event)

    def keyReleaseEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Space and self.panning.space_released(event):
            return
        super().keyReleaseEvent(event)

    def focusOutEvent(self, event) -> None:
        self.panning.focus_lost()
        super().focusOutEvent(event)

    # ---- drop a kind from the palette ---------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        accept_kind_drag(event)

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        accept_kind_drag(event)

    def dropEvent(self, event: QDropEvent) -> None:
        kind = dropped_kind(event)
        if kind is None:
            event.ignore()
            return
        scene_pos = self.mapToScene(event.position().toPoint())
        if self.add_kind_at(kind, scene_pos) is None:
            event.ignore()
            return
        event.setDropAction(Qt.DropAction.CopyAction)
        event.accept()
        self.setFocus()

    # ---- minimap, theme, resize ------------------------------------------------------------------------

    def set_minimap_visible(self, enabled: bool) -> None:
        """Allow the minimap (shown while part of the design is out of view) or turn it off."""
        self._minimap_enabled = bool(enabled)
        self._update_minimap_visibility()

    def minimap_visible(self) -> bool:
        return not self.minimap.isHidden()

    def _contents_changed(self) -> None:
        self._design_rect = None
        self._update_minimap_visibility()
        self._warm_timer.start()
        self.zoom_warmup.schedule()
        self.design_scene.content_flags.moved(self.visible_scene_rect())

    def _update_minimap_visibility(self) -> None:
        show = False
        if self._minimap_enabled:
            # only while part of the design is out of view: over a fitted design it would
            # hide cards and tell nothing new
            if self._design_rect is None:  # not on every zoom step: a pass over every card
                self._design_rect = self.design_scene.components_rect()
            rect = self._design_rect
            show = not rect.isNull() and not self.visible_scene_rect().contains(rect)
        if show:
            self._place_minimap()
            self.minimap.schedule_refresh()
        self.minimap.setVisible(show)

    def _place_minimap(self) -> None:
        self.minimap.margin = MINIMAP_MARGIN
        self.minimap.place()  # out of the way of the selection

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.design_scene.content_flags.sync(self.visible_scene_rect())
        self._update_minimap_visibility()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in _RESTYLE_EVENTS:
            self.refresh_theme()
        super().changeEvent(event)

    def refresh_theme(self) -> None:
        """Follow the application's light or dark palette and its font."""
        chrome.invalidate()  # text layouts and card chromes are cached per zoom level
        self._warmed.clear()
        self._warm_timer.start()
        self.design_scene.refresh_theme(self.palette())
        self.resetCachedContent()
        self.minimap.schedule_refresh()
        self.minimap.update()
        self.viewport().update()
